import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import type { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { SynchronousInMemoryDocstore } from '@langchain/community/stores/doc/in_memory';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { HierarchicalNSW } from 'hnswlib-node';
import { SparseRows } from './exact-search.js';
import { graphShards, shardFile, ShardedGraph } from './sharded-graph.js';

/**
 * HNSW graph parameters. Hashed feature vectors are sparse, which HNSW finds hard: with
 * hnswlib's defaults (M 16) recall@10 at 50k chunks was 0.935 at ef 128; M 32 reaches 0.96
 * (`npm run bench -- --scale`). Inserting is most of a large build: efConstruction 128 builds a
 * 20k-chunk graph in 34 s instead of 46 s (200), for recall@20 0.982 instead of 0.984 (100: 28 s,
 * 0.977). The search beam is set after every load (`searchBeam`), since LangChain leaves hnswlib's default of 10.
 */
export const HNSW_PARAMETERS = { space: 'cosine', M: 32, efConstruction: 128 } as const;

/** Graphs up to this many points are searched with the narrow beam. */
const NARROW_BEAM_POINTS = 10_000;

/**
 * hnswlib's `efSearch` for a graph of `points`. At a fixed beam recall falls as a graph grows
 * (`npm run bench -- --scale`, recall@10 against an exact scan at ef 64: 0.965 at 10k synthetic
 * chunks, 0.895 at 50k), while the beam is a quarter of a warm answer's CPU: 64 (retrieval reads
 * 60 deep) up to 10k points, where it saves ~0.5 ms an answer on the shared-datasets corpus with
 * its hit@3 the same, 128 beyond.
 */
export function searchBeam(points: number): number {
  return points <= NARROW_BEAM_POINTS ? 64 : 128;
}

/** What an index's manifest records of its graph of `points` (spread over `shards` graphs): how it was built and is searched. */
export function graphSettings(points: number, shards = graphShards(points)) {
  return { ...HNSW_PARAMETERS, efSearch: searchBeam(points), shards };
}

/** Chunks embedded and handed to the graph at a time: a large corpus's vectors are never all held (1024 numbers each). */
const EMBED_BATCH = 512;

/**
 * A graph's own thread. hnswlib-node inserts points synchronously (most of a large build's time),
 * so the graph grows here while the main thread writes the lexical store. Plain JavaScript run with
 * `eval`, so it is the same whether Tether runs from its sources (tsx) or from dist/. It takes
 * batches of vectors (a Float32Array's buffer, labels `first`, `first + stride`, …) and, on 'end',
 * writes the graph to `file`.
 */
const GRAPH_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { HierarchicalNSW } = require(workerData.hnswlib);
const { space, dimensions, capacity, M, efConstruction, file, stride } = workerData;
const index = new HierarchicalNSW(space, dimensions);
index.initIndex(capacity, M, efConstruction, 100);
let count = 0;
parentPort.on('message', (message) => {
  if (message === 'end') {
    index.writeIndexSync(file);
    parentPort.postMessage(count);
    parentPort.close();
    return;
  }
  const vectors = new Float32Array(message.vectors);
  for (let start = 0, label = message.first; start < vectors.length; start += dimensions, label += stride, count += 1) {
    index.addPoint(Array.from(vectors.subarray(start, start + dimensions)), label);
  }
});
`;

/** What `createVectorStore` does besides building the graph. */
export interface VectorStoreOptions<T> {
  /** Where the graph's thread writes the graph for this thread to read (default: a temporary folder, removed after). */
  graphFile?: string;
  /** Work for this thread while the graph grows in its own (the build writes the lexical store here). */
  alongside?: () => T | Promise<T>;
  /** How many graphs the points are spread over, each built in its own thread (default: `graphShards` of their number). */
  shards?: number;
}

/** The chunks a vector store is made of: their ids in label order, and each one's Document, made when asked. */
export interface ChunkDocuments {
  ids: readonly string[];
  documentOf: (chunkId: string) => Document | undefined;
}

/** Documents held in memory as `createVectorStore` reads them, each known by `metadata.id`. */
export function documentsInMemory(documents: readonly Document[]): ChunkDocuments {
  const byId = new Map(documents.map((document) => [String(document.metadata.id), document]));
  return { ids: [...byId.keys()], documentOf: (id) => byId.get(id) };
}

/**
 * LangChain's HNSWLib store over `chunks`, their vectors from `vectorsOf` a batch at a time (in
 * order: a chunk's label is its position; only a batch's Documents are made at a time), its graphs
 * built with `HNSW_PARAMETERS` (LangChain itself passes hnswlib only the capacity) in worker
 * threads, while `alongside` runs here.
 */
export async function createVectorStore<T = undefined>(
  embeddings: EmbeddingsInterface,
  chunks: ChunkDocuments,
  vectorsOf: (batch: Document[]) => Promise<Array<ArrayLike<number>>>,
  options: VectorStoreOptions<T> = {},
): Promise<{ store: HNSWLib; alongside: T }> {
  const { ids, documentOf } = chunks;
  if (ids.length === 0) throw new Error('createVectorStore needs at least one document');
  const scratch = options.graphFile ? undefined : await fs.mkdtemp(path.join(os.tmpdir(), 'tether-graph-'));
  const file = options.graphFile ?? path.join(scratch!, 'hnswlib.index');
  const shards = options.shards ?? graphShards(ids.length);
  let graph: GraphThread | undefined;
  // A store of one graph also keeps its points as sparse rows, for exact searches (`ShardedGraph.searchKnn`).
  let rows: SparseRows | undefined;
  try {
    for (let start = 0; start < ids.length; start += EMBED_BATCH) {
      const batch = ids.slice(start, start + EMBED_BATCH).map((id) => {
        const document = documentOf(id);
        if (!document) throw new Error(`createVectorStore: no Document for chunk ${id}`);
        return document;
      });
      const vectors = await vectorsOf(batch);
      if (vectors.length !== batch.length) throw new Error(`createVectorStore: ${vectors.length} vectors for ${batch.length} documents`);
      if (shards === 1) {
        rows ??= new SparseRows(vectors[0]!.length);
        vectors.forEach((vector, i) => rows!.set(start + i, vector));
      }
      graph ??= startGraphThreads(vectors[0]!.length, ids.length, file, shards);
      graph.add(vectors);
    }
    // Without work of its own, `T` is `undefined`.
    const alongside = (await options.alongside?.()) as T;
    const dimensions = await graph!.finish();
    const { HierarchicalNSW } = await HNSWLib.imports();
    const index = ShardedGraph.create(HNSW_PARAMETERS.space, dimensions, shards, HierarchicalNSW);
    await index.readIndex(file);
    if (rows) index.attachRows(rows);
    index.setEf(searchBeam(index.getCurrentCount()));
    const docstore = new ChunkDocstore(new Map(ids.map((id, label) => [String(label), id])), documentOf);
    return { store: new HNSWLib(embeddings, { space: HNSW_PARAMETERS.space, numDimensions: dimensions, index, docstore }), alongside };
  } finally {
    await graph?.stop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The vector store's docstore: which chunk each live point (label) is, its Document made when a
 * search returns it (`documentOf` a chunk id). LangChain's in-memory docstore, saved as
 * docstore.json, held every chunk's text a second time (46 MB at 100k chunks, parsed whole at
 * every open); the chunks' texts are the articles', by offset.
 */
export class ChunkDocstore extends SynchronousInMemoryDocstore {
  /** Documents handed in by `add` (an update's new chunks), until the next load makes them from the texts. */
  private readonly added = new Map<string, Document>();

  constructor(
    /** The chunk id of each live point, by label (as a string, as LangChain asks). */
    readonly chunkIds: Map<string, string>,
    private readonly documentOf: (chunkId: string) => Document | undefined,
  ) {
    super();
  }

  override search(label: string): Document {
    const id = this.chunkIds.get(label);
    const document = id === undefined ? undefined : (this.added.get(id) ?? this.documentOf(id));
    if (!document) throw new Error(`No chunk for point ${label} of the vector store.`);
    return document;
  }

  override add(texts: Record<string, Document>): void {
    for (const [label, document] of Object.entries(texts)) {
      const id = String(document.metadata.id);
      this.chunkIds.set(label, id);
      this.added.set(id, document);
    }
  }
}

/** The files of a saved vector store: the graph, its settings, and the chunk of each point. */
function storeFiles(directory: string) {
  return {
    graph: path.join(directory, 'hnswlib.index'),
    args: path.join(directory, 'args.json'),
    labels: path.join(directory, 'chunk-labels.json'),
    /** The live points as sparse columns (`SparseRows`: for each bucket, the points nonzero there), for a store of one graph. */
    rows: path.join(directory, 'hnswlib.rows'),
  };
}

/**
 * Saves a store made by `createVectorStore` or `loadVectorStore`: LangChain's files but for the
 * docstore, of which only the chunk id of each point is kept (null for a dead point).
 */
export async function saveVectorStore(store: HNSWLib, directory: string): Promise<void> {
  const files = storeFiles(directory);
  const { chunkIds } = chunkDocstore(store);
  const labels = Array.from({ length: store.index.getCurrentCount() }, (_, label) => chunkIds.get(String(label)) ?? null);
  await store.index.writeIndex(files.graph);
  await fs.writeFile(files.args, JSON.stringify({ space: store.args.space, numDimensions: store.args.numDimensions, shards: storeGraphs(store).length }));
  await fs.writeFile(files.labels, JSON.stringify(labels));
  const rows = (store.index as ShardedGraph).rows;
  if (rows) await fs.writeFile(files.rows, rows.toBuffer());
  else await fs.rm(files.rows, { force: true });
}

/** Opens a store saved by `saveVectorStore`, its Documents made from chunk ids by `documentOf`; its search beam set. */
export async function loadVectorStore(directory: string, embeddings: EmbeddingsInterface, documentOf: (chunkId: string) => Document | undefined): Promise<HNSWLib> {
  const files = storeFiles(directory);
  // `shards` is absent from a store saved before graphs were sharded: one graph.
  const { shards, ...args } = z
    .object({ space: z.enum(['cosine', 'l2', 'ip']), numDimensions: z.number().int().positive(), shards: z.number().int().positive().default(1) })
    .parse(JSON.parse(await fs.readFile(files.args, 'utf8')));
  const labels = z.array(z.string().nullable()).parse(JSON.parse(await fs.readFile(files.labels, 'utf8')));
  const { HierarchicalNSW } = await HNSWLib.imports();
  const index = ShardedGraph.create(args.space, args.numDimensions, shards, HierarchicalNSW);
  await index.readIndex(files.graph);
  if (index.getCurrentCount() !== labels.length) throw new Error(`the graph holds ${index.getCurrentCount()} points, its labels ${labels.length}`);
  index.setEf(searchBeam(labels.length));
  const chunkIds = new Map<string, string>();
  labels.forEach((id, label) => {
    if (id !== null) chunkIds.set(String(label), id);
  });
  // The sparse rows only speed searches up: a store without them (saved before they were, or of
  // two graphs), or with rows that are not its live points, is searched through its graph.
  const rows = shards === 1 && args.space === 'cosine' ? await readRows(files.rows) : undefined;
  if (rows && rows.dimensions === args.numDimensions && rows.size === chunkIds.size && [...chunkIds.keys()].every((label) => rows.has(Number(label)))) index.attachRows(rows);
  return new HNSWLib(embeddings, { ...args, index, docstore: new ChunkDocstore(chunkIds, documentOf) });
}

/** The sparse rows saved beside a graph, or undefined when there are none or they cannot be read. */
async function readRows(file: string): Promise<SparseRows | undefined> {
  try {
    return SparseRows.fromBuffer(await fs.readFile(file));
  } catch {
    return undefined;
  }
}

/** The graphs of a store made by `createVectorStore` or `loadVectorStore`. */
export function storeGraphs(store: HNSWLib): readonly HierarchicalNSW[] {
  if (!(store.index instanceof ShardedGraph)) throw new Error('a vector store not made by createVectorStore or loadVectorStore');
  return store.index.graphs;
}

function chunkDocstore(store: HNSWLib): ChunkDocstore {
  if (!(store.docstore instanceof ChunkDocstore)) throw new Error('a vector store not made by createVectorStore or loadVectorStore');
  return store.docstore;
}

/** The graphs' worker threads, as `createVectorStore` drives them. */
interface GraphThread {
  /** Hands vectors over (transferred, not copied). */
  add(vectors: Array<ArrayLike<number>>): void;
  /** Resolves once the graph is written to its file, to its dimensions; rejects if the thread failed. */
  finish(): Promise<number>;
  /** Ends the thread (whether or not it finished). */
  stop(): Promise<void>;
}

/** `shards` graph threads, point `label` going to thread `label % shards`; their graphs written to `shardFile(file, …)`. */
function startGraphThreads(dimensions: number, capacity: number, file: string, shards: number): GraphThread {
  const hnswlib = createRequire(import.meta.url).resolve('hnswlib-node');
  const threads = Array.from({ length: shards }, (_, shard) => {
    const worker = new Worker(GRAPH_THREAD, {
      eval: true,
      workerData: {
        hnswlib,
        space: HNSW_PARAMETERS.space,
        dimensions,
        // Labels shard, shard + shards, … below capacity.
        capacity: Math.ceil((capacity - shard) / shards),
        M: HNSW_PARAMETERS.M,
        efConstruction: HNSW_PARAMETERS.efConstruction,
        file: shardFile(file, shard),
        stride: shards,
      },
    });
    // Listened to from the start: a thread that fails while vectors are still being made is reported by `finish`.
    const written = new Promise<number>((resolve, reject) => {
      worker.once('message', (points: number) => resolve(points));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the HNSW graph's thread stopped (exit code ${code}) before writing the graph`)));
    });
    // `finish` awaits it; until then (or when the build fails first and never asks) a failure is not unhandled.
    void written.catch(() => undefined);
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    return { worker, written, exited };
  });
  let next = 0;
  return {
    add(vectors) {
      for (const [shard, { worker }] of threads.entries()) {
        // This batch's labels of the shard: the first at or after `next` that leaves `shard` modulo `shards`.
        const first = next + ((shard - (next % shards) + shards) % shards);
        const count = first < next + vectors.length ? Math.ceil((next + vectors.length - first) / shards) : 0;
        if (count === 0) continue;
        const packed = new Float32Array(count * dimensions);
        for (let i = 0; i < count; i += 1) {
          const vector = vectors[first - next + i * shards]!;
          if (vector.length !== dimensions) throw new Error(`createVectorStore: a vector of ${vector.length} dimensions among ones of ${dimensions}`);
          packed.set(vector, i * dimensions);
        }
        worker.postMessage({ first, vectors: packed.buffer }, [packed.buffer]);
      }
      next += vectors.length;
    },
    async finish() {
      for (const { worker } of threads) worker.postMessage('end');
      const points = (await Promise.all(threads.map((thread) => thread.written))).reduce((sum, count) => sum + count, 0);
      // Each thread ends once it has written its graph: its copy is freed before this one is read.
      await Promise.all(threads.map((thread) => thread.exited));
      if (points !== capacity) throw new Error(`the HNSW graph holds ${points} points, not ${capacity}`);
      return dimensions;
    },
    async stop() {
      await Promise.all(threads.map(({ worker }) => worker.terminate()));
    },
  };
}

