import type { Document } from '@langchain/core/documents';
import type { BaseRetriever } from '@langchain/core/retrievers';
import type { Article, Chunk } from '../corpus/types.js';
import type { LoadedIndex } from '../index/types.js';
import { createLexicalRetriever, createVectorRetriever } from './hybrid.js';

/** A chunk retrieval found, with what each retriever thought of it: features of the ranking stage. */
export interface RetrievedChunk {
  chunk: Chunk;
  article: Article;
  /** 0-based rank after reciprocal-rank fusion of the two retrievers. */
  fusedRank: number;
  /** 0-based rank in the vector retriever's list, undefined when it did not list the chunk. */
  vectorRank: number | undefined;
  lexicalRank: number | undefined;
  /** BM25 score, undefined when the lexical retriever did not list the chunk. */
  lexicalScore: number | undefined;
}

/** Stage 1 of the answer path: the chunks worth looking for quotes in, best first. */
export interface CandidateRetriever {
  retrieve(query: string): Promise<RetrievedChunk[]>;
}

/** Options for candidate retrieval. */
export interface CandidateOptions {
  /** Chunks each retriever lists before fusion. */
  perRetriever: number;
  /** Chunks kept after fusion. */
  keep: number;
  /** Chunks of each corpus language always kept, however fusion ranked them. */
  perLanguage: number;
}

/** The constant of reciprocal-rank fusion (Cormack et al.): 60 as in the paper and LangChain. */
const RRF_K = 60;

/**
 * Retrieves candidates from the vector store and the lexical index (both behind LangChain's
 * retriever interface), fuses them by reciprocal rank and keeps each retriever's own rank and score,
 * which LangChain's EnsembleRetriever would discard and the learned ranking reads. The other
 * language always gets a few seats: a question's own language matches more words, so a
 * cross-language answer would otherwise never be looked at.
 */
export function createCandidateRetriever(index: LoadedIndex, options: CandidateOptions): CandidateRetriever {
  const retrievers: Array<{ name: 'vector' | 'lexical'; retriever: BaseRetriever }> = [
    { name: 'vector', retriever: createVectorRetriever(index, options.perRetriever) },
    { name: 'lexical', retriever: createLexicalRetriever(index, options.perRetriever) },
  ];
  const chunks = new Map(index.chunks.map((chunk) => [chunk.id, chunk]));
  const articles = new Map(index.corpus.articles.map((article) => [article.id, article]));
  const languageOf = (article: Article) => article.meta.lang.slice(0, 2);
  const languages = new Set(index.corpus.articles.map(languageOf));

  return {
    async retrieve(query: string): Promise<RetrievedChunk[]> {
      const lists: Document[][] = await Promise.all(retrievers.map(({ retriever }) => retriever.invoke(query)));
      const byId = new Map<string, RetrievedChunk & { fused: number }>();
      lists.forEach((documents, list) => {
        documents.forEach((document, rank) => {
          const chunk = chunks.get(String(document.metadata.id));
          const article = chunk && articles.get(chunk.articleId);
          if (!chunk || !article) return;
          const entry = byId.get(chunk.id) ?? { chunk, article, fusedRank: 0, vectorRank: undefined, lexicalRank: undefined, lexicalScore: undefined, fused: 0 };
          entry.fused += 1 / (RRF_K + rank + 1);
          if (retrievers[list]!.name === 'vector') entry.vectorRank = rank;
          else {
            entry.lexicalRank = rank;
            entry.lexicalScore = Number(document.metadata.lexicalScore ?? 0);
          }
          byId.set(chunk.id, entry);
        });
      });
      const ranked = [...byId.values()].sort((a, b) => b.fused - a.fused || a.chunk.id.localeCompare(b.chunk.id));
      const picked = ranked.slice(0, options.keep);
      for (const language of languages) {
        const missing = options.perLanguage - picked.filter((c) => languageOf(c.article) === language).length;
        if (missing > 0) picked.push(...ranked.slice(options.keep).filter((c) => languageOf(c.article) === language).slice(0, missing));
      }
      return picked.map(({ fused: _fused, ...candidate }, fusedRank) => ({ ...candidate, fusedRank }));
    },
  };
}
