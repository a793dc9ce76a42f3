import type { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { Corpus } from '../corpus/load.js';
import type { Chunk } from '../corpus/types.js';
import type { EmbedderIdentity } from '../embeddings/local.js';
import type { TextAnalyzer } from '../text/analyzer.js';
import type { LexicalIndex } from './lexical.js';
import type { SentenceEmbedder } from '../semantic/index.js';
import type { Manifest } from './manifest.js';

/** An embedder other than the built-in one, with the identity the manifest records. */
export interface ExternalEmbeddings {
  embeddings: EmbeddingsInterface;
  identity: EmbedderIdentity;
}

/** An index ready to answer from: the corpus it was built from and every structure over it. */
export interface LoadedIndex {
  corpus: Corpus;
  chunks: Chunk[];
  /** The built-in embedder: its features drive the lexical ranker and quote selection whatever embeds the vectors. */
  analyzer: TextAnalyzer;
  vectorStore: HNSWLib;
  lexical: LexicalIndex;
  manifest: Manifest;
  /** Semantic similarity from word vectors; absent when the index was built without them. */
  semantic?: SentenceEmbedder;
}