/**
 * Past this share of dead points (removed chunks, marked deleted) to live ones, an update's new
 * chunks take dead points' labels instead of new ones. Appending a point costs a few milliseconds;
 * replacing a dead one repairs its neighbours' links too (about 60 ms a point at 5,000 chunks), so
 * dead points are left alone until they would weigh on the graph.
 */
export const MAX_DEAD_SHARE = 0.1;

/**
 * Updates a loaded store in place for an incremental re-index: chunks whose id is in `removedIds`
 * leave it (their points marked deleted: never returned by a search), the new documents come in.
 * hnswlib labels here are its internal ids (0 … count − 1). New chunks get new labels, or, once the
 * dead points pass `MAX_DEAD_SHARE`, dead ones: `addPoint` on an existing label replaces its vector,
 * revives it and repairs the graph around it. The live points are the docstore's.
 */
export function updateVectorStore(store: HNSWLib, removedIds: ReadonlySet<string>, vectors: Array<ArrayLike<number>>, documents: Document[]): void {
  if (vectors.length !== documents.length) throw new Error('updateVectorStore needs one vector per document');
  const { index } = store;
  const docstore = chunkDocstore(store);
  const docs = docstore.chunkIds;
  const count = index.getCurrentCount();
  // Marked deleted already: by an earlier update.
  const deleted = new Set<number>();
  for (let label = 0; label < count; label += 1) if (!docs.has(String(label))) deleted.add(label);
  const freed: number[] = [];
  for (const [key, chunkId] of docs) {
    if (removedIds.has(chunkId)) {
      freed.push(Number(key));
      docs.delete(key);
    }
  }
  const dead = deleted.size + freed.length;
  const live = docs.size + vectors.length;
  const free = dead > MAX_DEAD_SHARE * live ? [...deleted, ...freed].sort((a, b) => b - a) : [];
  const extra = Math.max(0, vectors.length - free.length);
  if (count + extra > index.getMaxElements()) index.resizeIndex(count + extra);
  let next = count;
  const reused = new Set<number>();
  vectors.forEach((vector, i) => {
    const dead = free.pop();
    if (dead !== undefined) reused.add(dead);
    const label = dead ?? next++;
    index.addPoint(Array.from(vector), label);
    docstore.add({ [String(label)]: documents[i]! });
  });
  // hnswlib refuses to mark a label twice: only the newly freed ones that no new chunk took.
  for (const label of freed) if (!reused.has(label)) index.markDelete(label);
}

/** The chunk ids of the store's live points, by label. */
export function liveChunkIds(store: HNSWLib): Map<string, string> {
  return chunkDocstore(store).chunkIds;
}
