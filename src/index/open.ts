import { DEFAULT_CHUNKING } from '../corpus/chunk.js';
import { loadCorpus, type Corpus } from '../corpus/load.js';
import type { Chunk } from '../corpus/types.js';
import { LOCAL_EMBEDDER_NAME, LocalEmbeddings, localEmbedderIdentity } from '../embeddings/local.js';
import { TextAnalyzer } from '../text/analyzer.js';
import { TetherError } from '../errors.js';
import { LexicalIndex } from './lexical.js';
import { readArticleDerivations } from './lexical-store/read.js';
import { replaceArticleDerivations } from './lexical-store/update.js';
import { loadSentenceEmbedder, SEMANTIC_FORMAT_VERSION, type SemanticSources } from '../semantic/index.js';
import { loadLexicon } from '../text/lexicon.js';
import type { LexiconSources } from './build-lexicon.js';
import { chunkCorpus, chunkDocumentsOf, chunksByArticle, derivationOf } from './build.js';
import { buildIndexInPlace, isReadOnlyError, updateIndexInPlace } from './lifecycle.js';
import { liveChunkIds, loadVectorStore } from './hnsw.js';
import { CHUNKING_CHANGED, describeChanges, planIndexUpdate, type ArticleChanges } from './update.js';
import { cutOtherwise, hashChunkIds, INDEX_FORMAT_VERSION, indexFiles, manifestFormatVersion, readManifest, readStoredArticles, sameSettings, articleFromStored, type Manifest } from './manifest.js';
import { readsAsRecorded } from './reading.js';
import type { ExternalEmbeddings, LoadedIndex } from './types.js';

/** Options for opening an index. */
export interface OpenIndexOptions {
  corpusDir: string;
  indexDir: string;
  /** What `source` paths are relative to: the project root. */
  root: string;
  embeddings?: ExternalEmbeddings;
  /** Word vectors for a (re)build: by default the packaged ones; null for none. */
  semanticSources?: SemanticSources | null;
  /** CC-CEDICT and WordNet for a (re)build, read once for many indexes (`memoLexiconSources`); by default read by the build. */
  lexiconSources?: () => Promise<LexiconSources>;
  /** Told what happens when the index is built or rebuilt. */
  onProgress?: (message: string) => void;
  /** Told what the user should fix (skipped corpus files, a read-only stale index); default `onProgress`. */
  onWarning?: (message: string) => void;
}

/** Why an index cannot be used as it is: rebuilt (or updated) when the folder is writable. */
interface Rebuild {
  reason: string;
  /** The manifest, when it could be read: a read-only index of a changed corpus still answers from it. */
  manifest?: Manifest;
  /** Set when only articles changed: then the index is updated rather than rebuilt. */
  changes?: ArticleChanges;
  chunks?: Chunk[];
}

/**
 * Opens the index of a corpus. A missing index, one built from another corpus or by an older
 * version of the built-in embedder, and a damaged one (unreadable manifest, missing or corrupt
 * files) are (re)built on the spot, saying so, through `buildIndexInPlace` (temporary folder,
 * rename, lock). An index built with a different configured embedder is an error naming the
 * command to rebuild. When the index folder is read-only, an index of an older corpus answers from
 * the texts it was built from, with a warning naming the fix. Corpus files that are skipped are
 * warned about on every open.
 */
export async function openIndex(options: OpenIndexOptions): Promise<LoadedIndex> {
  const progress = options.onProgress ?? (() => {});
  const warn = options.onWarning ?? progress;
  const corpus = await readCorpus(options);
  for (const file of corpus.skipped) warn(`Skipped ${file.source}: ${file.reason}.`);

  const state = await inspectIndex(options, corpus);
  if (!('reason' in state)) return state;
  progress(state.reason);
  try {
    return await rebuildOrUpdate(options, corpus, state);
  } catch (error) {
    if (!isReadOnlyError(error)) throw error;
    const fix = `Run \`npm run build-index\` as a user who may write to ${options.indexDir} (or set INDEX_DIR to a writable folder).`;
    const stale = state.manifest ? await openAsBuilt(options, state.manifest).catch(() => undefined) : undefined;
    if (!stale) {
      throw new TetherError('INDEX_READ_ONLY', `${state.reason.replace(/: (?:(?:re)?build(?:ing)?|updating) .*$/, '')}, and ${options.indexDir} is read-only, so it cannot be rebuilt.`, { hint: fix, cause: error });
    }
    warn(`The corpus changed since the index was built, but ${options.indexDir} is read-only: answering from the articles as indexed on ${state.manifest!.builtAt.slice(0, 10)}. ${fix}`);
    return stale;
  }
}

/**
 * `npm run build-index`: updates the index when only articles changed, does nothing when it is up
 * to date, and otherwise (or with `full`) builds it whole, with the configured embedder even when
 * the index was built with another.
 */
