import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { readFileSync, statSync, type Dirent, type Stats } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import path from 'node:path';
import { z } from 'zod';
import { TetherError } from '../errors.js';
import { detectLang, type Lang } from '../text/script.js';
import { articleText, classifyCorpusFile, type ArticleFormat } from './formats.js';
import { splitParagraphs, splitSentences } from './sentences.js';
import type { Article, ArticleMeta, Sentence, Span } from './types.js';

const metaSchema = z.object({
  title: z.string().trim().min(1).optional(),
  titleEditorial: z.boolean().optional(),
  lang: z.enum(['en', 'zh-Hant', 'zh-Hans']).optional(),
  publication: z.string().nullish(),
  author: z.string().nullish(),
  date: z.string().nullish(),
  notes: z.string().nullish(),
});

/** A file of the corpus folder that is not indexed, and why. */
export interface SkippedFile {
  /** As a quote would name it: relative to the project root. */
  source: string;
  reason: string;
}

/** The corpus as read from disk: articles plus a hash of every byte that shaped them. */
export interface Corpus {
  dir: string;
  articles: Article[];
  /** sha256 over file names and contents (texts and sidecars): changes whenever the corpus does. */
  hash: string;
  /** Files that are not indexed (unsupported format, not text, a duplicate name), for the user to fix. */
  skipped: SkippedFile[];
  /** Per article id, how it was read (see `ArticleReading`); empty for texts not read from files. */
  readings: ReadonlyMap<string, ArticleReading>;
}

/** How an article was read: what an index keeps of it (`ArticleDerivation`) is valid for this digest. */
export interface ArticleReading {
  digest: string;
  inferredLang: Lang | undefined;
  /** Its chunks as the index derived them, when its sentences were reused from the index. */
  chunks?: ChunkRange[];
}

/** A chunk as a run of an article's sentences: the indexes of its first and last. */
export interface ChunkRange {
  first: number;
  last: number;
}

/**
 * Bump when the rules that derive an article from its text change what they give for any text:
 * paragraphs and sentences (sentences.ts), chunks (chunk.ts; its settings are checked apart) and
 * the language when no sidecar says it (`detectLang`).
 * An index keeps what they gave (`ArticleDerivation`) and an open reuses it while this is unchanged,
 * instead of splitting every article again. `test/core/article-rules.test.ts` fails until it is bumped.
 */
export const ARTICLE_RULES_VERSION = 5;

/**
 * What the rules derived from an article's text, as an index keeps it: reused for a file whose
 * bytes have the same `digest`, while ARTICLE_RULES_VERSION is unchanged.
 */
export interface ArticleDerivation {
  /** sha256 of the article file's format and bytes (not its sidecar's). */
  digest: string;
  /** The language its text was found to be in; undefined when a sidecar said it and it was not looked for. */
  inferredLang: Lang | undefined;
  sentences: Sentence[];
  chunks: ChunkRange[];
}

/** Options for `loadCorpus`. */
export interface LoadCorpusOptions {
  /** What an index already derived of articles (by id): used for files whose digest it matches. */
  known?: ReadonlyMap<string, ArticleDerivation>;
}

const SUPPORTED = '.txt, .md or .html';

/**
 * Reads every article under `dir` (sorted by name) with its optional `NAME.meta.json`: `.txt` and
 * `.md` as stored (Markdown is quoted as written), `.html`/`.htm` through their extracted text
 * (see `readArticleText`). UTF-8, or UTF-16 with or without a BOM. A file that is not text, or of
 * another format, is listed in `skipped` rather than stopping every question.
 * `root` is what `source` paths are relative to (the project root).
 */
