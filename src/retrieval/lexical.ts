import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import MiniSearch from 'minisearch';
import type { FeatureBag } from '../text/features.js';

/** What the lexical index stores per chunk. */
interface IndexedChunk {
  id: string;
  features: string;
}

const SEARCH_OPTIONS = {
  fields: ['features'],
  storeFields: [] as string[],
  // Features are already tokens: split on spaces and keep them as they are.
  tokenize: (text: string) => text.split(' '),
  processTerm: (term: string) => term || null,
};

/**
 * BM25 ranking (MiniSearch, a maintained full-text engine) over the same bilingual features the
 * embedder uses, so Chinese is tokenised into words, characters and glosses rather than left as
 * one unsplittable term.
 */
export class LexicalIndex {
  private constructor(private readonly search: MiniSearch<IndexedChunk>) {}

  /** Indexes chunks by their feature bags; a feature's weight becomes its repeat count. */
  static build(chunks: Array<{ id: string; features: FeatureBag }>): LexicalIndex {
    const search = new MiniSearch<IndexedChunk>(SEARCH_OPTIONS);
    search.addAll(chunks.map((chunk) => ({ id: chunk.id, features: toTokens(chunk.features) })));
    return new LexicalIndex(search);
  }

  /** Restores an index saved with `toJSON`. */
  static fromJSON(json: string): LexicalIndex {
    return new LexicalIndex(MiniSearch.loadJSON<IndexedChunk>(json, SEARCH_OPTIONS));
  }

  toJSON(): string {
    return JSON.stringify(this.search);
  }

  /** Chunk ids with BM25 scores, best first; each query feature counts by its weight. */
  query(features: FeatureBag, limit: number): Array<{ id: string; score: number }> {
    if (features.size === 0) return [];
    const results = this.search.search([...features.keys()].join(' '), {
      boostTerm: (term: string) => features.get(term) ?? 1,
    });
    return results.slice(0, limit).map((result) => ({ id: String(result.id), score: result.score }));
  }
}

function toTokens(features: FeatureBag): string {
  const tokens: string[] = [];
  for (const [feature, weight] of features) {
    for (let i = 0; i < Math.max(1, Math.round(weight)); i += 1) tokens.push(feature);
  }
  return tokens.join(' ');
}

export interface LexicalRetrieverInput extends BaseRetrieverInput {
  index: LexicalIndex;
  /** Features of a query, from the same extractor the index was built with. */
  featurize: (query: string) => FeatureBag;
  /** The chunk Document for an id. */
  lookup: (id: string) => Document | undefined;
  k: number;
}

/** The lexical index behind LangChain's retriever interface, so it fuses with the vector store's. */
export class LexicalRetriever extends BaseRetriever {
  static override lc_name() {
    return 'TetherLexicalRetriever';
  }
  override lc_namespace = ['tether', 'retrievers', 'lexical'];

  private readonly input: LexicalRetrieverInput;

  constructor(input: LexicalRetrieverInput) {
    super(input);
    this.input = input;
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const hits = this.input.index.query(this.input.featurize(query), this.input.k);
    const documents: Document[] = [];
    for (const hit of hits) {
      const document = this.input.lookup(hit.id);
      if (document) documents.push(new Document({ pageContent: document.pageContent, metadata: { ...document.metadata, lexicalScore: hit.score } }));
    }
    return documents;
  }
}