export async function refreshIndex(options: OpenIndexOptions & { full?: boolean }): Promise<LoadedIndex> {
  const progress = options.onProgress ?? (() => {});
  const corpus = await readCorpus(options);
  for (const file of corpus.skipped) (options.onWarning ?? progress)(`Skipped ${file.source}: ${file.reason}.`);
  if (!options.full) {
    const state = await inspectIndex(options, corpus).catch((error: unknown) => {
      if (error instanceof TetherError && error.code === 'EMBEDDER_MISMATCH') return { reason: `${error.message.replace(/\.$/, '')}: rebuilding it.` } as Rebuild;
      throw error;
    });
    if (!('reason' in state)) {
      progress(`The index of ${corpus.articles.length} articles is up to date (\`npm run build-index -- --full\` rebuilds it whole).`);
      return state;
    }
    progress(state.reason);
    return rebuildOrUpdate(options, corpus, state);
  }
  progress(`Building the index of ${corpus.articles.length} articles whole…`);
  return rebuildOrUpdate(options, corpus, undefined);
}

/**
 * Builds the index whole, or updates it when `state` says only articles changed and the index in
 * place is still the one `state` was read from once the lock is taken (else it is inspected again).
 */
async function rebuildOrUpdate(options: OpenIndexOptions, corpus: Corpus, state: Rebuild | undefined): Promise<LoadedIndex> {
  const build = {
    corpus,
    indexDir: options.indexDir,
    embeddings: options.embeddings,
    semanticSources: options.semanticSources,
    lexiconSources: await options.lexiconSources?.(),
    onProgress: options.onProgress,
    reuse: async () => {
      const again = await inspectIndex(options, corpus).catch(() => undefined);
      return again && !('reason' in again) ? again : undefined;
    },
  };
  if (!state?.changes) return buildIndexInPlace(build);
  const planned = state;
  return updateIndexInPlace({
    ...build,
    plan: async () => {
      const now = await readManifest(options.indexDir).catch(() => undefined);
      if (now && planned.manifest && planned.changes && now.builtAt === planned.manifest.builtAt && now.corpus.hash === planned.manifest.corpus.hash) {
        return { manifest: planned.manifest, changes: planned.changes, ...(planned.chunks ? { chunks: planned.chunks } : {}) };
      }
      const again = await inspectIndex(options, corpus).catch(() => undefined);
      return again && 'reason' in again && again.changes && again.manifest ? { manifest: again.manifest, changes: again.changes, chunks: again.chunks } : undefined;
    },
  });
}

/**
 * The state of an index without building anything: ready (loaded), or the reason it would be
 * rebuilt; throws only for an embedder mismatch. For status commands and tests.
 */
export async function indexState(options: OpenIndexOptions): Promise<{ ready: LoadedIndex } | { rebuild: string }> {
  const state = await inspectIndex(options, await readCorpus(options));
  return 'reason' in state ? { rebuild: state.reason } : { ready: state };
}

const OTHER_VERSION = 'The index was built by another version of Tether: rebuilding it.';
const READING_CHANGED = 'This version of Tether reads text into features otherwise than the one that built the index: rebuilding it.';

