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

  it('are read back from their bytes as they were, searched from the columns the file holds', () => {
    const points = new Map<number, number[]>(Array.from({ length: 120 }, (_, i) => [i * 3 + (i % 2), sparse(i)]));
    const rows = rowsHolding(points);
    const bytes = rows.toBuffer();
    const read = SparseRows.fromBuffer(bytes)!;
    expect(read.size).toBe(120);
    expect(read.dimensions).toBe(DIMENSIONS);
    for (let seed = 900; seed < 940; seed += 1) {
      const query = sparse(seed, 1 + (seed % 7));
      expect(read.cost(query)).toBe(rows.cost(query));
      for (const k of [1, 10, 200]) expect(read.search(query, k)).toEqual(rows.search(query, k));
    }
    for (let label = -1; label < 400; label += 1) expect(read.has(label)).toBe(points.has(label));
    // Searched, asked and written back, a loaded store made no rows: the file's columns serve it all.
    read.delete(401);
    expect(read.toBuffer()).toEqual(bytes);
    expect(Reflect.get(read, 'rows')).toBeUndefined();
    // Bytes at an odd place in a larger buffer (not where 4-byte numbers can be read in place) read the same.
    const unaligned = Buffer.concat([Buffer.alloc(1), bytes]).subarray(1);
    expect(SparseRows.fromBuffer(unaligned)?.search(sparse(901, 5), 30)).toEqual(rows.search(sparse(901, 5), 30));
    // No points at all: nothing found, and the same again from the bytes.
    const empty = SparseRows.fromBuffer(new SparseRows(DIMENSIONS).toBuffer())!;
    expect(empty.size).toBe(0);
    expect(empty.search(sparse(1), 5)).toEqual({ distances: [], neighbors: [] });
  });

  it('loaded, then updated, search and save as rows made afresh of the same points', () => {
    const points = new Map<number, number[]>(Array.from({ length: 200 }, (_, i) => [i * 2, sparse(i)]));
    const loaded = SparseRows.fromBuffer(rowsHolding(points).toBuffer())!;
    // Replaced, deleted, added (into gaps, and past the last label), and a label that was never there.
    for (const label of [0, 40, 398]) points.set(label, sparse(label + 7000));
    for (const label of [2, 100, 396]) points.delete(label);
    for (const label of [1, 201, 1000]) points.set(label, sparse(label + 8000));
    for (const label of [0, 40, 398, 1, 201, 1000]) loaded.set(label, points.get(label)!);
    for (const label of [2, 100, 396, 3]) loaded.delete(label);
    const same = () => {
      // Made afresh in another order: where a point was set first is no part of what a search finds.
      const fresh = rowsHolding(new Map([...points].reverse()));
      expect(loaded.size).toBe(fresh.size);
      for (let seed = 3000; seed < 3030; seed += 1) {
        const query = sparse(seed, 2 + (seed % 5));
        expect(loaded.search(query, 25)).toEqual(fresh.search(query, 25));
        expect(loaded.search(query, 25).neighbors).toEqual(bruteForce(query, points, 25));
      }
      expect(loaded.toBuffer()).toEqual(fresh.toBuffer());
      for (const label of [0, 1, 2, 3, 100, 201, 396, 398, 1000]) expect(loaded.has(label)).toBe(points.has(label));
    };
    same();
    // Changed again after a search (its rows made already, its columns gathered again).
    loaded.delete(1000);
    points.delete(1000);
    loaded.set(4, sparse(9000));
    points.set(4, sparse(9000));
    same();
    expect(SparseRows.fromBuffer(loaded.toBuffer())!.search(sparse(9000), 1)).toEqual({ neighbors: [4], distances: [expect.closeTo(0, 6)] });
  });

  it('refuse a file of rows ("TSR1") and truncated, padded, foreign or corrupt bytes', () => {
    const points = new Map<number, number[]>(Array.from({ length: 30 }, (_, i) => [i + 5, sparse(i)]));
    const bytes = rowsHolding(points).toBuffer();
    expect(SparseRows.fromBuffer(bytes)).toBeDefined();
    const words = layout(bytes);
    const column = aColumnOfTwo(bytes, words);
    const oneHot = (bucket: number) => Array.from({ length: DIMENSIONS }, (_, j) => (j === bucket ? 1 : 0));
    const threePoints = rowsHolding(new Map([[0, oneHot(1)], [1, oneHot(2)], [2, oneHot(3)]])).toBuffer();
    expect(SparseRows.fromBuffer(threePoints)?.search(oneHot(3), 1).neighbors).toEqual([2]);
    const corrupt: Array<[string, Buffer]> = [
      ['a file of rows, as the previous format wrote it', tsr1Bytes(points)],
      ['the columns under the rows’ magic', withInt(bytes, 0, 0x31525354)],
      ['cut short by a number', bytes.subarray(0, bytes.length - 4)],
      ['cut short by a byte', bytes.subarray(0, bytes.length - 1)],
      ['a number too many', Buffer.concat([bytes, Buffer.alloc(4)])],
      ['text', Buffer.from('not sparse columns at all, just some text')],
      ['nothing', Buffer.alloc(0)],
      ['no dimensions', withInt(bytes, 1, 0)],
      ['a count below zero', withInt(bytes, 2, -1)],
      ['more entries than there are', withInt(bytes, 3, words.entries + 1)],
      ['labels out of order', withInt(bytes, words.labels, 9)],
      ['a label twice', withInt(bytes, words.labels + 1, 5)],
      ['a label below zero', withInt(bytes, words.labels, -5)],
      ['a first start past 0', withInt(bytes, words.starts, 1)],
      ['a start past the entries', withInt(bytes, words.starts + 10, words.entries + 1)],
      ['a start below the one before', withInt(bytes, words.starts + column.bucket + 1, column.start - 1)],
      // Points 0, 1, 2 alone in buckets 1, 2, 3: bucket 2's end moved to 0 leaves every column's places ascending.
      ['a start below the one before, all else sound', withInt(threePoints, layout(threePoints).starts + 3, 0)],
      ['a last start short of the entries', withInt(bytes, words.starts + DIMENSIONS, words.entries - 1)],
      // Last in its column, so its places still ascend.
      ['a place of no point (the count)', withInt(bytes, words.points + column.end - 1, 30)],
      ['a place below zero', withInt(bytes, words.points + column.start, -1)],
      ['a place twice in a column', withInt(bytes, words.points + column.start + 1, bytes.readInt32LE(4 * (words.points + column.start)))],
      ['a value that is not a number', withFloat(bytes, words.values + 3, Number.NaN)],
      ['an infinite value', withFloat(bytes, words.values, Number.POSITIVE_INFINITY)],
    ];
    for (const [what, corrupted] of corrupt) expect(SparseRows.fromBuffer(corrupted), what).toBeUndefined();
  });
});

