import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { FeatureBag } from '../text/features.js';
import type { LexicalIndex } from '../index/lexical.js';

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
