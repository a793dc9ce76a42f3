import type { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { RETRIEVAL } from '../../src/tether.js';
import { createVectorStore, documentsInMemory, liveChunkIds, loadVectorStore, MAX_DEAD_SHARE, saveVectorStore, searchBeam, storeGraphs, updateVectorStore } from '../../src/index/hnsw.js';
import { graphShards, SHARDED_GRAPH_POINTS, type ShardedGraph } from '../../src/index/sharded-graph.js';

const DIMENSIONS = 8;

/** A unit vector mostly along one axis, told apart by a second component. */
function vector(i: number): number[] {
  const v = new Array<number>(DIMENSIONS).fill(0.01);
  v[i % DIMENSIONS] = 1;
  const j = (i * 3 + 1) % DIMENSIONS;
  v[j] = v[j]! + (i % 7) / 10;
  return v;
}

const document = (id: string) => new Document({ pageContent: id, metadata: { id } });
// Queries are vectors here: no text is ever embedded.
const noEmbeddings = {} as EmbeddingsInterface;

async function nearest(store: HNSWLib, query: number[], k: number): Promise<string[]> {
  const hits = await store.similaritySearchVectorWithScore(query, k);
  return hits.map(([hit]) => String(hit.metadata.id));
}

describe('updating the HNSW store', () => {
  it('appends new points while few are dead, then gives new chunks the dead points’ labels', async () => {
    const { store } = await createVectorStore(noEmbeddings, documentsInMemory(Array.from({ length: 30 }, (_, i) => document(`c${i}`))), async (batch) => batch.map((d) => vector(Number(String(d.metadata.id).slice(1)))));

    // One out, one in: the dead point stays (marked deleted), the new one is appended.
    updateVectorStore(store, new Set(['c3']), [vector(100)], [document('new-a')]);
    expect(store.index.getCurrentCount()).toBe(31);
    expect(liveChunkIds(store).size).toBe(30);
    expect(await nearest(store, vector(100), 1)).toEqual(['new-a']);
    expect(await nearest(store, vector(3), 31)).not.toContain('c3');

    // Past a tenth dead, new chunks take dead labels: the graph does not grow.
    const removed = ['c10', 'c11', 'c12', 'c13'];
    expect(1 + removed.length).toBeGreaterThan(MAX_DEAD_SHARE * (30 - removed.length + 2));
    updateVectorStore(store, new Set(removed), [vector(200), vector(201)], [document('new-b'), document('new-c')]);
    expect(store.index.getCurrentCount()).toBe(31);
    expect(liveChunkIds(store).size).toBe(28);
    const all = await nearest(store, vector(200), 31);
    expect(all).toHaveLength(28);
    expect(all[0]).toBe('new-b');
    for (const id of ['c3', ...removed]) expect(all).not.toContain(id);
    expect(all).toContain('new-c');
  });
});

describe('the HNSW search beam', () => {
  it('widens as a graph grows, never narrower than the list retrieval reads', () => {
    const beams = [0, 100, 5_000, 10_000, 10_001, 100_000, 1_000_000].map(searchBeam);
    const depth = Math.max(RETRIEVAL.perRetriever, RETRIEVAL.seatDepth);
    expect(beams.every((beam, i) => beam >= depth && beam >= (beams[i - 1] ?? 0))).toBe(true);
    expect(searchBeam(100_000)).toBeGreaterThan(searchBeam(5_000));
  });
});

describe('saving and loading the HNSW store', () => {
  it('keeps the chunk of each live point, not its text, and makes its Document from the chunk when a search returns it', async () => {
    const { store } = await createVectorStore(noEmbeddings, documentsInMemory(Array.from({ length: 12 }, (_, i) => document(`c${i}`))), async (batch) => batch.map((d) => vector(Number(String(d.metadata.id).slice(1)))));
    updateVectorStore(store, new Set(['c4']), [vector(50)], [document('new')]);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-store-test-'));
    try {
      await saveVectorStore(store, dir);
      expect((await fs.readdir(dir)).sort()).toEqual(['args.json', 'chunk-labels.json', 'hnswlib.index', 'hnswlib.rows']);
      const labels = JSON.parse(await fs.readFile(path.join(dir, 'chunk-labels.json'), 'utf8')) as Array<string | null>;
      expect(labels).toEqual([...Array.from({ length: 12 }, (_, i) => (i === 4 ? null : `c${i}`)), 'new']);

      const made: string[] = [];
      const loaded = await loadVectorStore(dir, noEmbeddings, (id) => {
        made.push(id);
        return new Document({ pageContent: `text of ${id}`, metadata: { id } });
      });
      expect(liveChunkIds(loaded)).toEqual(liveChunkIds(store));
      // Built or loaded, a graph is searched with its size's beam, not hnswlib's default of 10.
      expect(loaded.index.getEf()).toBe(searchBeam(13));
      expect(store.index.getEf()).toBe(searchBeam(12));
      expect(made, 'no Document is made before a search returns it').toEqual([]);
      const [[hit]] = (await loaded.similaritySearchVectorWithScore(vector(50), 1)) as [[Document, number]];
      expect(hit.pageContent).toBe('text of new');
      expect(made).toEqual(['new']);
      expect(await nearest(loaded, vector(4), 13)).not.toContain('c4');

      // A graph and a list of labels that disagree are a damaged index, not a store.
      await fs.writeFile(path.join(dir, 'chunk-labels.json'), JSON.stringify(labels.slice(1)));
      await expect(loadVectorStore(dir, noEmbeddings, () => undefined)).rejects.toThrow(/labels/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('creating the HNSW store', () => {
  it('embeds and adds the documents a batch at a time, in order, and finds every one', async () => {
    const batches: number[] = [];
    const ids = Array.from({ length: 1100 }, (_, i) => `c${i}`);
    // Each Document is made for its batch alone, when the batch is embedded.
    const made: number[] = [];
    const documentOf = (id: string) => {
      made.push(batches.length);
      return document(id);
    };
    const { store } = await createVectorStore(noEmbeddings, { ids, documentOf }, async (batch) => {
      batches.push(batch.length);
      return batch.map((d) => vector(Number(String(d.metadata.id).slice(1))));
    });
    expect(batches).toEqual([512, 512, 76]);
    expect(made).toEqual([...Array<number>(512).fill(0), ...Array<number>(512).fill(1), ...Array<number>(76).fill(2)]);
    expect(store.index.getCurrentCount()).toBe(1100);
    // Labels follow the documents' order, so a label is its document's position.
    for (const i of [0, 511, 512, 1099]) expect(liveChunkIds(store).get(String(i))).toBe(`c${i}`);
  });

  it('runs the other work while the graph grows in its thread, and returns both', async () => {
    const documents = Array.from({ length: 40 }, (_, i) => document(`c${i}`));
    const { store, alongside } = await createVectorStore(noEmbeddings, documentsInMemory(documents), async (batch) => batch.map((d) => vector(Number(String(d.metadata.id).slice(1)))), {
      alongside: async () => 'lexical store written',
    });
    expect(alongside).toBe('lexical store written');
    expect(await nearest(store, vector(17), 1)).toEqual(['c17']);
  });

  it('reports a graph thread that fails, and stops it when the other work fails', async () => {
    const documents = Array.from({ length: 5 }, (_, i) => document(`c${i}`));
    const vectorsOf = async (batch: Document[]) => batch.map((d) => vector(Number(String(d.metadata.id).slice(1))));
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-graph-test-'));
    try {
      // The thread cannot write the graph into a folder that does not exist.
      await expect(createVectorStore(noEmbeddings, documentsInMemory(documents), vectorsOf, { graphFile: path.join(dir, 'missing', 'hnswlib.index') })).rejects.toThrow();
      await expect(
        createVectorStore(noEmbeddings, documentsInMemory(documents), vectorsOf, {
          graphFile: path.join(dir, 'hnswlib.index'),
          alongside: () => {
            throw new Error('disk full');
          },
        }),
      ).rejects.toThrow('disk full');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a store of several graphs', () => {
  /** A pseudo-random unit vector of 16 dimensions for chunk i: no two chunks alike. */
  function spread(i: number): number[] {
    let seed = i * 2654435761 + 1;
    const v = Array.from({ length: 16 }, () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    });
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  }
  const cosineDistance = (a: number[], b: number[]) => 1 - a.reduce((sum, x, i) => sum + x * b[i]!, 0);
  /** The ids of the k chunks nearest to `query` among `live`, by an exact scan. */
  const exactNearest = (query: number[], live: ReadonlyMap<string, number[]>, k: number) =>
    [...live].sort(([, a], [, b]) => cosineDistance(query, a) - cosineDistance(query, b)).slice(0, k).map(([id]) => id);
  const chunk = (i: number) => document(`c${i}`);
  const vectorsOf = async (batch: Document[]) => batch.map((d) => spread(Number(String(d.metadata.id).slice(1))));

  it('spreads the points over the graphs by label, batch after batch, and finds what one graph finds', async () => {
    const { store } = await createVectorStore(noEmbeddings, documentsInMemory(Array.from({ length: 1100 }, (_, i) => chunk(i))), vectorsOf, { shards: 3 });
    const graphs = storeGraphs(store);
    expect(graphs).toHaveLength(3);
    // Batches of 512 do not divide by 3: each label still lands in graph label % 3, once.
    graphs.forEach((graph, shard) => {
      const labels = graph.getIdsList();
      expect(labels.every((label) => label % 3 === shard)).toBe(true);
      expect(labels).toHaveLength(Math.ceil((1100 - shard) / 3));
    });
    expect(store.index.getCurrentCount()).toBe(1100);
    const live = new Map<string, number[]>(Array.from({ length: 1100 }, (_, i) => [`c${i}`, spread(i)]));
    for (const i of [0, 1, 2, 511, 512, 513, 1099]) expect(await nearest(store, spread(i), 1)).toEqual([`c${i}`]);
    // At this size the beam covers the graphs: the nearest ten, in order, are an exact scan's.
    for (const q of [5000, 5001, 5002]) expect(await nearest(store, spread(q), 10)).toEqual(exactNearest(spread(q), live, 10));
  });

  it('asks no graph for more points than it holds', async () => {
    const { store } = await createVectorStore(noEmbeddings, documentsInMemory([chunk(0), chunk(1), chunk(2)]), vectorsOf, { shards: 2 });
    expect((await nearest(store, spread(1), 3)).sort()).toEqual(['c0', 'c1', 'c2']);
  });

  it('is saved as one file a graph, loaded as it was, and updated in place', async () => {
    const { store } = await createVectorStore(noEmbeddings, documentsInMemory(Array.from({ length: 40 }, (_, i) => chunk(i))), vectorsOf, { shards: 2 });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-shards-test-'));
    try {
      await saveVectorStore(store, dir);
      expect((await fs.readdir(dir)).sort()).toEqual(['args.json', 'chunk-labels.json', 'hnswlib.index', 'hnswlib.index.1']);
      const loaded = await loadVectorStore(dir, noEmbeddings, (id) => document(id));
      expect(storeGraphs(loaded)).toHaveLength(2);
      expect(loaded.index.getEf()).toBe(searchBeam(40));

      // Appended labels go to the graph their number names; past a tenth dead, new chunks take dead labels in either graph.
      const live = new Map<string, number[]>(Array.from({ length: 40 }, (_, i) => [`c${i}`, spread(i)]));
      updateVectorStore(loaded, new Set(['c7']), [spread(100), spread(101)], [chunk(100), chunk(101)]);
      live.delete('c7');
      live.set('c100', spread(100)).set('c101', spread(101));
      expect(storeGraphs(loaded).map((graph) => graph.getCurrentCount())).toEqual([21, 21]);
      const removed = ['c2', 'c3', 'c4', 'c5'];
      updateVectorStore(loaded, new Set(removed), [spread(200), spread(201), spread(202)], [chunk(200), chunk(201), chunk(202)]);
      for (const id of removed) live.delete(id);
      for (const i of [200, 201, 202]) live.set(`c${i}`, spread(i));
      expect(loaded.index.getCurrentCount()).toBe(42);
      for (const q of [200, 202, 5000]) expect(await nearest(loaded, spread(q), 41)).toEqual(exactNearest(spread(q), live, 41));

      await saveVectorStore(loaded, dir);
      const again = await loadVectorStore(dir, noEmbeddings, (id) => document(id));
      expect(liveChunkIds(again)).toEqual(liveChunkIds(loaded));
      expect(await nearest(again, spread(201), 1)).toEqual(['c201']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('loads a store saved before graphs were sharded as one graph, and updates it as one', async () => {
    const { store } = await createVectorStore(noEmbeddings, documentsInMemory(Array.from({ length: 20 }, (_, i) => chunk(i))), vectorsOf);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-unsharded-test-'));
    try {
      await saveVectorStore(store, dir);
      const args = path.join(dir, 'args.json');
      const { shards, ...before } = JSON.parse(await fs.readFile(args, 'utf8')) as { shards: number };
      expect(shards).toBe(1);
      await fs.writeFile(args, JSON.stringify(before));
      const loaded = await loadVectorStore(dir, noEmbeddings, (id) => document(id));
      expect(storeGraphs(loaded)).toHaveLength(1);
      updateVectorStore(loaded, new Set(['c3']), [spread(300)], [chunk(300)]);
      expect(await nearest(loaded, spread(300), 1)).toEqual(['c300']);
      await saveVectorStore(loaded, dir);
      expect((await fs.readdir(dir)).sort()).toEqual(['args.json', 'chunk-labels.json', 'hnswlib.index', 'hnswlib.rows']);
      // Searched exactly through the rows, updated from the file's columns and saved again.
      const live = new Map<string, number[]>(Array.from({ length: 20 }, (_, i) => [`c${i}`, spread(i)]));
      live.delete('c3');
      live.set('c300', spread(300));
      const again = await loadVectorStore(dir, noEmbeddings, (id) => document(id));
      expect((again.index as ShardedGraph).rows?.size).toBe(20);
      for (const q of [300, 5000, 5001]) expect(await nearest(again, spread(q), 20)).toEqual(exactNearest(spread(q), live, 20));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('is one graph up to the size whose build it speeds, two beyond', () => {
    expect(graphShards(5_000)).toBe(1);
    expect(graphShards(SHARDED_GRAPH_POINTS)).toBe(1);
    expect(graphShards(SHARDED_GRAPH_POINTS + 1)).toBe(2);
    expect(graphShards(100_000)).toBe(2);
  });
});
