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

/**
 * LangChain's HNSWLib store over the given vectors, its graph built with `HNSW_PARAMETERS`
 * (LangChain itself passes hnswlib only the capacity).
 */
export async function createVectorStore(embeddings: EmbeddingsInterface, vectors: number[][], documents: Document[]): Promise<HNSWLib> {
  const dimensions = vectors[0]?.length;
  if (dimensions === undefined || vectors.length !== documents.length) throw new Error('createVectorStore needs one vector per document, at least one');
  const { HierarchicalNSW } = await HNSWLib.imports();
  const index = new HierarchicalNSW(HNSW_PARAMETERS.space, dimensions);
  index.initIndex(vectors.length, HNSW_PARAMETERS.M, HNSW_PARAMETERS.efConstruction, 100);
  const store = new HNSWLib(embeddings, { space: HNSW_PARAMETERS.space, numDimensions: dimensions, index });
  // LangChain re-initialises an empty index with its own defaults, so the first point goes in directly.
  index.addPoint(vectors[0]!, 0);
  store.docstore.add({ 0: documents[0]! });
  await store.addVectors(vectors.slice(1), documents.slice(1));
  index.setEf(HNSW_PARAMETERS.efSearch);
  return store;
}

/**
 * Updates a loaded store in place for an incremental re-index: chunks whose id is in `removedIds`
 * leave it, the new documents come in. hnswlib labels here are its internal ids (0 … count − 1), so
 * a new chunk takes a free label first (a removed chunk's, or one an earlier update marked deleted):
 * `addPoint` on an existing label replaces its vector and repairs the graph around it. Labels left
 * free are marked deleted (never returned by a search) and their documents dropped, so the live
 * points are the docstore's.
 */
export function updateVectorStore(store: HNSWLib, removedIds: ReadonlySet<string>, vectors: number[][], documents: Document[]): void {
  if (vectors.length !== documents.length) throw new Error('updateVectorStore needs one vector per document');
  const { index } = store;
  const docs = liveDocuments(store);
  const count = index.getCurrentCount();
  // Marked deleted already: by an earlier update.
  const deleted = new Set<number>();
  for (let label = 0; label < count; label += 1) if (!docs.has(String(label))) deleted.add(label);
  const free = [...deleted];
  for (const [key, document] of docs) {
    if (removedIds.has(String(document.metadata.id))) {
      free.push(Number(key));
      docs.delete(key);
    }
  }
  free.sort((a, b) => b - a);
  const extra = Math.max(0, vectors.length - free.length);
  if (count + extra > index.getMaxElements()) index.resizeIndex(count + extra);
  let next = count;
  vectors.forEach((vector, i) => {
    const label = free.pop() ?? next++;
    index.addPoint(vector, label);
    docs.set(String(label), documents[i]!);
  });
  // hnswlib refuses to mark a label twice: only the newly freed ones.
  for (const label of free) if (!deleted.has(label)) index.markDelete(label);
}

/** The documents of the store's live points, by label (LangChain's docstore keeps them in a Map it exposes as `_docs`). */
export function liveDocuments(store: HNSWLib): Map<string, Document> {
  return (store.docstore as unknown as { _docs: Map<string, Document> })._docs;
}
