import { logit, sigmoid, type LinearModel } from '../ranking/linear.js';
import type { RankedSpan, RankingQuery } from '../ranking/ranker.js';
import { featureVector, SPAN_FEATURES, type SpanFeatureName } from '../ranking/spans.js';

/** How sure Tether is: it answers, it shows passages that may answer, or it says the sources do not cover the question. */
export type Confidence = 'answer' | 'unsure' | 'none';

/** What the decision stage concluded, and from what: travels with the answer (`--json --explain`, logs). */
export interface Decision {
  confidence: Confidence;
  /** Calibrated probability that the best quote holds the answer: from `thresholds.answer` Tether answers. */
  probability: number;
  /** Probability that the sources hold an answer at all, whichever quote says it: below `thresholds.unsure` they are said not to cover the question. */
  answerable: number;
  thresholds: DecisionThresholds;
  /** The decision's inputs by name. */
  evidence: Record<string, number>;
}

/** Probabilities from which Tether answers (of the best quote being right), or shows passages as "may answer it" (of the sources holding an answer). */
export interface DecisionThresholds {
  answer: number;
  unsure: number;
}

/** Whether the best quote is in the question's language or another: answers across languages are right less often, so they have thresholds of their own. */
export type LanguagePair = 'same' | 'cross';

/**
 * The calibrated decision: a logistic regression over DECISION_FEATURES of whether the best quote is
 * right, a second one of whether the sources hold an answer at all (`answerable`), and thresholds
 * per language pair. Refusing outright is a question of the second: an answerable question whose
 * best quote is wrong still has its answer somewhere near, an unrelated one has none.
 */
export interface DecisionModel extends LinearModel {
  answerable: LinearModel;
  thresholds: Record<LanguagePair, DecisionThresholds>;
}

/** Stage 3 of the answer path: answer, unsure or refuse, from the ranked spans. */
export interface AnswerDecider {
  decide(query: RankingQuery, ranked: RankedSpan[]): Decision;
}

/**
 * Span features only the ranker reads. `leadCoverage` credits a sentence with its paragraph's
 * subject: it tells which sentence of a paragraph answers, not whether the paragraph does.
 */
const RANKER_ONLY: readonly SpanFeatureName[] = ['leadCoverage'];
const DECISION_SPAN_FEATURES = SPAN_FEATURES.filter((name) => !RANKER_ONLY.includes(name));
const DECISION_SPAN_INDEXES = DECISION_SPAN_FEATURES.map((name) => SPAN_FEATURES.indexOf(name));

/** The decision's inputs: the best span's features, the ranker's score (logit) for it, its lead over the next span and over the best span of another paragraph in its language. */
export const DECISION_FEATURES = [...DECISION_SPAN_FEATURES, 'topLogit', 'margin', 'agreement', 'crossTopLogit', 'crossCoverage', 'paragraphMargin'] as const;

const CROSS_LANGUAGE = SPAN_FEATURES.indexOf('crossLanguage');
const COVERAGE = SPAN_FEATURES.indexOf('coverage');
const DECISION_CROSS_LANGUAGE = DECISION_FEATURES.indexOf('crossLanguage');

/** The language pair of a decision vector's best span. */
export function languagePair(x: readonly number[]): LanguagePair {
  return x[DECISION_CROSS_LANGUAGE] === 1 ? 'cross' : 'same';
}

/** What the decision reads of a ranked span: its features, its log-odds and where it lies (article and paragraph). */
export interface DecisionSpan {
  vector: number[];
  logit: number;
  place: string;
}

/** The decision's view of a ranked span. */
export function decisionSpan(span: RankedSpan): DecisionSpan {
  return { vector: featureVector(span.features), logit: span.logit, place: `${span.article.id}#${span.paragraph}` };
}

/**
 * The spans the decision reads of a ranked list (best first), as `view` shows them: the first five
 * and, when none of them is a rival of the best (`isRival`), the first rival after them.
 */
export function decisionSpans<T>(ranked: readonly T[], view: (span: T) => DecisionSpan): DecisionSpan[] {
  const spans = ranked.slice(0, 5).map(view);
  const best = spans[0];
  if (best && !spans.some((span) => isRival(best, span))) {
    for (let i = 5; i < ranked.length; i += 1) {
      const span = view(ranked[i]!);
      if (isRival(best, span)) {
        spans.push(span);
        break;
      }
    }
  }
  return spans;
}

/**
 * A span of another paragraph in the best span's language. A paragraph in the other language may
 * tell the same thing (two articles of one story, a translation): no rival then.
 */
function isRival(best: DecisionSpan, span: DecisionSpan): boolean {
  return span.place !== best.place && span.vector[CROSS_LANGUAGE] === best.vector[CROSS_LANGUAGE];
}

/** The decision's feature vector for the spans `decisionSpans` picks of a ranked list (empty list: undefined). */
export function decisionVector(ranked: DecisionSpan[]): number[] | undefined {
  const [best, second] = ranked;
  if (!best) return undefined;
  const lead = (span: DecisionSpan | undefined) => Math.min(5, best.logit - (span?.logit ?? best.logit - 5));
  // How many of the next four spans lie in the best one's paragraph: evidence that piles up in one place.
  const agreement = ranked.slice(1, 5).filter((span) => span.place === best.place).length / 4;
  const cross = best.vector[CROSS_LANGUAGE]!;
  // How far the best paragraph stands out: its rival is the best span of another paragraph in its language, not its own next sentence.
  const paragraphMargin = lead(ranked.find((span) => isRival(best, span)));
  return [...DECISION_SPAN_INDEXES.map((index) => best.vector[index]!), best.logit, lead(second), agreement, cross * best.logit, cross * best.vector[COVERAGE]!, paragraphMargin];
}

/** The decision's two probabilities for a decision vector: the best quote right, and the sources answering at all. */
export function decisionProbabilities(model: Pick<DecisionModel, 'answerable'> & LinearModel, x: readonly number[]): { probability: number; answerable: number } {
  return { probability: sigmoid(logit(model, x)), answerable: sigmoid(logit(model.answerable, x)) };
}

/** What the two probabilities say under a language pair's thresholds (the rule `npm run train` measures the thresholds by, too). */
export function confidenceOf(probability: number, answerable: number, thresholds: DecisionThresholds): Confidence {
  return probability >= thresholds.answer ? 'answer' : answerable >= thresholds.unsure ? 'unsure' : 'none';
}

/**
 * Decides by the calibrated probability that the best span answers the question, and refuses
 * outright by the probability that the sources answer it at all: thresholds set by `npm run train`
 * on several hundred training questions so that an answer shown is right at least 90% of the time,
 * and an answerable question is rarely refused outright.
 */
export function createCalibratedDecider(model: DecisionModel): AnswerDecider {
  return {
    decide(_query, ranked) {
      const x = decisionVector(decisionSpans(ranked, decisionSpan));
      const { probability, answerable } = x ? decisionProbabilities(model, x) : { probability: 0, answerable: 0 };
      const thresholds = model.thresholds[x ? languagePair(x) : 'same'];
      const confidence = confidenceOf(probability, answerable, thresholds);
      const evidence = x ? Object.fromEntries(DECISION_FEATURES.map((name, i) => [name, round(x[i]!)])) : {};
      return { confidence, probability: round(probability), answerable: round(answerable), thresholds, evidence };
    },
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
