import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { SparseRows } from '../../src/index/exact-search.js';
import { createVectorStore, documentsInMemory, loadVectorStore, saveVectorStore, updateVectorStore } from '../../src/index/hnsw.js';
import { ShardedGraph } from '../../src/index/sharded-graph.js';

const DIMENSIONS = 64;

/** A sparse vector (a few nonzero buckets, as the built-in embedder's), the same for the same seed. */
function sparse(seed: number, nonzero = 6): number[] {
  let state = seed * 2654435761 + 1;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (let i = 0; i < nonzero; i += 1) vector[Math.floor(next() * DIMENSIONS)] = next() - 0.3;
  return vector;
}

/** The k nearest labels by cosine distance, by comparing with every point: nearest first, ties by label. */
function bruteForce(query: number[], points: Map<number, number[]>, k: number): number[] {
  const cosine = (a: number[], b: number[]) => {
    const dot = a.reduce((sum, x, j) => sum + x * b[j]!, 0);
    const norm = Math.sqrt(a.reduce((sum, x) => sum + x * x, 0) * b.reduce((sum, x) => sum + x * x, 0));
    return norm === 0 ? 0 : dot / norm;
  };
  return [...points]
    .map(([label, point]) => ({ label, score: cosine(query, point) }))
    .sort((a, b) => b.score - a.score || a.label - b.label)
    .slice(0, k)
    .map(({ label }) => label);
}

const document = (id: string) => new Document({ pageContent: id, metadata: { id } });
const noEmbeddings = {} as EmbeddingsInterface;

describe('sparse rows, searched exactly', () => {
  it('find the nearest points an exhaustive comparison finds, in its order, as points are added, replaced and deleted', () => {
    const rows = new SparseRows(DIMENSIONS);
    const points = new Map<number, number[]>();
    for (let label = 0; label < 300; label += 1) {
      points.set(label, sparse(label));
      rows.set(label, sparse(label));
    }
    const check = () => {
      for (const seed of [1000, 1001, 1002, 7]) {
        const query = sparse(seed, 4);
        const found = rows.search(query, 20);
        expect(found.neighbors).toEqual(bruteForce(query, points, 20));
        // Distances are hnswlib's for the cosine space: 1 − cosine, nearest first.
        expect([...found.distances].sort((a, b) => a - b)).toEqual(found.distances);
      }
    };
    check();
    for (const label of [3, 50, 299]) {
      rows.delete(label);
      points.delete(label);
    }
    rows.set(7, sparse(5000));
    points.set(7, sparse(5000));
    check();
    expect(rows.size).toBe(297);
    // A point identical to the query is at distance 0; a query of no buckets reads nothing.
    expect(rows.search(sparse(7 + 4993), 1)).toEqual({ neighbors: [7], distances: [expect.closeTo(0, 6)] });
    expect(rows.cost(new Array<number>(DIMENSIONS).fill(0))).toBe(0);
    expect(rows.cost(sparse(1000))).toBeGreaterThan(0);
  });

  it('are read back from their bytes as they were, and bytes of anything else are refused', () => {
    const rows = new SparseRows(DIMENSIONS);
    for (let label = 0; label < 50; label += 1) rows.set(label * 2, sparse(label));
    const bytes = rows.toBuffer();
    const read = SparseRows.fromBuffer(bytes);
    expect(read?.size).toBe(50);
    const query = sparse(999, 5);
    expect(read?.search(query, 10)).toEqual(rows.search(query, 10));
    expect(SparseRows.fromBuffer(bytes.subarray(0, bytes.length - 4))).toBeUndefined();
    expect(SparseRows.fromBuffer(Buffer.from('not sparse rows at all, just some text'))).toBeUndefined();
    expect(SparseRows.fromBuffer(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('the vector store of one graph, searched through its sparse rows', () => {
  it('keeps the rows in step with updates, saves them beside the graph, and falls back to the graph when they are missing or foreign', async () => {
    const vectorsOf = async (batch: Document[]) => batch.map((d) => sparse(Number(String(d.metadata.id).slice(1))));
    const { store } = await createVectorStore(noEmbeddings, documentsInMemory(Array.from({ length: 60 }, (_, i) => document(`c${i}`))), vectorsOf);
    const graph = store.index as ShardedGraph;
    expect(graph.rows?.size).toBe(60);
    const live = new Map<number, number[]>(Array.from({ length: 60 }, (_, i) => [i, sparse(i)]));
    const ids = async (from: typeof store, query: number[], k: number) => (await from.similaritySearchVectorWithScore(query, k)).map(([hit]) => String(hit.metadata.id));
    expect(await ids(store, sparse(2000, 4), 10)).toEqual(bruteForce(sparse(2000, 4), live, 10).map((label) => `c${label}`));

    // One out, one in (appended as label 60): the rows follow the graph.
    updateVectorStore(store, new Set(['c5']), [sparse(500)], [document('c500')]);
    live.delete(5);
    live.set(60, sparse(500));
    expect(graph.rows?.size).toBe(60);
    const names = (labels: number[]) => labels.map((label) => (label === 60 ? 'c500' : `c${label}`));
    expect(await ids(store, sparse(500), 1)).toEqual(['c500']);
    expect(await ids(store, sparse(2001, 4), 60)).toEqual(names(bruteForce(sparse(2001, 4), live, 60)));

    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-rows-test-'));
    try {
      await saveVectorStore(store, dir);
      const loaded = await loadVectorStore(dir, noEmbeddings, (id) => document(id));
      expect((loaded.index as ShardedGraph).rows?.size).toBe(60);
      expect(await ids(loaded, sparse(2001, 4), 60)).toEqual(names(bruteForce(sparse(2001, 4), live, 60)));

      // Rows that are not the store's live points, or no rows at all: the graph answers.
      await fs.writeFile(path.join(dir, 'hnswlib.rows'), 'garbage');
      const garbled = await loadVectorStore(dir, noEmbeddings, (id) => document(id));
      expect((garbled.index as ShardedGraph).rows).toBeUndefined();
      expect(await ids(garbled, sparse(500), 1)).toEqual(['c500']);
      await fs.rm(path.join(dir, 'hnswlib.rows'));
      const without = await loadVectorStore(dir, noEmbeddings, (id) => document(id));
      expect((without.index as ShardedGraph).rows).toBeUndefined();
      expect(await ids(without, sparse(500), 1)).toEqual(['c500']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('is not made for a store of two graphs', async () => {
    const { store } = await createVectorStore(noEmbeddings, documentsInMemory(Array.from({ length: 20 }, (_, i) => document(`c${i}`))), async (batch) => batch.map((d) => sparse(Number(String(d.metadata.id).slice(1)))), { shards: 2 });
    expect((store.index as ShardedGraph).rows).toBeUndefined();
  });
});
