import { sentencesOf } from '../corpus/sentences.js';
import type { Lang } from '../corpus/types.js';
import type { Passage, Quote } from './types.js';
import { foldForVerifying, needleParts } from './verify/fold.js';
import { closestSpan, preparedOnce, repairSpan } from './verify/locate.js';
import { CITATION, CLOSERS, parseCitation, tokenize } from './verify/markup.js';

export { foldForVerifying } from './verify/fold.js';
export { quotesBalanced } from './verify/locate.js';

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
// Shorter spans are too ambiguous to repair: a few words resemble many sentences.
const REPAIR_MIN_LENGTH = 12;
// A verified term ("1+6+N") is too short to stand as evidence in the quote list; a Han character counts twice.
const QUOTE_MIN_WEIGHT = 10;

function quoteWeight(text: string): number {
  return foldForVerifying(text).length + (text.match(/\p{Script=Han}/gu)?.length ?? 0);
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
          articleId: passage.articleId,
          passageId: passage.passageId,
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
      const [first] = sentencesOf(passage.text);
      return first ? addQuote(passageIndex, first.start, first.end) : addQuote(passageIndex, 0, passage.text.length);
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
