import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang } from '../../src/corpus/types.js';
import type { Passage, Quote } from '../../src/answer/types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The two articles of the test corpus, read as Node reads them. */
export const ARTICLES = {
  en: { source: 'corpus/new-position-alibaba-cloud-turmoil.txt', title: 'Alibaba Cloud after a year of turmoil', lang: 'en' as Lang },
  zh: { source: 'corpus/yinxing-alibaba-cloud-pauses-spin-off.txt', title: '阿里雲,暫停裂土封王', lang: 'zh-Hant' as Lang },
};

/** The text of a source file (path relative to the project root, or absolute). */
export function readSource(source: string): string {
  return fs.readFileSync(path.resolve(ROOT, source), 'utf8');
}

/** The paragraph (1-based, non-empty lines) of a source that contains `needle`, as a Passage with true offsets. */
export function passageContaining(
  article: { source: string; title: string; lang: Lang },
  needle: string,
  fileText = readSource(article.source),
): Passage {
  const at = fileText.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in ${article.source}`);
  const start = fileText.lastIndexOf('\n', at) + 1;
  const newline = fileText.indexOf('\n', at);
  const end = newline < 0 ? fileText.length : newline;
  const paragraph = fileText.slice(0, start).split('\n').filter((line) => line.trim() !== '').length + 1;
  const articleId = path.basename(article.source, '.txt');
  return { id: `${articleId}:${paragraph}`, articleId, passageId: `${articleId}:${paragraph}`, ...article, paragraph, start, end, text: fileText.slice(start, end), score: 0.5 };
}

/** A Quote for the exact span `needle` of a passage. */
export function quoteOf(passage: Passage, needle: string, n: number): Quote {
  const at = passage.text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in passage ${passage.id}`);
  const { articleId, passageId, source, title, lang, paragraph } = passage;
  return { n, articleId, passageId, source, title, lang, paragraph, start: passage.start + at, end: passage.start + at + needle.length, text: needle, score: 0.8 };
}

/** Asserts the Quote invariant against the file on disk (the real check, not the passage's copy). */
export function isVerbatim(quote: { source: string; start: number; end: number; text: string }): boolean {
  return readSource(quote.source).slice(quote.start, quote.end) === quote.text;
}
