import type { Lang } from '../corpus/types.js';
import { toSimplified } from '../text/script.js';
import type { Passage, Quote } from './types.js';

/** How a chat model's quotes and citations fared against the sources. */
export interface VerificationCounts {
  /** Quoted spans found in the passages (shown as the verbatim source text). */
  verified: number;
  /** Quoted spans not found as written but close to one real sentence, replaced by it. */
  repaired: number;
  /** Quoted spans not in the sources, removed. */
  dropped: number;
  /** Citations of passages that were not given, removed. */
  citationsRemoved: number;
}

/** What the model's answer becomes once checked: only real quotes, citations renumbered to `quotes`. */
export interface VerifiedAnswer {
  /** The answer to show; each [k] refers to `quotes[k - 1]` (whose `n` is k). */
  text: string;
  /** Verbatim spans with true offsets, in the order the answer first refers to them. */
  quotes: Quote[];
  counts: VerificationCounts;
  /** 1-based numbers of the given passages that the answer validly cites, in order of first citation. */
  citedPassages: number[];
}

/** What a model's answer is checked against: the passages it was given (numbered from 1). */
export interface Evidence {
  passages: Passage[];
  /** Ranked sentence quotes from those passages: the preferred quote for a cited passage. */
  quotes?: Quote[];
  /** Language of the answer, for the note that replaces a removed quote. */
  lang: Lang;
  /**
   * Every paragraph of the corpus: a quote of a real sentence that is not among `passages` is found
   * here (and shown from its true place) instead of being "repaired" into another sentence.
   */
  corpus?: Passage[];
}

/** Checks one answer text; `partial` is for a text still being streamed (an unfinished quote is held back). */
export type Verifier = (answer: string, options?: { partial?: boolean }) => VerifiedAnswer;

/** What replaces a quote that is not in the sources. */
export const REMOVED_QUOTE_NOTE: Record<Lang, string> = {
  en: '[quote removed: not found in the sources]',
  'zh-Hant': '［引文已刪除：來源中找不到］',
  'zh-Hans': '［引文已删除：来源中找不到］',
};

// Below this bigram similarity a misquote is not "the same sentence, slightly off" but a different claim.
const REPAIR_MIN_SIMILARITY = 0.7;
// The whole clause a repair shows must still say what the model quoted: no longer, nor much different.
const REPAIR_MIN_CLAUSE_SIMILARITY = 0.75;
// Shorter spans are too ambiguous to repair: a few words resemble many sentences.
const REPAIR_MIN_LENGTH = 12;
// A verified term ("1+6+N") is too short to stand as evidence in the quote list; a Han character counts twice.
const QUOTE_MIN_WEIGHT = 10;

