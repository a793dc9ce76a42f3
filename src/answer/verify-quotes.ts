import type { Article } from '../corpus/types.js';
import type { AnswerDraft } from './types.js';

/** Stage 5 of the answer path: what reaches the user quotes the corpus verbatim, whoever wrote the answer. */
export interface QuoteVerifier {
  verify(draft: AnswerDraft): AnswerDraft;
}

/**
 * Keeps only quotes whose text is exactly their article's text between their offsets. The
 * extractive answerer cuts quotes by offset and a chat model's are repaired or dropped before
 * this, so nothing should ever be dropped here: this is the last guard, not a repair step.
 */
export function createQuoteVerifier(articles: Article[]): QuoteVerifier {
  const bySource = new Map(articles.map((article) => [article.source, article]));
  return {
    verify(draft) {
      const quotes = draft.quotes.filter((quote) => bySource.get(quote.source)?.text.slice(quote.start, quote.end) === quote.text);
      return quotes.length === draft.quotes.length ? draft : { ...draft, quotes };
    },
  };
}
