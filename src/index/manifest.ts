import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { articleFromText } from '../corpus/load.js';
import type { Article, ArticleMeta, Chunk } from '../corpus/types.js';

/** Bump when the files in index/ change shape or what the build writes in them (the lexicon): an older index is then rebuilt. */
export const INDEX_FORMAT_VERSION = 59;

const manifestSchema = z.object({
  formatVersion: z.number(),
  builtAt: z.string(),
  corpus: z.object({
    hash: z.string(),
    /**
     * Per article, `hash` of what the index keeps of it and `chunksHash` of its chunk ids and sentence
     * spans (which come from code too): what an incremental update compares.
     */
    articles: z.array(z.object({ id: z.string(), source: z.string(), chars: z.number(), hash: z.string(), chunksHash: z.string() })),
  }),
  embedder: z.object({ name: z.string() }).passthrough(),
  chunking: z.object({ maxSize: z.number(), overlapSentences: z.number() }),
  /** sha256 of the chunk ids in order: chunk boundaries come from code too, not only the corpus. */
  chunksHash: z.string(),
  /** How the stored features were read from text, per language of the articles (`readingFingerprints`): that comes from code too. */
  reading: z.object({ en: z.string().optional(), zh: z.string().optional() }),
  /** How the HNSW graph was built and is searched; `shards` graphs (absent before graphs were sharded: one). */
  hnsw: z.object({ space: z.string(), M: z.number(), efConstruction: z.number(), efSearch: z.number(), shards: z.number().int().positive().default(1) }),
  counts: z.object({ articles: z.number(), chunks: z.number(), sentences: z.number(), features: z.number(), lexiconWords: z.number() }),
  /** Set when the index was last updated incrementally rather than built whole: what changed. */
  update: z.object({ added: z.number(), changed: z.number(), removed: z.number(), chunks: z.number() }).optional(),
  /** What the lexicon was made from (`LexiconSources.identity`): an update with other sources rebuilds instead. */
  lexiconSources: z.string(),
  /** The word vectors behind `semantic.bin`; absent when the index was built without them. */
  semantic: z.object({ source: z.string(), formatVersion: z.number() }).optional(),
});

/** What an index was built from and with: the corpus hash, embedder, chunking and counts. */
export type Manifest = z.infer<typeof manifestSchema>;

/** The files of an index folder. */
export function indexFiles(indexDir: string) {
  return {
    manifest: path.join(indexDir, 'manifest.json'),
    lexicon: path.join(indexDir, 'lexicon.tsv'),
    /** What the corpus's texts bring to the lexicon, with counts (`LexiconCorpusKeys`): an update recomputes the lexicon from it. */
    lexiconKeys: path.join(indexDir, 'lexicon-keys.json'),
    lexical: path.join(indexDir, 'lexical.sqlite'),
    hnsw: path.join(indexDir, 'hnswlib.index'),
    semantic: path.join(indexDir, 'semantic.bin'),
    /** The articles' texts as indexed (for `.html`, the extracted text): answers when the corpus changed but the index cannot be rebuilt. */
    articles: path.join(indexDir, 'articles.json'),
  };
}

