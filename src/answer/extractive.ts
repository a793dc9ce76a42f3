import type { LocalEmbeddings } from '../embeddings/local.js';
import { extractFeatures } from '../text/features.js';
import { labelsFor } from './labels.js';
import { detectAnswerKind } from './question.js';
import { coverageOf, weighQuestion } from '../ranking/question.js';
import type { Answerer, AnswerDraft, AnswerRequest, Quote } from './types.js';

/** Quotes longer than this are cut to their most relevant clauses in the short answer. */
const SHORT_ANSWER_CHARS = 220;

/**
 * The offline answerer: no model, nothing invented. The answer is the most relevant clauses of the
 * best quote, verbatim, with its citation; the quotes are the ranked spans retrieval found.
 */
export function createExtractiveAnswerer(deps: { featurizer: LocalEmbeddings; sourceName: (source: string) => string }): Answerer {
  return {
    name: 'extractive',
    async answer(request: AnswerRequest): Promise<AnswerDraft> {
      const labels = labelsFor(request.lang);
      const best = request.quotes[0];
      if (!request.found || !best) {
        const answer =
          request.quotes.length === 0
            ? `${labels.notCovered} ${labels.noPassages}`
            : request.confidence === 'unsure'
              ? labels.unsure
              : `${labels.notCovered} ${labels.nearest}`;
        return { found: false, answer, quotes: request.quotes, answeredBy: 'extractive' };
      }
      const excerpt = shortenToClauses(best, request.question, deps.featurizer);
      const answer = `${labels.according(deps.sourceName(best.source), best.paragraph)} ${excerpt} [${best.n}]`;
      return { found: true, answer, quotes: request.quotes, answeredBy: 'extractive' };
    },
  };
}

/**
 * The contiguous clauses of a long quote that cover the question best, marked with "…" where
 * cut; the quote itself when it is short.
 */
function shortenToClauses(quote: Quote, question: string, featurizer: LocalEmbeddings): string {
  if (quote.text.length <= SHORT_ANSWER_CHARS) return quote.text;
  const clauses = quote.text.split(/(?<=[,;:，；：。.!?！？])\s*/u).filter((clause) => clause.length > 0);
  const weighted = weighQuestion(featurizer, question, detectAnswerKind(question));
  let best = { from: 0, to: clauses.length, score: -Infinity };
  for (let from = 0; from < clauses.length; from += 1) {
    for (let to = from + 1; to <= clauses.length; to += 1) {
      const text = clauses.slice(from, to).join(' ');
      if (text.length > SHORT_ANSWER_CHARS && to > from + 1) break;
      const features = new Set(extractFeatures(text, featurizer.lexicon, { namesNeedCapitals: true }).keys());
      const score = coverageOf(weighted, features) - text.length / 5000;
      if (score > best.score) best = { from, to, score };
    }
  }
  const start = quote.text.indexOf(clauses[best.from]!);
  const lastClause = clauses[best.to - 1]!;
  const end = quote.text.indexOf(lastClause, start) + lastClause.length;
  const excerpt = quote.text.slice(start, end).replace(/[,;:，；：]$/u, '');
  return `${best.from > 0 ? '…' : ''}${excerpt}${best.to < clauses.length ? '…' : ''}`;
}
