import type { Passage } from '../types.js';
import { EDGE_PUNCTUATION, fold, foldForVerifying, type Folded } from './fold.js';

// Similarity, for repairs and for the quote that stands for a cited passage.

// The whole clause a repair shows must still say what the model quoted: no longer, nor much different.
const REPAIR_MIN_CLAUSE_SIMILARITY = 0.75;
function bigramCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + 1 < text.length; i++) {
    const gram = text.slice(i, i + 2);
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/**
 * The span of a passage most like `needle` (both folded), on word boundaries, by bigram Dice
 * similarity: windows from each word start, a little shorter to a little longer than the needle.
 */
export function closestSpan(needle: string, passage: PreparedPassage): { start: number; end: number; score: number } | undefined {
  const want = bigramCounts(needle);
  const wantTotal = Math.max(needle.length - 1, 0);
  const { text, starts, ends } = passage.folded;
  const minLength = Math.floor(needle.length * 0.75);
  const maxLength = Math.ceil(needle.length * 1.33);
  let best: { start: number; end: number; score: number } | undefined;
  for (const from of passage.wordStarts) {
    const have = new Map<string, number>();
    let shared = 0;
    for (let to = from + 2; to <= Math.min(text.length, from + maxLength); to++) {
      const gram = text.slice(to - 2, to);
      const count = (have.get(gram) ?? 0) + 1;
      have.set(gram, count);
      if (count <= (want.get(gram) ?? 0)) shared++;
      if (to - from < minLength || !passage.wordEnds.has(ends[to - 1] ?? -1)) continue;
      const score = (2 * shared) / (wantTotal + (to - from - 1));
      if (score > (best?.score ?? 0)) best = { start: starts[from] ?? 0, end: ends[to - 1] ?? 0, score };
    }
  }
  return best;
}

// Clause and sentence ends; quotation marks are not among them, so a repair keeps a quote inside it whole.
const CLAUSE_END = /[,.;:!?，。；：！？\n]/u;
const SENTENCE_END = /[.!?。！？\n]/u;

/** Widens a span to the whole clause (or sentence) it lies in, trimmed of spaces and the closing mark. */
function widenTo(text: string, start: number, end: number, boundary: RegExp): { start: number; end: number } {
  let from = start;
  while (from > 0 && !boundary.test(text[from - 1] ?? '')) from -= 1;
  let to = end;
  // A span that already ends on the boundary keeps it; otherwise run to the next one.
  if (!boundary.test(text[to - 1] ?? '')) while (to < text.length && !boundary.test(text[to] ?? '')) to += 1;
  while (from < to && /\s/u.test(text[from] ?? '')) from += 1;
  while (to > from && /[\s,;:，；：]/u.test(text[to - 1] ?? '')) to -= 1;
  return { start: from, end: to };
}

const PAIRS: Array<[string, string]> = [['“', '”'], ['「', '」'], ['『', '』'], ['‘', '’'], ['«', '»']];

/** Whether every quotation mark a text opens it also closes (straight double quotes in pairs). */
export function quotesBalanced(text: string): boolean {
  for (const [open, close] of PAIRS) {
    let depth = 0;
    for (const char of text) {
      if (char === open) depth += 1;
      else if (char === close && --depth < 0) return false;
    }
    if (depth !== 0) return false;
  }
  return (text.match(/"/g)?.length ?? 0) % 2 === 0;
}

/** Bigram Dice similarity of two folded texts. */
function similarity(a: string, b: string): number {
  const want = bigramCounts(a);
  let shared = 0;
  for (const [gram, count] of bigramCounts(b)) shared += Math.min(count, want.get(gram) ?? 0);
  const total = Math.max(a.length - 1, 0) + Math.max(b.length - 1, 0);
  return total === 0 ? 0 : (2 * shared) / total;
}

/**
 * The repair of a near-miss: the whole clause it came from (or the whole sentence, when the clause
 * would leave a quotation mark open), provided that it still says what the model quoted; else none.
 */
export function repairSpan(text: string, start: number, end: number, needle: string): { start: number; end: number } | undefined {
  for (const boundary of [CLAUSE_END, SENTENCE_END]) {
    const widened = widenTo(text, start, end, boundary);
    // A closing mark left of the clause belongs to the sentence before it ('…Group." We believe').
    const lead = /^["“”「」『』'‘’\s]*/u.exec(text.slice(widened.start, widened.end))?.[0].length ?? 0;
    const span = [widened, { start: widened.start + lead, end: widened.end }].find((s) => quotesBalanced(text.slice(s.start, s.end)));
    if (!span) continue;
    const shown = text.slice(span.start, span.end);
    return similarity(needle, fold(shown).text.replace(EDGE_PUNCTUATION, '')) >= REPAIR_MIN_CLAUSE_SIMILARITY ? span : undefined;
  }
  return undefined;
}


/** A passage folded once, with its word boundaries: what quotes are located in. */
export interface PreparedPassage {
  passage: Passage;
  folded: Folded;
  foldedTitle: string;
  /** Folded offsets where a word (or a Han character) starts, and original offsets where one ends. */
  wordStarts: number[];
  wordEnds: Set<number>;
}

// The corpus's paragraphs are the same objects answer after answer: folded once.
const preparedCache = new WeakMap<Passage, PreparedPassage>();

/** The passage prepared for locating quotes (remembered per passage object). */
export function preparedOnce(passage: Passage): PreparedPassage {
  let prepared = preparedCache.get(passage);
  if (!prepared) {
    prepared = prepare(passage);
    preparedCache.set(passage, prepared);
  }
  return prepared;
}

function prepare(passage: Passage): PreparedPassage {
  const folded = fold(passage.text);
  const firstFoldedAt = new Map<number, number>();
  folded.starts.forEach((original, index) => {
    if (!firstFoldedAt.has(original)) firstFoldedAt.set(original, index);
  });
  const wordStarts: number[] = [];
  const wordEnds = new Set<number>();
  for (const match of passage.text.matchAll(/\p{Script=Han}|[\p{L}\p{N}]+/gu)) {
    const at = firstFoldedAt.get(match.index);
    if (at !== undefined) wordStarts.push(at);
    wordEnds.add(match.index + match[0].length);
  }
  return { passage, folded, foldedTitle: foldForVerifying(passage.title).replace(EDGE_PUNCTUATION, ''), wordStarts, wordEnds };
}
