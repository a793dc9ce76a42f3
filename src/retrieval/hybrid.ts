import { EnsembleRetriever } from '@langchain/classic/retrievers/ensemble';
import type { Document } from '@langchain/core/documents';
import type { BaseRetriever } from '@langchain/core/retrievers';
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

/** The HNSW vector store's retriever over the chunks: its `k` best by cosine. */
export function createVectorRetriever(index: LoadedIndex, k: number): BaseRetriever {
  return index.vectorStore.asRetriever({ k: Math.min(k, index.chunks.length) });
}

/** The BM25 index over the chunks' bilingual features, behind LangChain's retriever interface. */
export function createLexicalRetriever(index: LoadedIndex, k: number): BaseRetriever {
  const sources = new Map(index.corpus.articles.map((article) => [article.id, article.source]));
  const documents = new Map<string, Document>(
    index.chunks.map((chunk) => [chunk.id, chunkDocument(chunk, sources.get(chunk.articleId) ?? '')]),
  );
  return new LexicalRetriever({
    index: index.lexical,
    featurize: (query) => index.analyzer.queryFeatures(query),
    lookup: (id) => documents.get(id),
    k,
  });
}

/**
 * Hybrid retrieval as one LangChain retriever: the HNSW vector store and the BM25 lexical index,
 * fused by weighted reciprocal rank (LangChain's EnsembleRetriever). For callers that want plain
 * documents (the bench); the answer path uses `createCandidateRetriever`, which keeps each ranker's
 * own rank.
 */
export function createHybridRetriever(index: LoadedIndex, options: HybridOptions): EnsembleRetriever {
  return new EnsembleRetriever({
    retrievers: [createVectorRetriever(index, options.k), createLexicalRetriever(index, options.k)],
    weights: options.weights ?? [0.5, 0.5],
  });
}
