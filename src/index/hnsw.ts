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