export async function loadCorpus(dir: string, root: string, options: LoadCorpusOptions = {}): Promise<Corpus> {
  let entries: Dirent[];
  try {
    entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    throw new TetherError('CORPUS', `Cannot read the corpus folder ${dir}.`, {
      hint: `Set CORPUS_DIR to a folder of ${SUPPORTED} articles, or restore corpus/ with \`git checkout corpus\`.`,
      cause: error,
    });
  }
  const names = new Set(entries.map((entry) => entry.name));

  const hash = createHash('sha256');
  const articles: Article[] = [];
  const skipped: SkippedFile[] = [];
  const ids = new Map<string, string>();
  const readings = new Map<string, ArticleReading>();
  let candidates = 0;
  for await (const read of readInBatches(dir, entries, names)) {
    if (!read) continue;
    if (!read.supported) {
      skipped.push({ source: sourcePath(root, read.file), reason: `not an article format (${SUPPORTED})` });
      continue;
    }
    candidates += 1;
    const { name, file, id, format, bytes, metaFile, metaBytes } = read;
    // The corpus hash reads each file's digest: its bytes are hashed once.
    const digest = createHash('sha256').update(`${format}\0`).update(bytes).digest('hex');
    hash.update(`${name}\0${digest}\0`);
    const twin = ids.get(id);
    if (twin !== undefined) {
      skipped.push({ source: sourcePath(root, file), reason: `same name as ${twin}: rename one of them` });
      continue;
    }
    const decoded = articleText(bytes, format);
    if (!decoded) {
      skipped.push({ source: sourcePath(root, file), reason: 'not UTF-8 or UTF-16 text: save it as UTF-8' });
      continue;
    }
    ids.set(id, name);
    const { text } = decoded;
    if (metaBytes) hash.update(`${id}.meta.json\0`).update(metaBytes).update('\0');

    const known = options.known?.get(id);
    const derived = known?.digest === digest ? known : undefined;
    let inferredLang: Lang | undefined;
    const meta = parseMeta(metaFile, metaBytes, () => (inferredLang = derived?.inferredLang ?? detectLang(text)), text);
    const article = articleFromText({ id, source: sourcePath(root, file), text, meta }, derived?.sentences);
    if (article) {
      articles.push(article);
      readings.set(id, derived && article.sentences === derived.sentences ? { digest, inferredLang, chunks: derived.chunks } : { digest, inferredLang });
    }
  }
  if (candidates === 0) {
    throw new TetherError('CORPUS', `The corpus folder ${dir} has no articles (${SUPPORTED}).`, {
      hint: 'Add UTF-8 .txt, .md or .html articles to it (see corpus/README.md).',
    });
  }
  if (articles.length === 0) {
    const reasons = skipped.length > 0 ? ` (skipped: ${skipped.map((s) => `${s.source}: ${s.reason}`).join('; ')})` : '';
    throw new TetherError('CORPUS', `No article in ${dir} has text to index${reasons}.`, { hint: 'Add text to the articles (see corpus/README.md).' });
  }
  return { dir, articles, hash: hash.digest('hex'), skipped, readings };
}

/**
 * Files read between two turns of the event loop. Read synchronously: `fs.promises.readFile` costs
 * four thread-pool round trips a file (open, stat, read, close), which made reading a thousand small
 * articles seven times slower; yielding between batches keeps a running bot responsive.
 */
const READ_BATCH = 256;

/** A corpus file as read: an article's bytes and its sidecar's, or an unsupported file to warn about. */
type ReadFile =
  | { supported: false; name: string; file: string }
  | { supported: true; name: string; file: string; id: string; format: ArticleFormat; bytes: Buffer; metaFile: string; metaBytes: Buffer | undefined };

