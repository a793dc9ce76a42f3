import { EnsembleRetriever } from '@langchain/classic/retrievers/ensemble';
import type { Document } from '@langchain/core/documents';
import { chunkDocument } from '../index/build.js';
import type { LoadedIndex } from '../index/types.js';
import { LexicalRetriever } from './lexical.js';

/** Options for hybrid retrieval. */
export interface HybridOptions {
  /** Chunks each ranker contributes before fusion. */
  k: number;
  /** Weights of the vector and lexical rankers in reciprocal rank fusion. */
  weights?: [number, number];
}

/**
 * Hybrid retrieval behind LangChain's retriever interface: the HNSW vector store and the BM25
 * lexical index, fused by weighted reciprocal rank (LangChain's EnsembleRetriever).
 */
export function createHybridRetriever(index: LoadedIndex, options: HybridOptions): EnsembleRetriever {
  const sources = new Map(index.corpus.articles.map((article) => [article.id, article.source]));
  const documents = new Map<string, Document>(
    index.chunks.map((chunk) => [chunk.id, chunkDocument(chunk, sources.get(chunk.articleId) ?? '')]),
  );
  const lexical = new LexicalRetriever({
    index: index.lexical,
    featurize: (query) => index.featurizer.queryFeatures(query),
    lookup: (id) => documents.get(id),
    k: options.k,
  });
  const vector = index.vectorStore.asRetriever({ k: Math.min(options.k, index.chunks.length) });
  return new EnsembleRetriever({ retrievers: [vector, lexical], weights: options.weights ?? [0.5, 0.5] });
}