/** Sparse rows holding `points`, set in their order. */
function rowsHolding(points: ReadonlyMap<number, number[]>): SparseRows {
  const rows = new SparseRows(DIMENSIONS);
  for (const [label, point] of points) rows.set(label, point);
  return rows;
}

/** Where the parts of a file of columns start, in 4-byte numbers, and how many entries it holds. */
function layout(bytes: Buffer) {
  const count = bytes.readInt32LE(8);
  const entries = bytes.readInt32LE(12);
  const labels = 4;
  const starts = labels + count;
  const points = starts + DIMENSIONS + 1;
  return { entries, labels, starts, points, values: points + entries };
}

/** A bucket whose column holds two points or more, after another's entries (so its start is past 0), and where its entries start and end. */
function aColumnOfTwo(bytes: Buffer, words: ReturnType<typeof layout>): { bucket: number; start: number; end: number } {
  const start = (bucket: number) => bytes.readInt32LE(4 * (words.starts + bucket));
  for (let bucket = 0; bucket < DIMENSIONS; bucket += 1) if (start(bucket) > 0 && start(bucket + 1) - start(bucket) >= 2) return { bucket, start: start(bucket), end: start(bucket + 1) };
  throw new Error('no column of two points');
}

/** A copy of `bytes` with 4-byte number `word` set to `value`. */
function withInt(bytes: Buffer, word: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeInt32LE(value, 4 * word);
  return copy;
}

/** A copy of `bytes` with 4-byte float `word` set to `value`. */
function withFloat(bytes: Buffer, word: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeFloatLE(value, 4 * word);
  return copy;
}

/** `points` as the previous format ("TSR1") stored them: labels, row starts, 16-bit buckets (padded to 4 bytes), values. */
function tsr1Bytes(points: ReadonlyMap<number, number[]>): Buffer {
  const labels = [...points.keys()].sort((a, b) => a - b);
  const rows = labels.map((label) => points.get(label)!.flatMap((value, bucket) => (value === 0 ? [] : [{ bucket, value }])));
  const entries = rows.reduce((sum, row) => sum + row.length, 0);
  const starts = rows.reduce((made, row) => [...made, made.at(-1)! + row.length], [0]);
  const buckets = new Uint16Array(entries + (entries % 2));
  buckets.set(rows.flat().map(({ bucket }) => bucket));
  const values = Float32Array.from(rows.flat().map(({ value }) => value));
  const parts = [new Int32Array([0x31525354, DIMENSIONS, labels.length, entries]), Int32Array.from(labels), Int32Array.from(starts), buckets, values];
  return Buffer.concat(parts.map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength)));
}

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

      // The loaded store updated (its rows made from the file's columns), searched, saved and loaded again.
      updateVectorStore(loaded, new Set(['c9', 'c10']), [sparse(900)], [document('c900')]);
      live.delete(9);
      live.delete(10);
      live.set(61, sparse(900));
      const updatedNames = (labels: number[]) => labels.map((label) => (label === 60 ? 'c500' : label === 61 ? 'c900' : `c${label}`));
      expect((loaded.index as ShardedGraph).rows?.size).toBe(59);
      for (const seed of [2002, 2003, 900]) expect(await ids(loaded, sparse(seed, 4), 59)).toEqual(updatedNames(bruteForce(sparse(seed, 4), live, 59)));
      await saveVectorStore(loaded, dir);
      const reloaded = await loadVectorStore(dir, noEmbeddings, (id) => document(id));
      expect((reloaded.index as ShardedGraph).rows?.size).toBe(59);
      for (const seed of [2002, 2003, 900]) expect(await ids(reloaded, sparse(seed, 4), 59)).toEqual(updatedNames(bruteForce(sparse(seed, 4), live, 59)));

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