/** The folder's corpus files read in name order, a batch at a time; undefined for what is not a corpus file. */
async function* readInBatches(dir: string, entries: Dirent[], names: Set<string>): AsyncGenerator<ReadFile | undefined> {
  const read = (entry: Dirent): ReadFile | undefined => {
    const { name } = entry;
    const file = path.join(dir, name);
    const kind = classifyCorpusFile(name);
    if (kind.kind === 'ignored') return undefined;
    // A symbolic link counts when it leads to a file.
    if (!(entry.isFile() || (entry.isSymbolicLink() && statOrUndefined(file)?.isFile()))) return undefined;
    if (kind.kind === 'unsupported') return { supported: false, name, file };
    const metaFile = path.join(dir, `${kind.id}.meta.json`);
    const bytes = readFileSync(file);
    const metaBytes = names.has(`${kind.id}.meta.json`) ? readOrUndefined(metaFile) : undefined;
    return { supported: true, name, file, id: kind.id, format: kind.format, bytes, metaFile, metaBytes };
  };
  for (let start = 0; start < entries.length; start += READ_BATCH) {
    if (start > 0) await setImmediate();
    yield* entries.slice(start, start + READ_BATCH).map(read);
  }
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * An article from its stored text, split into paragraphs and sentences (or with the `sentences` an
 * index derived from the same text by the same rules); undefined when it has no text.
 */
export function articleFromText(fields: Pick<Article, 'id' | 'source' | 'text' | 'meta'>, sentences?: Sentence[]): Article | undefined {
  const paragraphs = splitParagraphs(fields.text);
  if (paragraphs.length === 0) return undefined;
  const reused = sentences && fitParagraphs(sentences, paragraphs) ? sentences : undefined;
  return { ...fields, paragraphs, sentences: reused ?? splitSentences(fields.text, paragraphs) };
}

/** Whether sentences lie in order, non-empty, each inside its paragraph: stored ones that do not (a damaged index) are not used. */
function fitParagraphs(sentences: readonly Sentence[], paragraphs: readonly Span[]): boolean {
  let previousEnd = 0;
  for (const sentence of sentences) {
    const paragraph = paragraphs[sentence.paragraph - 1];
    if (!paragraph || sentence.start < Math.max(previousEnd, paragraph.start) || sentence.end > paragraph.end || sentence.end <= sentence.start) return false;
    previousEnd = sentence.end;
  }
  return sentences.length > 0;
}

/**
 * The text an article's quotes are cut from, read again from its file (`source` resolved against
 * `root`): the file as stored for `.txt`/`.md`, the extracted text for `.html`. Every quote
 * satisfies `quote.text === (await readArticleText(root, quote.source)).slice(quote.start, quote.end)`.
 */
export async function readArticleText(root: string, source: string): Promise<string> {
  const file = path.resolve(root, source);
  const kind = classifyCorpusFile(path.basename(file));
  const decoded = articleText(await fs.readFile(file), kind.kind === 'article' ? kind.format : 'text');
  if (!decoded) throw new TetherError('CORPUS', `${file} is not UTF-8 or UTF-16 text.`, { hint: 'Save it as UTF-8.' });
  return decoded.text;
}

/**
 * How a quote names its file: relative to the project root, with forward slashes, whatever the
 * working directory; an article outside the project keeps its absolute path.
 */
export function sourcePath(root: string, file: string): string {
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return path.resolve(file);
  return relative.split(path.sep).join('/');
}

function parseMeta(file: string, bytes: Buffer | undefined, inferLang: () => Lang, text: string): ArticleMeta {
  let raw: unknown = {};
  if (bytes) {
    try {
      raw = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new TetherError('CORPUS', `${file} is not valid JSON.`, { hint: 'Fix or delete it (see corpus/README.md).', cause: error });
    }
  }
  const parsed = metaSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new TetherError('CORPUS', `${file} has bad fields: ${fields}.`, { hint: 'Fix them (see corpus/README.md).' });
  }
  const meta = parsed.data;
  const firstLine = text.trim().split('\n', 1)[0]?.trim() ?? '';
  return {
    title: meta.title ?? firstLine.slice(0, 120),
    titleEditorial: meta.titleEditorial ?? false,
    lang: meta.lang ?? inferLang(),
    publication: meta.publication ?? undefined,
    author: meta.author ?? undefined,
    date: meta.date ?? undefined,
    notes: meta.notes ?? undefined,
  };
}
