import type { Article } from '../corpus/types.js';

/** What picking quotes reads of a ranked span. */
export interface QuoteSpan {
  article: Pick<Article, 'id'>;
  paragraph: number;
  start: number;
  end: number;
  sentenceIndexes: number[];
  /** Share of the question the span expresses: 0 is no evidence. */
  coverage: number;
}

/** Quotes a page shows ("More quotes" pages on by as many): a page's quotes are final once the next page starts. */
export const QUOTES_PER_PAGE = 3;

/** A quote joined from neighbouring spans holds at most this many sentences: a quote, not a passage. */
const MAX_JOINED_SENTENCES = 3;

/**
 * The quotes to show, best first: spans that share no sentence and express some of the question.
 * No seat is reserved for the other language: the ranker's cross-language weights bring such a
 * quote forward when it deserves it, and a forced seat cost 0.6–3.9 points of hit@3 on XQuAD's
 * mixed-language corpus. A span that continues a quote of the page being filled (the sentence just
 * before or after it, in its paragraph) is joined to that quote instead of taking a place of its
 * own, as a sentence-window postprocessor would widen it: the reader gets one passage rather than
 * two pieces of it, and the place goes to the next span. The right sentence was the next quote,
 * right beside the first, for half the questions of the public sets answered second or third.
 */
export function pickQuotes<T extends QuoteSpan>(spans: T[], count: number): T[] {
  // A span that expresses nothing of the question is no evidence, whatever its rank; only when no
  // span expresses anything are such spans listed, as the nearest passages of a refusal.
  const evidence = spans.filter((span) => span.coverage > 0);
  const picked: T[] = [];
  const used = new Set<string>();
  // The first quote of the page being filled: earlier pages were shown as they were.
  let pageStart = 0;
  for (const span of evidence.length > 0 ? evidence : spans) {
    const keys = span.sentenceIndexes.map((index) => `${span.article.id}:${index}`);
    if (keys.some((key) => used.has(key))) continue;
    const continued = picked.findIndex((quote, i) => i >= pageStart && continues(quote, span));
    if (continued < 0) {
      // Only a span that needs a place of its own ends the list: one that joins a quote never does,
      // so a longer list starts with the same quotes as a shorter one.
      if (picked.length >= count) break;
      if (picked.length > 0 && picked.length % QUOTES_PER_PAGE === 0) pageStart = picked.length;
      picked.push(span);
    } else {
      picked[continued] = joined(picked[continued]!, span);
    }
    keys.forEach((key) => used.add(key));
  }
  return picked;
}

/** Whether `span` is the sentences just before or just after `quote`, in its paragraph, and the two still make a quote. */
function continues(quote: QuoteSpan, span: QuoteSpan): boolean {
  if (span.article.id !== quote.article.id || span.paragraph !== quote.paragraph) return false;
  if (quote.sentenceIndexes.length + span.sentenceIndexes.length > MAX_JOINED_SENTENCES) return false;
  const first = (s: QuoteSpan) => Math.min(...s.sentenceIndexes);
  const last = (s: QuoteSpan) => Math.max(...s.sentenceIndexes);
  return last(quote) + 1 === first(span) || last(span) + 1 === first(quote);
}

/** The quote widened by its neighbour: its rank, score and features, the two texts' whole extent. */
function joined<T extends QuoteSpan>(quote: T, span: QuoteSpan): T {
  return {
    ...quote,
    start: Math.min(quote.start, span.start),
    end: Math.max(quote.end, span.end),
    sentenceIndexes: [...quote.sentenceIndexes, ...span.sentenceIndexes].sort((a, b) => a - b),
  };
}