/** The manifest of an index, or undefined when there is none; throws when it is unreadable. */
export async function readManifest(indexDir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await fs.readFile(indexFiles(indexDir).manifest, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  throw new Error(`${issue?.path.join('.') || 'manifest'}: ${issue?.message ?? 'not a manifest'}`);
}

/** The format version a manifest declares, read without checking the rest: an older one need not have this version's fields. */
export async function manifestFormatVersion(indexDir: string): Promise<number | undefined> {
  try {
    const raw = JSON.parse(await fs.readFile(indexFiles(indexDir).manifest, 'utf8')) as { formatVersion?: unknown } | null;
    return typeof raw?.formatVersion === 'number' ? raw.formatVersion : undefined;
  } catch {
    return undefined;
  }
}

/** True when two settings objects (embedder identities) are equal, whatever their key order. */
export function sameSettings(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/** A value with its objects' keys in code-unit order (`localeCompare` would load a collator: ~8 ms of a cold ask; the keys are ASCII identifiers, which both orders sort alike). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

/** The manifest's entry of an article: its content hash, and a hash of its chunk ids and sentence spans. */
export function manifestArticle(article: Pick<Article, 'id' | 'source' | 'text' | 'meta' | 'sentences'>, chunks: readonly Chunk[]): Manifest['corpus']['articles'][number] {
  return { id: article.id, source: article.source, chars: article.text.length, hash: hashArticle(article), chunksHash: articleChunksHash(article, chunks) };
}

/**
 * A hash of an article's chunk ids and sentence spans: it differs when new sentence or chunking
 * rules cut the same text otherwise, even where chunk ids stay (the store keeps features per sentence).
 */
export function articleChunksHash(article: Pick<Article, 'sentences'>, chunks: readonly Chunk[]): string {
  return hashChunkIds([...chunks.map((chunk) => chunk.id), ...article.sentences.map((sentence) => `${sentence.start}-${sentence.end}`)]);
}

/**
 * True when some article the manifest lists would now be cut into other chunks or sentences than
 * it was indexed with (new sentence or chunking rules): the corpus hash cannot see that.
 */
export function cutOtherwise(manifest: Manifest, articles: ReadonlyArray<Pick<Article, 'id' | 'sentences'>>, chunksOf: ReadonlyMap<string, readonly Chunk[]>): boolean {
  const recorded = new Map(manifest.corpus.articles.map((entry) => [entry.id, entry.chunksHash]));
  return articles.some((article) => recorded.has(article.id) && recorded.get(article.id) !== articleChunksHash(article, chunksOf.get(article.id) ?? []));
}

/** A hash of everything of an article the index keeps: id, source, text and metadata (an article is re-indexed when it changes). */
export function hashArticle(article: Pick<Article, 'id' | 'source' | 'text' | 'meta'>): string {
  return createHash('sha256').update(JSON.stringify([article.id, article.source, article.text, sortKeys(article.meta)])).digest('hex');
}

/** A hash of chunk ids in order: differs whenever chunk boundaries move (new sentence or chunking rules). */
export function hashChunkIds(ids: readonly string[]): string {
  return createHash('sha256').update(ids.join('\n')).digest('hex');
}

const storedArticlesSchema = z.object({
  articles: z.array(
    z.object({
      id: z.string(),
      source: z.string(),
      text: z.string(),
      meta: z.object({
        title: z.string(),
        titleEditorial: z.boolean(),
        lang: z.enum(['en', 'zh-Hant', 'zh-Hans']),
        publication: z.string().optional(),
        author: z.string().optional(),
        date: z.string().optional(),
        notes: z.string().optional(),
      }),
    }),
  ),
});

/** An article as `articles.json` keeps it. */
export type StoredArticle = z.infer<typeof storedArticlesSchema>['articles'][number];

/** Writes the articles' texts as indexed (`articles.json`): an index whose corpus changed still answers from them, and an update finds the old texts there. */
export async function writeStoredArticles(indexDir: string, articles: ReadonlyArray<Pick<Article, 'id' | 'source' | 'text' | 'meta'>>): Promise<void> {
  await fs.writeFile(indexFiles(indexDir).articles, JSON.stringify({ articles: articles.map(({ id, source, text, meta }) => ({ id, source, text, meta })) }));
}

/** The articles an index was built from (`articles.json`); throws when the file is missing or damaged. */
export async function readStoredArticles(indexDir: string): Promise<StoredArticle[]> {
  return storedArticlesSchema.parse(JSON.parse(await fs.readFile(indexFiles(indexDir).articles, 'utf8'))).articles;
}

/** An article of `articles.json`, split into paragraphs and sentences again; undefined when it has no text. */
export function articleFromStored(article: StoredArticle): Article | undefined {
  const meta: ArticleMeta = {
    title: article.meta.title,
    titleEditorial: article.meta.titleEditorial,
    lang: article.meta.lang,
    publication: article.meta.publication,
    author: article.meta.author,
    date: article.meta.date,
    notes: article.meta.notes,
  };
  return articleFromText({ id: article.id, source: article.source, text: article.text, meta });
}