/** The index ready to answer from, or why it must be rebuilt; throws only for an embedder mismatch. */
async function inspectIndex(options: OpenIndexOptions, corpus: Corpus): Promise<LoadedIndex | Rebuild> {
  let manifest: Manifest | undefined;
  try {
    manifest = await readManifest(options.indexDir);
  } catch (error) {
    const version = await manifestFormatVersion(options.indexDir);
    if (version !== undefined && version !== INDEX_FORMAT_VERSION) return { reason: OTHER_VERSION };
    return { reason: `The index manifest in ${options.indexDir} is unreadable (${describe(error)}): rebuilding the index.` };
  }
  if (!manifest) return { reason: `No index in ${options.indexDir} yet: building it now (once; about 15 s).` };
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) return { reason: OTHER_VERSION };

  const wanted = options.embeddings?.identity;
  if (wanted ? !sameSettings(manifest.embedder, wanted) : manifest.embedder.name !== LOCAL_EMBEDDER_NAME) {
    throw new TetherError(
      'EMBEDDER_MISMATCH',
      `The index was built with the embedder "${manifest.embedder.name}", but "${wanted?.name ?? LOCAL_EMBEDDER_NAME}" is configured.`,
      { hint: 'Run `npm run build-index` to rebuild it with the configured embedder (or change EMBEDDINGS back).' },
    );
  }
  // Checked before anything is read: an older embedder's files may be in an older format.
  if (!wanted && !sameSettings(manifest.embedder, localEmbedderIdentity())) {
    return { reason: 'The built-in embedder changed since the index was built: rebuilding it.' };
  }
  if (manifest.semantic && manifest.semantic.formatVersion !== SEMANTIC_FORMAT_VERSION) return { reason: 'The semantic tables changed form since the index was built: rebuilding it.' };
  if (!sameSettings(manifest.chunking, { ...DEFAULT_CHUNKING })) return { reason: CHUNKING_CHANGED };
  // Before an update is planned: features read another way would not match the stored ones.
  if (!readsAsRecorded(manifest.reading)) return { reason: READING_CHANGED };
  const chunks = chunkCorpus(corpus);
  if (manifest.corpus.hash !== corpus.hash) {
    // Only articles changed (same settings, embedder, format and chunking code): they alone are re-indexed.
    const plan = planIndexUpdate(manifest, corpus, chunks);
    if ('reason' in plan) return { reason: plan.reason, manifest };
    return { reason: `The corpus changed since the index was built (${describeChanges(plan.changes)}): updating it.`, manifest, changes: plan.changes, chunks };
  }
  // Chunk and sentence boundaries also come from code (sentence rules), which the corpus hash does not see.
  const chunksOf = chunksByArticle(chunks);
  if (manifest.chunksHash !== hashChunkIds(chunks.map((c) => c.id)) || cutOtherwise(manifest, corpus.articles, chunksOf)) {
    return { reason: CHUNKING_CHANGED };
  }
  // Cut as it was indexed, but derived again (its derivations stored under other article rules): stored for the next open.
  if (corpus.articles.some((article) => corpus.readings.get(article.id)?.chunks === undefined)) {
    try {
      replaceArticleDerivations(indexFiles(options.indexDir).lexical, corpus.articles.flatMap((article) => derivationOf(corpus, article, chunksOf.get(article.id) ?? [])));
    } catch {
      // A read-only or damaged store: the articles are derived again at every open (a damaged one is rebuilt below).
    }
  }
  try {
    return await loadIndexFiles(options, manifest, corpus, chunks);
  } catch (error) {
    // A package that will not load is the installation's fault, not the index's: rebuilding would not help.
    if (isMissingPackage(error)) {
      throw new TetherError('BAD_CONFIG', `A package Tether needs could not be loaded (${describe(error)}).`, { hint: 'Run `npm ci` in the project folder.', cause: error });
    }
    return { reason: `The index in ${options.indexDir} is damaged or incomplete (${describe(error)}): rebuilding it.` };
  }
}

/** The corpus, with what the index in place derived of unchanged articles reused rather than derived again. */
function readCorpus(options: OpenIndexOptions): Promise<Corpus> {
  return loadCorpus(options.corpusDir, options.root, { known: readArticleDerivations(indexFiles(options.indexDir).lexical) });
}

function isMissingPackage(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    // LangChain reports an optional dependency it cannot import as "Could not import <name>".
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND' || /^Could not import /.test(e.message)) return true;
  }
  return false;
}

/**
 * The index as it was built, over the articles' texts stored in it rather than the changed
 * corpus, so chunks, offsets and quotes stay consistent with each other.
 */
async function openAsBuilt(options: OpenIndexOptions, manifest: Manifest): Promise<LoadedIndex | undefined> {
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) return undefined;
  if (!options.embeddings && !sameSettings(manifest.embedder, localEmbedderIdentity())) return undefined;
  const stored = await readStoredArticles(options.indexDir);
  const articles = stored.flatMap((article) => articleFromStored(article) ?? []);
  const corpus: Corpus = { dir: options.corpusDir, articles, hash: manifest.corpus.hash, skipped: [], readings: new Map() };
  const chunks = chunkCorpus(corpus);
  if (manifest.chunksHash !== hashChunkIds(chunks.map((c) => c.id))) return undefined;
  return loadIndexFiles(options, manifest, corpus, chunks);
}

async function loadIndexFiles(options: OpenIndexOptions, manifest: Manifest, corpus: Corpus, chunks: Chunk[]): Promise<LoadedIndex> {
  const files = indexFiles(options.indexDir);
  const lexicon = await loadLexicon(files.lexicon);
  const lexical = LexicalIndex.open(files.lexical);
  const semantic = manifest.semantic ? await loadSentenceEmbedder(files.semantic) : undefined;
  // The document frequencies are the lexical store's: read per feature as questions need them, not parsed at open.
  const analyzer = new TextAnalyzer({ lexicon, stats: lexical.featureStats(), vocabulary: () => semantic });
  const vectorStore = await loadVectorStore(options.indexDir, options.embeddings?.embeddings ?? new LocalEmbeddings({ analyzer }), chunkDocumentsOf(corpus, chunks));
  // Live points only: an update marks a removed chunk's point deleted until a new chunk takes its label.
  const vectors = liveChunkIds(vectorStore).size;
  if (chunks.length !== vectors || chunks.length !== manifest.counts.chunks || chunks.length !== lexical.size || vectorStore.index.getCurrentCount() < vectors) {
    throw new Error(`chunk count mismatch: corpus ${chunks.length}, vectors ${vectors}, lexical ${lexical.size}`);
  }
  return { corpus, chunks, analyzer, vectorStore, lexical, manifest, ...(semantic ? { semantic } : {}) };
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]!.slice(0, 120);
}
