import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import type { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';

/**
 * HNSW graph parameters. Hashed feature vectors are sparse, which HNSW finds hard: with
 * hnswlib's defaults (M 16) recall@10 at 50k chunks was 0.935 at ef 128; M 32 reaches 0.96
 * (`npm run bench -- --scale`). `efSearch` is set after every load, since LangChain leaves
 * hnswlib's default of 10.
 */
export const HNSW_PARAMETERS = { space: 'cosine', M: 32, efConstruction: 200, efSearch: 128 } as const;

/** Chunks embedded and added to the graph at a time: a large corpus's vectors are never all held (1024 numbers each). */
const EMBED_BATCH = 512;

/**
 * LangChain's HNSWLib store over `documents`, their vectors from `vectorsOf` a batch at a time (in
 * order), its graph built with `HNSW_PARAMETERS` (LangChain itself passes hnswlib only the capacity).
 */
export async function createVectorStore(embeddings: EmbeddingsInterface, documents: Document[], vectorsOf: (batch: Document[]) => Promise<number[][]>): Promise<HNSWLib> {
  if (documents.length === 0) throw new Error('createVectorStore needs at least one document');
  let store: HNSWLib | undefined;
  for (let start = 0; start < documents.length; start += EMBED_BATCH) {
    const batch = documents.slice(start, start + EMBED_BATCH);
    const vectors = await vectorsOf(batch);
    if (vectors.length !== batch.length) throw new Error(`createVectorStore: ${vectors.length} vectors for ${batch.length} documents`);
    if (!store) {
      const { HierarchicalNSW } = await HNSWLib.imports();
      const index = new HierarchicalNSW(HNSW_PARAMETERS.space, vectors[0]!.length);
      index.initIndex(documents.length, HNSW_PARAMETERS.M, HNSW_PARAMETERS.efConstruction, 100);
      store = new HNSWLib(embeddings, { space: HNSW_PARAMETERS.space, numDimensions: vectors[0]!.length, index });
      // LangChain re-initialises an empty index with its own defaults, so the first point goes in directly.
      index.addPoint(vectors[0]!, 0);
      store.docstore.add({ 0: batch[0]! });
      await store.addVectors(vectors.slice(1), batch.slice(1));
    } else {
      await store.addVectors(vectors, batch);
    }
  }
  store!.index.setEf(HNSW_PARAMETERS.efSearch);
  return store!;
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
export function updateVectorStore(store: HNSWLib, removedIds: ReadonlySet<string>, vectors: number[][], documents: Document[]): void {
  if (vectors.length !== documents.length) throw new Error('updateVectorStore needs one vector per document');
  const { index } = store;
  const docs = liveDocuments(store);
  const count = index.getCurrentCount();
  // Marked deleted already: by an earlier update.
  const deleted = new Set<number>();
  for (let label = 0; label < count; label += 1) if (!docs.has(String(label))) deleted.add(label);
  const freed: number[] = [];
  for (const [key, document] of docs) {
    if (removedIds.has(String(document.metadata.id))) {
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
    index.addPoint(vector, label);
    docs.set(String(label), documents[i]!);
  });
  // hnswlib refuses to mark a label twice: only the newly freed ones that no new chunk took.
  for (const label of freed) if (!reused.has(label)) index.markDelete(label);
}

/** The documents of the store's live points, by label (LangChain's docstore keeps them in a Map it exposes as `_docs`). */
export function liveDocuments(store: HNSWLib): Map<string, Document> {
  return (store.docstore as unknown as { _docs: Map<string, Document> })._docs;
}
