import path from 'node:path';
import { createRequire } from 'node:module';

/** How an article file is read: plain text and Markdown as stored, HTML through its extracted text. */
export type ArticleFormat = 'text' | 'markdown' | 'html';

const FORMATS: Record<string, ArticleFormat> = { '.txt': 'text', '.md': 'markdown', '.html': 'html', '.htm': 'html' };

/** What a file in the corpus folder is: an article (and its format), a sidecar or note that is not one, or an unsupported file. */
export function classifyCorpusFile(name: string): { kind: 'article'; format: ArticleFormat; id: string } | { kind: 'ignored' } | { kind: 'unsupported' } {
  // Sidecars, the folder's own README and hidden files (editor swap files, .gitkeep) are not articles.
  if (name.startsWith('.') || name.endsWith('.meta.json') || /^readme(?:\.[a-z]+)?$/i.test(name)) return { kind: 'ignored' };
  const extension = path.extname(name).toLowerCase();
  const format = FORMATS[extension];
  if (!format) return { kind: 'unsupported' };
  return { kind: 'article', format, id: name.slice(0, -extension.length) };
}

/** A text file's characters and the encoding they were read in. */
export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
}

/**
 * Decodes a text file: UTF-8 (a BOM kept, as `fs.readFile(file, 'utf8')` keeps it, so offsets
 * match a plain read), or UTF-16 with or without a BOM. Undefined for anything else (Latin-1,
 * GBK, Big5, binary): guessing a legacy encoding would quote characters the author never wrote.
 */
export function decodeText(bytes: Uint8Array): DecodedText | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16(bytes, 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16(bytes, 'utf-16be');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: perhaps UTF-16 without a BOM (Windows "Unicode" text).
  }
  if (bytes.length % 2 !== 0 || !bytes.includes(0)) return undefined;
  const candidates = (['utf-16le', 'utf-16be'] as const).map((encoding) => utf16(bytes, encoding)).filter((d): d is DecodedText => d !== undefined);
  const scored = candidates.map((decoded) => ({ decoded, ...plausibility(decoded.text) })).filter((c) => c.share >= MIN_PLAUSIBLE_SHARE && c.breaks > 0);
  scored.sort((a, b) => b.breaks - a.breaks);
  return scored[0]?.decoded;
}

/** Share of characters that must be ordinary text for bytes without a BOM to be read as UTF-16. */
const MIN_PLAUSIBLE_SHARE = 0.95;

function utf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): DecodedText | undefined {
  try {
    // The BOM is a marker, not text; a lone surrogate means these bytes are not UTF-16.
    return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding };
  } catch {
    return undefined;
  }
}

/**
 * How much a decoding looks like text: the share of letters, digits, punctuation and spaces, and
 * the count of spaces and line breaks (bytes of another encoding read as UTF-16 have no 0x00 halves,
 * so they never make a U+0020 or U+000A).
 */
function plausibility(text: string): { share: number; breaks: number } {
  if (text.length === 0) return { share: 0, breaks: 0 };
  const ordinary = text.match(/[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}\t\n\r]/gu)?.length ?? 0;
  const breaks = text.match(/[ \n]/g)?.length ?? 0;
  return { share: ordinary / [...text].length, breaks };
}

/**
 * The text of an HTML article as Tether stores and quotes it: what a reader sees (no markup,
 * scripts or styles; entities decoded), one block a paragraph separated by blank lines, headings
 * kept as written, links without their addresses. Deterministic, so citations can be checked by
 * extracting again (`readArticleText`).
 */
export function htmlToText(html: string): string {
  const keepCase = { options: { uppercase: false } };
  return htmlConverter()(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, ...keepCase })),
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  }).trim();
}

let convertHtml: typeof import('html-to-text').convert | undefined;

/** html-to-text, loaded the first time an HTML article is read: a corpus of plain text never pays for its import. */
function htmlConverter(): typeof import('html-to-text').convert {
  convertHtml ??= (createRequire(import.meta.url)('html-to-text') as typeof import('html-to-text')).convert;
  return convertHtml;
}

/** An article's text as stored and quoted, from its file's bytes; undefined when the bytes are not text. */
export function articleText(bytes: Uint8Array, format: ArticleFormat): DecodedText | undefined {
  const decoded = decodeText(bytes);
  if (!decoded || format !== 'html') return decoded;
  return { text: htmlToText(decoded.text), encoding: decoded.encoding };
}
