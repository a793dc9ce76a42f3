import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HierarchicalNSW } from 'hnswlib-node';
import { describe, expect, it } from 'vitest';
import { shardFile, ShardedGraph } from '../../src/index/sharded-graph.js';

/** A unit vector of 4 dimensions at angle `i` degrees in the first plane. */
const at = (i: number) => [Math.cos((i * Math.PI) / 180), Math.sin((i * Math.PI) / 180), 0, 0];

describe('a sharded graph, as hnswlib’s own interface', () => {
  it('puts label n in graph n % shards, and answers as one graph holding every point', () => {
    const graph = ShardedGraph.create('cosine', 4, 3, HierarchicalNSW);
    graph.initIndex(10, 16, 100, 7);
    // Room for labels 0 … 9: 4, 3 and 3 of them, so no graph has room for fewer than its share.
    expect(graph.graphs.map((g) => g.getMaxElements())).toEqual([4, 4, 4]);
    for (let label = 0; label < 10; label += 1) graph.addPoint(at(label * 10), label);
    expect(graph.graphs.map((g) => g.getIdsList().sort((a, b) => a - b))).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    expect(graph.getCurrentCount()).toBe(10);
    expect(graph.getIdsList().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(graph.getPoint(7)[1]).toBeCloseTo(Math.sin((70 * Math.PI) / 180), 5);
    expect(graph.getNumDimensions()).toBe(4);

    // Nearest first across graphs; a filter sees the store's labels.
    expect(graph.searchKnn(at(42), 3).neighbors).toEqual([4, 5, 3]);
    expect(graph.searchKnn(at(42), 3, (label) => label % 2 === 1).neighbors).toEqual([5, 3, 7]);
    graph.markDelete(4);
    expect(graph.searchKnn(at(42), 2).neighbors).toEqual([5, 3]);
    graph.unmarkDelete(4);
    expect(graph.searchKnn(at(42), 1).neighbors).toEqual([4]);

    graph.setEf(50);
    expect(graph.graphs.map((g) => g.getEf())).toEqual([50, 50, 50]);
    expect(graph.getEf()).toBe(50);
  });

  it('grows every graph for more labels, never shrinks one, and takes hnswlib’s options object', () => {
    const graph = ShardedGraph.create('cosine', 4, 2, HierarchicalNSW);
    graph.initIndex({ maxElements: 4, m: 8 });
    expect(graph.getMaxElements()).toBe(4);
    graph.resizeIndex(9);
    expect(graph.graphs.map((g) => g.getMaxElements())).toEqual([5, 5]);
    graph.resizeIndex(2);
    expect(graph.getMaxElements()).toBe(10);
    for (let label = 0; label < 9; label += 1) graph.addPoint(at(label * 20), label);
    expect(graph.searchKnn(at(160), 1).neighbors).toEqual([8]);
  });

  it('is written and read as one hnswlib file a graph', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-sharded-graph-test-'));
    try {
      const graph = ShardedGraph.create('cosine', 4, 2, HierarchicalNSW);
      graph.initIndex(6);
      for (let label = 0; label < 6; label += 1) graph.addPoint(at(label * 30), label);
      const file = path.join(dir, 'graph.index');
      graph.writeIndexSync(file);
      expect(shardFile(file, 0)).toBe(file);
      expect((await fs.readdir(dir)).sort()).toEqual(['graph.index', 'graph.index.1']);
      // Each file is a plain hnswlib graph of its labels.
      const second = new HierarchicalNSW('cosine', 4);
      second.readIndexSync(shardFile(file, 1));
      expect(second.getIdsList().sort((a, b) => a - b)).toEqual([1, 3, 5]);

      const again = ShardedGraph.create('cosine', 4, 2, HierarchicalNSW);
      again.readIndexSync(file);
      expect(again.searchKnn(at(95), 2).neighbors).toEqual([3, 4]);
      const asynchronously = ShardedGraph.create('cosine', 4, 2, HierarchicalNSW);
      expect(await asynchronously.readIndex(file)).toBe(true);
      expect(asynchronously.getCurrentCount()).toBe(6);
      expect(await asynchronously.writeIndex(path.join(dir, 'copy.index'))).toBe(true);
      expect((await fs.readdir(dir)).filter((name) => name.startsWith('copy')).sort()).toEqual(['copy.index', 'copy.index.1']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
