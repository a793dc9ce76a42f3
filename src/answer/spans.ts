import type { Article, Chunk } from '../corpus/types.js';
import { inverseDocumentFrequency, type LocalEmbeddings } from '../embeddings/local.js';
import type { Concept } from '../text/features.js';
import { extractConcepts, flattenConcepts } from '../text/features.js';
import type { AnswerKind } from './question.js';

/** A candidate quote: one sentence or a few consecutive ones of a retrieved chunk. */
export interface ScoredSpan {
  article: Article;
  start: number;
  end: number;
  paragraph: number;
  sentenceIndexes: number[];
  /** IDF-weighted share of the question's concepts the span expresses, 0..1. */
  coverage: number;
  score: number;
}

/** A question's concepts with their importance, ready to be matched against spans. */
export interface WeightedQuestion {
  concepts: Array<{ concept: Concept; weight: number }>;
  total: number;
  kind: AnswerKind;
}

const CONTEXT_WEIGHT = 0.4;
const KIND_BONUS = 0.08;
const RANK_PRIOR = 0.06;

/** Weighs a question's concepts (and those of the previous turn, less) by IDF over the corpus. */
export function weighQuestion(featurizer: LocalEmbeddings, question: string, kind: AnswerKind, context?: string): WeightedQuestion {
  const maxIdf = inverseDocumentFrequency(featurizer.stats, '\u0000unseen');
  const byKey = new Map<string, { concept: Concept; weight: number }>();
  const add = (concepts: Concept[], scale: number) => {
    for (const concept of concepts) {
      if (concept.phrase) continue;
      const [primary] = concept.alternatives.keys();
      if (primary === undefined) continue;
      const seen = [...concept.alternatives.keys()].filter((feature) => featurizer.stats.documentFrequency.has(feature));
      const idf = featurizer.stats.documentFrequency.has(primary)
        ? inverseDocumentFrequency(featurizer.stats, primary)
        : seen.length > 0
          ? Math.max(...seen.map((feature) => inverseDocumentFrequency(featurizer.stats, feature)))
          : maxIdf;
      const weight = concept.weight * idf * scale;
      const existing = byKey.get(primary);
      if (!existing || existing.weight < weight) byKey.set(primary, { concept, weight });
    }
  };
  add(extractConcepts(question, featurizer.lexicon, { namesNeedCapitals: false }), 1);
  if (context) add(extractConcepts(context, featurizer.lexicon, { namesNeedCapitals: false }), CONTEXT_WEIGHT);
  const concepts = [...byKey.values()];
  return { concepts, total: concepts.reduce((sum, c) => sum + c.weight, 0), kind };
}

/** Features of each sentence, computed once per index and kept. */
export class SentenceFeatureCache {
  private readonly cache = new Map<string, Set<string>>();
  constructor(private readonly featurizer: LocalEmbeddings) {}

  /** The set of features of an article's sentence. */
  get(article: Article, index: number): Set<string> {
    const key = `${article.id}:${index}`;
    let features = this.cache.get(key);
    if (!features) {
      const sentence = article.sentences[index]!;
      const concepts = extractConcepts(article.text.slice(sentence.start, sentence.end), this.featurizer.lexicon, { namesNeedCapitals: true });
      features = new Set(flattenConcepts(concepts).keys());
      this.cache.set(key, features);
    }
    return features;
  }
}

/** How much of the question a set of features expresses: IDF-weighted, best alternative per concept. */
export function coverageOf(question: WeightedQuestion, features: ReadonlySet<string>): number {
  if (question.total === 0) return 0;
  let matched = 0;
  for (const { concept, weight } of question.concepts) {
    let best = 0;
    for (const [feature, strength] of concept.alternatives) if (strength > best && features.has(feature)) best = strength;
    matched += weight * Math.min(1, best);
  }
  return matched / question.total;
}

function hasKind(features: ReadonlySet<string>, kind: AnswerKind): boolean {
  if (kind === 'any') return false;
  for (const feature of features) {
    if (kind === 'number' && /^(?:n|p):/.test(feature)) return true;
    if (kind === 'date' && /^(?:d|m|y|ym):/.test(feature)) return true;
    if (kind === 'person' && feature.startsWith('py:')) return true;
  }
  return false;
}

/**
 * Scores every sentence, and every pair of consecutive sentences, of the retrieved chunks (best
 * chunk first) and returns them best first. A pair must add to what its better sentence covers.
 */
export function rankSpans(
  question: WeightedQuestion,
  chunks: Array<{ chunk: Chunk; article: Article }>,
  cache: SentenceFeatureCache,
): ScoredSpan[] {
  const spans = new Map<string, ScoredSpan>();
  chunks.forEach(({ chunk, article }, rank) => {
    const prior = RANK_PRIOR * (1 - rank / Math.max(1, chunks.length));
    const indexes = chunk.sentenceIndexes;
    const single = indexes.map((index) => cache.get(article, index));
    for (let i = 0; i < indexes.length; i += 1) {
      for (let length = 1; length <= 2 && i + length <= indexes.length; length += 1) {
        const sentenceIndexes = indexes.slice(i, i + length);
        const features = length === 1 ? single[i]! : new Set([...single[i]!, ...single[i + 1]!]);
        const coverage = coverageOf(question, features);
        if (length === 2) {
          const alone = Math.max(coverageOf(question, single[i]!), coverageOf(question, single[i + 1]!));
          if (coverage < alone + 0.1) continue;
        }
        const first = article.sentences[sentenceIndexes[0]!]!;
        const last = article.sentences[sentenceIndexes.at(-1)!]!;
        const text = article.text.slice(first.start, last.end);
        // Headings and bylines are short and unpunctuated: rarely an answer on their own.
        const fragment = text.length < 25 && !/[.!?。！？”"]$/u.test(text) ? 0.6 : 1;
        const score = (coverage + (hasKind(features, question.kind) ? KIND_BONUS : 0) + prior) * fragment - (length - 1) * 0.03;
        const key = `${article.id}:${first.start}-${last.end}`;
        const existing = spans.get(key);
        if (!existing || existing.score < score) {
          spans.set(key, { article, start: first.start, end: last.end, paragraph: first.paragraph, sentenceIndexes, coverage, score });
        }
      }
    }
  });
  return [...spans.values()].sort((a, b) => b.score - a.score);
}

/** The best spans that share no sentence, in order. */
export function pickDisjoint(spans: ScoredSpan[], count: number): ScoredSpan[] {
  const picked: ScoredSpan[] = [];
  const used = new Set<string>();
  for (const span of spans) {
    if (picked.length >= count) break;
    const keys = span.sentenceIndexes.map((index) => `${span.article.id}:${index}`);
    if (keys.some((key) => used.has(key))) continue;
    keys.forEach((key) => used.add(key));
    picked.push(span);
  }
  return picked;
}
