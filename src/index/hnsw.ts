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

/** What an index's manifest records of its graph of `points`: how it was built and is searched. */
export function graphSettings(points: number) {
  return { ...HNSW_PARAMETERS, efSearch: searchBeam(points) };
}

/** Chunks embedded and handed to the graph at a time: a large corpus's vectors are never all held (1024 numbers each). */
const EMBED_BATCH = 512;

/**
 * The graph's own thread. hnswlib-node inserts points synchronously (most of a large build's time),
 * so the graph grows here while the main thread writes the lexical store. Plain JavaScript run with
 * `eval`, so it is the same whether Tether runs from its sources (tsx) or from dist/. It takes
 * batches of vectors (Float32Array buffers) and, on 'end', writes the graph to `file`.
 */
const GRAPH_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { HierarchicalNSW } = require(workerData.hnswlib);
const { space, dimensions, capacity, M, efConstruction, file } = workerData;
const index = new HierarchicalNSW(space, dimensions);
index.initIndex(capacity, M, efConstruction, 100);
let label = 0;
parentPort.on('message', (message) => {
  if (message === 'end') {
    index.writeIndexSync(file);
    parentPort.postMessage(label);
    parentPort.close();
    return;
  }
  const vectors = new Float32Array(message);
  for (let start = 0; start < vectors.length; start += dimensions) index.addPoint(Array.from(vectors.subarray(start, start + dimensions)), label++);
});
`;

/** What `createVectorStore` does besides building the graph. */
export interface VectorStoreOptions<T> {
  /** Where the graph's thread writes the graph for this thread to read (default: a temporary folder, removed after). */
  graphFile?: string;
  /** Work for this thread while the graph grows in its own (the build writes the lexical store here). */
  alongside?: () => T | Promise<T>;
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
 * order: a chunk's label is its position; only a batch's Documents are made at a time), its graph
 * built with `HNSW_PARAMETERS` (LangChain itself passes hnswlib only the capacity) in a worker
 * thread, while `alongside` runs here.
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
  let graph: GraphThread | undefined;
  try {
    for (let start = 0; start < ids.length; start += EMBED_BATCH) {
      const batch = ids.slice(start, start + EMBED_BATCH).map((id) => {
        const document = documentOf(id);
        if (!document) throw new Error(`createVectorStore: no Document for chunk ${id}`);
        return document;
      });
      const vectors = await vectorsOf(batch);
      if (vectors.length !== batch.length) throw new Error(`createVectorStore: ${vectors.length} vectors for ${batch.length} documents`);
      graph ??= startGraphThread(vectors[0]!.length, ids.length, file);
      graph.add(vectors);
    }
    // Without work of its own, `T` is `undefined`.
    const alongside = (await options.alongside?.()) as T;
    const dimensions = await graph!.finish();
    const { HierarchicalNSW } = await HNSWLib.imports();
    const index = new HierarchicalNSW(HNSW_PARAMETERS.space, dimensions);
    await index.readIndex(file);
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
  return { graph: path.join(directory, 'hnswlib.index'), args: path.join(directory, 'args.json'), labels: path.join(directory, 'chunk-labels.json') };
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
  await fs.writeFile(files.args, JSON.stringify({ space: store.args.space, numDimensions: store.args.numDimensions }));
  await fs.writeFile(files.labels, JSON.stringify(labels));
}

/** Opens a store saved by `saveVectorStore`, its Documents made from chunk ids by `documentOf`; its search beam set. */
export async function loadVectorStore(directory: string, embeddings: EmbeddingsInterface, documentOf: (chunkId: string) => Document | undefined): Promise<HNSWLib> {
  const files = storeFiles(directory);
  const args = z.object({ space: z.enum(['cosine', 'l2', 'ip']), numDimensions: z.number().int().positive() }).parse(JSON.parse(await fs.readFile(files.args, 'utf8')));
  const labels = z.array(z.string().nullable()).parse(JSON.parse(await fs.readFile(files.labels, 'utf8')));
  const { HierarchicalNSW } = await HNSWLib.imports();
  const index = new HierarchicalNSW(args.space, args.numDimensions);
  await index.readIndex(files.graph);
  if (index.getCurrentCount() !== labels.length) throw new Error(`the graph holds ${index.getCurrentCount()} points, its labels ${labels.length}`);
  index.setEf(searchBeam(labels.length));
  const chunkIds = new Map<string, string>();
  labels.forEach((id, label) => {
    if (id !== null) chunkIds.set(String(label), id);
  });
  return new HNSWLib(embeddings, { ...args, index, docstore: new ChunkDocstore(chunkIds, documentOf) });
}

function chunkDocstore(store: HNSWLib): ChunkDocstore {
  if (!(store.docstore instanceof ChunkDocstore)) throw new Error('a vector store not made by createVectorStore or loadVectorStore');
  return store.docstore;
}

/** The graph's worker thread, as `createVectorStore` drives it. */
interface GraphThread {
  /** Hands vectors over (transferred, not copied). */
  add(vectors: Array<ArrayLike<number>>): void;
  /** Resolves once the graph is written to its file, to its dimensions; rejects if the thread failed. */
  finish(): Promise<number>;
  /** Ends the thread (whether or not it finished). */
  stop(): Promise<void>;
}

function startGraphThread(dimensions: number, capacity: number, file: string): GraphThread {
  const hnswlib = createRequire(import.meta.url).resolve('hnswlib-node');
  const worker = new Worker(GRAPH_THREAD, {
    eval: true,
    workerData: { hnswlib, space: HNSW_PARAMETERS.space, dimensions, capacity, M: HNSW_PARAMETERS.M, efConstruction: HNSW_PARAMETERS.efConstruction, file },
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
  return {
    add(vectors) {
      const packed = new Float32Array(vectors.length * dimensions);
      vectors.forEach((vector, i) => {
        if (vector.length !== dimensions) throw new Error(`createVectorStore: a vector of ${vector.length} dimensions among ones of ${dimensions}`);
        packed.set(vector, i * dimensions);
      });
      worker.postMessage(packed.buffer, [packed.buffer]);
    },
    async finish() {
      worker.postMessage('end');
      const points = await written;
      // The thread ends once it has written the graph: its copy is freed before this one is read.
      await exited;
      if (points !== capacity) throw new Error(`the HNSW graph holds ${points} points, not ${capacity}`);
      return dimensions;
    },
    async stop() {
      await worker.terminate();
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
