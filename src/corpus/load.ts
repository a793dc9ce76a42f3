import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { TetherError } from '../errors.js';
import { detectLang } from '../text/script.js';
import { splitParagraphs, splitSentences } from './sentences.js';
import type { Article, ArticleMeta } from './types.js';

const metaSchema = z.object({
  title: z.string().trim().min(1).optional(),
  titleEditorial: z.boolean().optional(),
  lang: z.enum(['en', 'zh-Hant', 'zh-Hans']).optional(),
  publication: z.string().nullish(),
  author: z.string().nullish(),
  date: z.string().nullish(),
  notes: z.string().nullish(),
});

/** The corpus as read from disk: articles plus a hash of every byte that shaped them. */
export interface Corpus {
  dir: string;
  articles: Article[];
  /** sha256 over file names and contents (texts and sidecars): changes whenever the corpus does. */
  hash: string;
}

/**
 * Reads every `*.txt` article under `dir` (sorted by name) with its optional `NAME.meta.json`.
 * `root` is what `source` paths are relative to (the project root).
 */
export async function loadCorpus(dir: string, root: string): Promise<Corpus> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((name) => name.endsWith('.txt')).sort();
  } catch (error) {
    throw new TetherError('CORPUS', `Cannot read the corpus folder ${dir}.`, {
      hint: 'Set CORPUS_DIR to a folder of .txt articles, or restore corpus/ with `git checkout corpus`.',
      cause: error,
    });
  }
  if (names.length === 0) {
    throw new TetherError('CORPUS', `The corpus folder ${dir} has no .txt articles.`, {
      hint: 'Add UTF-8 .txt articles to it (see corpus/README.md).',
    });
  }

  const hash = createHash('sha256');
  const articles: Article[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const bytes = await fs.readFile(file);
    const text = bytes.toString('utf8');
    if (text.includes('\uFFFD')) {
      throw new TetherError('CORPUS', `${file} is not valid UTF-8 text.`, { hint: 'Save it as UTF-8 and try again.' });
    }
    const id = name.slice(0, -'.txt'.length);
    const metaFile = path.join(dir, `${id}.meta.json`);
    const metaBytes = await fs.readFile(metaFile).catch(() => undefined);
    hash.update(`${name}\0`).update(bytes).update('\0');
    if (metaBytes) hash.update(`${id}.meta.json\0`).update(metaBytes).update('\0');

    const paragraphs = splitParagraphs(text);
    if (paragraphs.length === 0) continue;
    articles.push({
      id,
      source: sourcePath(root, file),
      text,
      meta: parseMeta(metaFile, metaBytes, text),
      paragraphs,
      sentences: splitSentences(text, paragraphs),
    });
  }
  if (articles.length === 0) {
    throw new TetherError('CORPUS', `Every article in ${dir} is empty.`, { hint: 'Add text to the articles (see corpus/README.md).' });
  }
  return { dir, articles, hash: hash.digest('hex') };
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

function parseMeta(file: string, bytes: Buffer | undefined, text: string): ArticleMeta {
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
    lang: meta.lang ?? detectLang(text),
    publication: meta.publication ?? undefined,
    author: meta.author ?? undefined,
    date: meta.date ?? undefined,
    notes: meta.notes ?? undefined,
  };
}