function quoteWeight(text: string): number {
  return foldForVerifying(text).length + (text.match(/\p{Script=Han}/gu)?.length ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Folding for matching only: the shown text is always cut from the original by offset.

interface Folded {
  text: string;
  /** For each folded code unit, the original offset of the character it came from, and the offset after it. */
  starts: number[];
  ends: number[];
}

const PUNCTUATION_FOLD: Record<string, string> = {
  '“': '"', '”': '"', '„': '"', '‟': '"', '«': '"', '»': '"', '「': '"', '」': '"', '『': '"', '』': '"', '〝': '"', '〞': '"',
  '‘': "'", '’': "'", '‚': "'", '‛': "'", '`': "'",
  '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '―': '-', '−': '-',
  '。': '.', '｡': '.', '⋯': '...', '・': '·',
};
// Markdown emphasis and invisible characters a model adds or drops freely.
const IGNORED = /[\s*_\u200b-\u200d\u2060\ufeff]/gu;
const HAN = /\p{Script=Han}/u;

const foldedChars = new Map<string, string>();

function foldChar(char: string): string {
  const cached = foldedChars.get(char);
  if (cached !== undefined) return cached;
  let folded = char.normalize('NFKC');
  if (HAN.test(folded)) {
    // A model may quote a Traditional article in Simplified characters; one character at a time keeps offsets.
    folded = toSimplified(folded);
  }
  folded = [...folded.toLowerCase()].map((c) => PUNCTUATION_FOLD[c] ?? c).join('').replace(IGNORED, '');
  foldedChars.set(char, folded);
  return folded;
}

function fold(text: string): Folded {
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < text.length; ) {
    const width = (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    const folded = foldChar(text.slice(i, i + width));
    for (let k = 0; k < folded.length; k++) {
      starts.push(i);
      ends.push(i + width);
    }
    out += folded;
    i += width;
  }
  return { text: out, starts, ends };
}

/** Folds text the way verification matches it (NFKC, case, Traditional→Simplified, quote marks, no spaces). */
export function foldForVerifying(text: string): string {
  return fold(text).text;
}

const EDGE_PUNCTUATION = /^[.,;:!?"'()[\]{}\-、]+|[.,;:!?"'()[\]{}\-、]+$/g;

/** The pieces a quote must contain, in order: elisions (… or [...]) split it. */
function needleParts(content: string): string[] {
  return fold(content)
    .text.split(/\.{3,}/)
    .map((part) => part.replace(EDGE_PUNCTUATION, ''))
    .filter((part) => part.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Sentences and similarity, for repairs and for the quote that stands for a cited passage.

/** Sentence-like spans of a text (offsets into it), whitespace trimmed. */
function sentenceSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const match of text.matchAll(/[^\n.!?。！？]+(?:[.!?。！？]+["'”’」』)]*)?/gu)) {
    const raw = match[0];
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed.length === 0 || !/[\p{L}\p{N}]/u.test(trimmed)) continue;
    const start = match.index + lead;
    spans.push([start, start + trimmed.length]);
  }
  return spans;
}

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
function closestSpan(needle: string, passage: PreparedPassage): { start: number; end: number; score: number } | undefined {
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
function repairSpan(text: string, start: number, end: number, needle: string): { start: number; end: number } | undefined {
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

// ---------------------------------------------------------------------------------------------
// Reading the answer: prose, inline quotes, block quotes and citations.

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'cite'; numbers: number[] }
  | { kind: 'inline'; open: string; close: string; content: string }
  | { kind: 'block'; lines: string[] };

const CLOSERS: Record<string, string> = { '“': '”', '「': '」', '『': '』', '«': '»', '"': '"', '＂': '＂' };
const CITATION = /[[［【]\s*(\d{1,3}(?:\s*(?:[,，、;；]|[-–]|\]\s*\[)\s*\d{1,3})*)\s*[\]］】]/y;
const PENDING_CITATION = /^[[［【][\d\s,，、;；\-–\]\[]*$/;
const BLOCK_LINE = /^ {0,3}>/;

function parseCitation(inner: string): number[] {
  const numbers: number[] = [];
  for (const piece of inner.split(/\s*(?:[,，、;；]|\]\s*\[)\s*/)) {
    const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(piece);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      for (let n = from; n <= to && n - from < 20; n++) numbers.push(n);
    } else if (/^\d+$/.test(piece)) numbers.push(Number(piece));
  }
  return numbers;
}

/** Where the quote opened at `open` closes (index of the closer), counting nested pairs; -1 if it does not. */
function findCloser(text: string, open: number): number {
  const opener = text[open] ?? '';
  const closer = CLOSERS[opener] ?? opener;
  if (closer === opener) return text.indexOf(closer, open + 1);
  let depth = 1;
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === opener) depth++;
    else if (text[i] === closer && --depth === 0) return i;
  }
  return -1;
}

/** Splits prose into text, inline quotes and citations. Returns `complete: false` where a streamed text was cut. */
function tokenizeProse(text: string, partial: boolean): { tokens: Token[]; complete: boolean } {
  const tokens: Token[] = [];
  let plain = '';
  const flush = () => {
    if (plain) tokens.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (char in CLOSERS) {
      let close = findCloser(text, i);
      let closeMark = text[close] ?? '';
      if (close < 0) {
        // Unfinished: wait for more text, or (finished answer) treat the rest of the line as the quote.
        if (partial) return (flush(), { tokens, complete: false });
        const lineEnd = text.indexOf('\n', i);
        close = lineEnd < 0 ? text.length : lineEnd;
        closeMark = '';
      }
      flush();
      tokens.push({ kind: 'inline', open: char, close: closeMark, content: text.slice(i + 1, close) });
      i = close + closeMark.length;
      continue;
    }
    if (char === '[' || char === '［' || char === '【') {
      CITATION.lastIndex = i;
      const match = CITATION.exec(text);
      if (match) {
        flush();
        tokens.push({ kind: 'cite', numbers: parseCitation(match[1] ?? '') });
        i += match[0].length;
        continue;
      }
      if (partial && PENDING_CITATION.test(text.slice(i))) return (flush(), { tokens, complete: false });
    }
    plain += char;
    i++;
  }
  flush();
  return { tokens, complete: true };
}

/** Splits an answer into tokens; in partial mode stops before anything unfinished. */
function tokenize(answer: string, partial: boolean): Token[] {
  const tokens: Token[] = [];
  const lines = answer.split('\n');
  let prose: string[] = [];
  let block: string[] = [];
  const flushProse = (trailingNewline: boolean): boolean => {
    if (prose.length === 0) return true;
    const { tokens: proseTokens, complete } = tokenizeProse(prose.join('\n') + (trailingNewline ? '\n' : ''), partial);
    tokens.push(...proseTokens);
    prose = [];
    return complete;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const last = i === lines.length - 1;
    if (BLOCK_LINE.test(line)) {
      if (!flushProse(true)) return tokens;
      // A streamed block quote is shown only once its line is finished.
      if (partial && last) return tokens;
      block.push(line.replace(/^ {0,3}>+ ?/, ''));
      continue;
    }
    if (block.length > 0) {
      tokens.push({ kind: 'block', lines: block }, { kind: 'text', text: '\n' });
      block = [];
    }
    prose.push(line);
  }
  if (block.length > 0) tokens.push({ kind: 'block', lines: block });
  flushProse(false);
  return tokens;
}

// ---------------------------------------------------------------------------------------------

interface PreparedPassage {
  passage: Passage;
  folded: Folded;
  foldedTitle: string;
  /** Folded offsets where a word (or a Han character) starts, and original offsets where one ends. */
  wordStarts: number[];
  wordEnds: Set<number>;
}

// The corpus's paragraphs are the same objects answer after answer: folded once.
const preparedCache = new WeakMap<Passage, PreparedPassage>();

function preparedOnce(passage: Passage): PreparedPassage {
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

type Check =
  | { status: 'verified'; passage: number; start: number; end: number; shown: string }
  | { status: 'repaired'; passage: number; start: number; end: number; shown: string }
  | { status: 'dropped' }
  | { status: 'unchanged' };

/**
 * Prepares the evidence once and returns a function that checks answers against it: every quoted span
 * (“…”, "…", 「…」, 『…』 and `> ` block quotes) must be in a given passage, citations must name given
 * passages. What is shown of a quote is always cut from the passage text, never the model's words.
 */
export function createVerifier(evidence: Evidence): Verifier {
  // The given passages first (a quote found there is cited by them), then the rest of the corpus.
  const elsewhere = (evidence.corpus ?? []).filter(
    (p) => !evidence.passages.some((given) => given.source === p.source && given.start <= p.start && p.end <= given.end),
  );
  const allPassages = [...evidence.passages, ...elsewhere];
  const prepared = allPassages.map(preparedOnce);
  // A streamed answer is checked again at every token: each span is checked once.
  const checked = new Map<string, Check>();

  const check = (content: string): Check => {
    const known = checked.get(content);
    if (known) return known;
    const result = checkSpan(content);
    checked.set(content, result);
    return result;
  };

  const checkSpan = (content: string): Check => {
    const parts = needleParts(content);
    if (parts.length === 0) return { status: 'unchanged' };
    for (const [index, { passage, folded }] of prepared.entries()) {
      const ranges: Array<[number, number]> = [];
      let from = 0;
      for (const part of parts) {
        const at = folded.text.indexOf(part, from);
        if (at < 0) break;
        ranges.push([folded.starts[at] ?? 0, folded.ends[at + part.length - 1] ?? 0]);
        from = at + part.length;
      }
      if (ranges.length === parts.length) {
        const shown = ranges.map(([start, end]) => passage.text.slice(start, end)).join(' … ');
        return { status: 'verified', passage: index, start: ranges[0]?.[0] ?? 0, end: ranges.at(-1)?.[1] ?? 0, shown };
      }
    }
    // Naming an article by its title is not quoting it.
    if (parts.length === 1 && prepared.some((p) => p.foldedTitle === parts[0])) return { status: 'unchanged' };
    const whole = parts.join('');
    if (whole.length >= REPAIR_MIN_LENGTH) {
      let best: { passage: number; start: number; end: number; score: number } | undefined;
      for (const [index, passage] of prepared.entries()) {
        const span = closestSpan(whole, passage);
        if (span && span.score > (best?.score ?? 0)) best = { passage: index, ...span };
      }
      const passage = best ? prepared[best.passage]?.passage : undefined;
      const span = best && passage && best.score >= REPAIR_MIN_SIMILARITY ? repairSpan(passage.text, best.start, best.end, whole) : undefined;
      if (best && passage && span) return { status: 'repaired', passage: best.passage, ...span, shown: passage.text.slice(span.start, span.end) };
    }
    return { status: 'dropped' };
  };

  return (answer, options = {}) => {
    const partial = options.partial ?? false;
    const quotes: Quote[] = [];
    const quoteKeys = new Map<string, number>();
    const latestQuoteOfPassage = new Map<number, number>();
    const counts: VerificationCounts = { verified: 0, repaired: 0, dropped: 0, citationsRemoved: 0 };
    const cited: number[] = [];
    let out = '';

    const addQuote = (passageIndex: number, start: number, end: number, score?: number): number => {
      const passage = allPassages[passageIndex];
      if (!passage) throw new Error(`no passage ${passageIndex}`);
      const key = `${passage.source}:${passage.start + start}:${passage.start + end}`;
      let index = quoteKeys.get(key);
      if (index === undefined) {
        index = quotes.length;
        quoteKeys.set(key, index);
        quotes.push({
          n: index + 1,
          source: passage.source,
          title: passage.title,
          lang: passage.lang,
          paragraph: passage.paragraph,
          start: passage.start + start,
          end: passage.start + end,
          text: passage.text.slice(start, end),
          score: score ?? passage.score,
        });
      }
      latestQuoteOfPassage.set(passageIndex, index);
      return index;
    };

    // The quote a bare citation of a passage points at: its best-ranked sentence, else its first one.
    const representativeQuote = (passageIndex: number): number => {
      const passage = evidence.passages[passageIndex];
      if (!passage) throw new Error(`no passage ${passageIndex}`);
      const ranked = evidence.quotes?.find((q) => q.source === passage.source && q.start >= passage.start && q.end <= passage.end);
      if (ranked) return addQuote(passageIndex, ranked.start - passage.start, ranked.end - passage.start, ranked.score);
      const [first] = sentenceSpans(passage.text);
      return first ? addQuote(passageIndex, first[0], first[1]) : addQuote(passageIndex, 0, passage.text.length);
    };

    const renderCitation = (numbers: number[]): string => {
      const refs: number[] = [];
      for (const n of numbers) {
        if (!Number.isInteger(n) || n < 1 || n > evidence.passages.length) {
          counts.citationsRemoved++;
          continue;
        }
        if (!cited.includes(n)) cited.push(n);
        const index = latestQuoteOfPassage.get(n - 1) ?? representativeQuote(n - 1);
        if (!refs.includes(index + 1)) refs.push(index + 1);
      }
      return refs.map((k) => `[${k}]`).join('');
    };

    // A citation a quote's own true place replaces: counted as cited (or removed), shown as nothing.
    const noteCitation = (numbers: number[]): void => {
      for (const n of numbers) {
        if (!Number.isInteger(n) || n < 1 || n > evidence.passages.length) counts.citationsRemoved++;
        else if (!cited.includes(n)) cited.push(n);
      }
    };

    // Citations written inside a quote are moved after it.
    const splitCitations = (content: string): { content: string; citations: number[] } => {
      const citations: number[] = [];
      const stripped = content.replace(new RegExp(CITATION.source, 'g'), (_match, inner: string) => {
        citations.push(...parseCitation(inner));
        return '';
      });
      return { content: stripped, citations };
    };

    const applyCheck = (content: string): Check => {
      const result = check(content);
      if (result.status === 'verified') counts.verified++;
      else if (result.status === 'repaired') counts.repaired++;
      else if (result.status === 'dropped') counts.dropped++;
      return result;
    };

    // A quote found outside the given passages cites its own true place: the model's citation after it is not shown.
    let citedByQuote = false;
    for (const token of tokenize(answer, partial)) {
      if (token.kind === 'text') {
        if (/\S/u.test(token.text)) citedByQuote = false;
        out += token.text;
      } else if (token.kind === 'cite') {
        if (citedByQuote) {
          noteCitation(token.numbers);
          out = out.replace(/[ \t]+$/, '');
          citedByQuote = false;
          continue;
        }
        const rendered = renderCitation(token.numbers);
        if (rendered === '') out = out.replace(/[ \t]+$/, '');
        out += rendered;
      } else if (token.kind === 'inline') {
        const { content, citations } = splitCitations(token.content);
        const result = applyCheck(content);
        citedByQuote = false;
        if (result.status === 'dropped') {
          out += REMOVED_QUOTE_NOTE[evidence.lang];
        } else if (result.status === 'unchanged') {
          out += `${token.open}${content}${token.close}${renderCitation(citations)}`;
        } else if (result.passage >= evidence.passages.length) {
          const index = addQuote(result.passage, result.start, result.end);
          noteCitation(citations);
          out += `${token.open}${result.shown}${token.close || (CLOSERS[token.open] ?? '')} [${index + 1}]`;
          citedByQuote = true;
        } else {
          if (quoteWeight(result.shown) >= QUOTE_MIN_WEIGHT) addQuote(result.passage, result.start, result.end);
          out += `${token.open}${result.shown}${token.close || (CLOSERS[token.open] ?? '')}${renderCitation(citations)}`;
        }
      } else {
        // An attribution line ("— title [1]") under a block quote is not part of the quote.
        const attribution = token.lines.filter((line) => /^\s*(?:—|–|--|―)/.test(line));
        const quoted = token.lines.filter((line) => !attribution.includes(line)).join(' ');
        const { content, citations } = splitCitations(quoted);
        const unwrapped = /^\s*([“「『"])([\s\S]*)([”」』"])\s*$/.exec(content);
        const result = applyCheck(unwrapped ? (unwrapped[2] ?? '') : content);
        if (result.status === 'dropped') {
          out += REMOVED_QUOTE_NOTE[evidence.lang];
          continue;
        }
        if (result.status === 'unchanged') {
          out += token.lines.map((line) => `> ${line}`).join('\n');
          continue;
        }
        addQuote(result.passage, result.start, result.end);
        const cites = renderCitation(citations);
        const lines = [`> ${result.shown}${cites ? ` ${cites}` : ''}`];
        for (const line of attribution) {
          lines.push(`> ${line.replace(new RegExp(CITATION.source, 'g'), (_m, inner: string) => renderCitation(parseCitation(inner)))}`);
        }
        out += lines.join('\n');
      }
    }

    return { text: out.trim(), quotes, counts, citedPassages: cited };
  };
}

/** Checks one answer against the evidence (see `createVerifier`). */
export function verifyAnswer(answer: string, evidence: Evidence, options?: { partial?: boolean }): VerifiedAnswer {
  return createVerifier(evidence)(answer, options);
}
