import type { Article, Lang } from '../corpus/types.js';
import type { SentenceEmbedder } from '../semantic/index.js';
import type { RetrievedChunk } from '../retrieval/candidates.js';
import { logit, softmax, type LinearModel } from './linear.js';
import type { WeightedQuestion } from './question.js';
import type { SentenceFeatureCache } from './sentences.js';
import { featureVector, rankerVector, spanCandidates, type SemanticEvidence, type SpanCandidate } from './spans.js';

/** A question as the ranking and decision stages see it. */
export interface RankingQuery {
  text: string;
  lang: Lang;
  weighted: WeightedQuestion;
}

/** A candidate span with the ranker's judgement: the probability that it holds the answer. */
export interface RankedSpan extends SpanCandidate {
  logit: number;
  probability: number;
}

/** Stage 2 of the answer path: candidate spans of the retrieved chunks, best first. */
export interface SpanRanker {
  rank(query: RankingQuery, retrieved: RetrievedChunk[]): RankedSpan[];
}

/** What the word vectors say of one question, as the span features read it. */
export function semanticEvidence(embedder: SentenceEmbedder, question: string): SemanticEvidence {
  return {
    similarities: (article: Article) => embedder.sentenceSimilarities(question, article),
    alignment: (article: Article, sentenceIndexes: readonly number[]) => embedder.alignment(question, article, sentenceIndexes),
  };
}

/**
 * Ranks spans by a conditional logit over their features, trained by `npm run train` on the public
 * QA sets' training split (see models/README.md). A span's probability is its share of the
 * question's candidates: how likely it is the one that answers, if any does.
 */
export function createLearnedRanker(deps: { model: LinearModel; cache: SentenceFeatureCache; semantic?: SentenceEmbedder | undefined }): SpanRanker {
  const { semantic } = deps;
  return {
    rank(query, retrieved) {
      const candidates = spanCandidates(query.weighted, query.lang, retrieved, deps.cache, semantic && semanticEvidence(semantic, query.text));
      const logits = candidates.map((candidate) => logit(deps.model, rankerVector(featureVector(candidate.features))));
      const shares = softmax(logits);
      // The candidates are this call's own: judged in place (a copy of each cost more than the scoring).
      const ranked = candidates.map((candidate, i) => Object.assign(candidate, { logit: logits[i]!, probability: shares[i]! }));
      return ranked.sort((a, b) => b.logit - a.logit || a.start - b.start);
    },
  };
}
