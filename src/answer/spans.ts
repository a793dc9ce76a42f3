import type { Article, Chunk } from '../corpus/types.js';
import { inverseDocumentFrequency, unseenInverseDocumentFrequency, type LocalEmbeddings } from '../embeddings/local.js';
import type { Concept } from '../text/features.js';
import { extractConcepts, flattenConcepts } from '../text/features.js';
import { toSimplified } from '../text/script.js';
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
  /** Coverage of the span with the sentences it answers from (for "why": the statement before it). */
  evidence: number;
  /** Whether every name, acronym and number of the question appears in the span's paragraph. */
  entitiesMatched: boolean;
  /** Whether the span holds what the question asks for: a number for "how much", a date for "when". */
  answersKind: boolean;
  score: number;
}

/** A question's concepts with their importance, ready to be matched against spans. */
export interface WeightedQuestion {
  concepts: Array<{ concept: Concept; weight: number }>;
  total: number;
  /** Share of the weight on concepts the corpus never expresses in any form. */
  unknownShare: number;
  kind: AnswerKind;
}

const CONTEXT_WEIGHT = 0.4;
const KIND_BONUS = 0.08;
const RANK_PRIOR = 0.2;
const ENTITY_PENALTY = 0.15;

/** Weighs a question's concepts (and those of the previous turn, less) by IDF over the corpus. */
export function weighQuestion(featurizer: LocalEmbeddings, question: string, kind: AnswerKind, context?: string): WeightedQuestion {
  const maxIdf = unseenInverseDocumentFrequency(featurizer.stats);
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
  add(featurizer.queryConcepts(question), 1);
  if (context) add(extractConcepts(context, featurizer.lexicon, { namesNeedCapitals: false, expandSynonyms: true }), CONTEXT_WEIGHT);
  const concepts = [...byKey.values()];
  const total = concepts.reduce((sum, c) => sum + c.weight, 0);
  const unknown = concepts
    .filter(({ concept }) => ![...concept.alternatives.keys()].some((feature) => featurizer.stats.documentFrequency.has(feature)))
    .reduce((sum, c) => sum + c.weight, 0);
  return { concepts, total, unknownShare: total === 0 ? 1 : unknown / total, kind };
}

/** Features of each sentence, computed once per index and kept. */
export class SentenceFeatureCache {
  private readonly cache = new Map<string, { features: Set<string>; givesReason: boolean }>();
  constructor(private readonly featurizer: LocalEmbeddings) {}

  private entry(article: Article, index: number) {
    const key = `${article.id}:${index}`;
    let entry = this.cache.get(key);
    if (!entry) {
      const sentence = article.sentences[index]!;
      const text = article.text.slice(sentence.start, sentence.end);
      const concepts = extractConcepts(text, this.featurizer.lexicon, { namesNeedCapitals: true });
      entry = { features: new Set(flattenConcepts(concepts).keys()), givesReason: REASON_CUE.test(toSimplified(text)) };
      this.cache.set(key, entry);
    }
    return entry;
  }

  /** The set of features of an article's sentence. */
  get(article: Article, index: number): Set<string> {
    return this.entry(article, index).features;
  }

  /** Whether a sentence states a cause or a reason ("because", 導致). */
  givesReason(article: Article, index: number): boolean {
    return this.entry(article, index).givesReason;
  }
}

// Words that mark a cause or an explanation, in English and (Simplified) Chinese.
const REASON_CUE =
  /\b(?:because|since|due to|owing to|as a result|therefore|thus|hence|so that|lead to|led to|leads to|caus(?:e|ed|es)|reasons?|result(?:s|ed)? in|explain(?:s|ed)?|driven by|difficult|hard to)\b|因为|由于|导致|所以|因此|原因|源于|使得|造成|解释|意味着|在于|难以/iu;

/**
 * How much of the question a set of features expresses: IDF-weighted, best alternative per
 * concept. With `asWrittenIn: 'en'` each concept counts against the best it could do in English
 * text, where a Chinese word can only be met through a gloss or a pinyin key: a perfect
 * cross-language match then scores as high as a same-language one.
 */
export function coverageOf(question: WeightedQuestion, features: ReadonlySet<string>, asWrittenIn?: 'en'): number {
  let matched = 0;
  let total = 0;
  for (const { concept, weight } of question.concepts) {
    let best = 0;
    let reachable = 0;
    for (const [feature, strength] of concept.alternatives) {
      if (strength > best && features.has(feature)) best = strength;
      if (asWrittenIn !== 'en' || !/^z[hb]:/.test(feature)) reachable = Math.max(reachable, strength);
    }
    if (asWrittenIn !== 'en') reachable = 1;
    if (reachable === 0) continue;
    matched += weight * Math.min(1, best / reachable);
    total += weight;
  }
  return total === 0 ? 0 : matched / total;
}

/**
 * True when every entity concept of the question (name, acronym, number) is among the features.
 * Even the corpus's own subject (Alibaba) counts: a passage that does not name it may be about
 * another company's costs, and saying "not covered" is the safer mistake.
 */
export function entitiesIn(question: WeightedQuestion, features: ReadonlySet<string>): boolean {
  return question.concepts.every(({ concept }) => !concept.entityKeys || [...concept.entityKeys].some((feature) => features.has(feature)));
}

function hasKind(features: ReadonlySet<string>, kind: AnswerKind): boolean {
  if (kind === 'any') return false;
  for (const feature of features) {
    if (kind === 'number' && /^(?:n|p):/.test(feature)) return true;
    if (kind === 'date' && /^(?:d|m|y|ym|t):/.test(feature)) return true;
    if (kind === 'person' && feature.startsWith('py:')) return true;
  }
  return false;
}

/**
 * Scores every sentence, and every pair of consecutive sentences, of the retrieved chunks (best
 * chunk first) and returns them best first. A pair must add to what its better sentence covers.
 * For a "why" question the sentences after a matching one are candidates too: an explanation
 * usually follows the statement it explains, and a sentence that gives a reason is preferred.
 */
export function rankSpans(
  question: WeightedQuestion,
  chunks: Array<{ chunk: Chunk; article: Article }>,
  cache: SentenceFeatureCache,
): ScoredSpan[] {
  const wantsReason = question.kind === 'reason';
  const coverageMemo = new Map<string, number>();
  const sentenceCoverage = (article: Article, index: number): number => {
    const key = `${article.id}:${index}`;
    let value = coverageMemo.get(key);
    if (value === undefined) {
      value = index >= 0 && index < article.sentences.length ? coverageOf(question, cache.get(article, index)) : 0;
      coverageMemo.set(key, value);
    }
    return value;
  };

  const paragraphMemo = new Map<string, Set<string>>();
  const paragraphFeatures = (article: Article, paragraph: number): Set<string> => {
    const key = `${article.id}:${paragraph}`;
    let features = paragraphMemo.get(key);
    if (!features) {
      features = new Set<string>();
      article.sentences.forEach((sentence, index) => {
        if (sentence.paragraph === paragraph) for (const feature of cache.get(article, index)) features!.add(feature);
      });
      paragraphMemo.set(key, features);
    }
    return features;
  };

  const candidates = new Map<string, { article: Article; indexes: number[]; rank: number }>();
  const addCandidate = (article: Article, indexes: number[], rank: number) => {
    const key = `${article.id}:${indexes.join(',')}`;
    if (!candidates.has(key)) candidates.set(key, { article, indexes, rank });
  };
  chunks.forEach(({ chunk, article }, rank) => {
    const indexes = chunk.sentenceIndexes;
    indexes.forEach((index, i) => {
      addCandidate(article, [index], rank);
      if (i + 1 < indexes.length) addCandidate(article, [index, indexes[i + 1]!], rank);
      if (wantsReason) {
        for (let next = index + 1; next <= index + 3 && next < article.sentences.length; next += 1) addCandidate(article, [next], rank);
      }
    });
  });

  const spans: ScoredSpan[] = [];
  for (const { article, indexes, rank } of candidates.values()) {
    const features = indexes.length === 1 ? cache.get(article, indexes[0]!) : new Set(indexes.flatMap((index) => [...cache.get(article, index)]));
    const coverage = coverageOf(question, features);
    if (indexes.length > 1 && coverage < Math.max(...indexes.map((index) => sentenceCoverage(article, index))) + 0.1) continue;

    const first = article.sentences[indexes[0]!]!;
    const last = article.sentences[indexes.at(-1)!]!;
    let relevance = coverage;
    // Whether to answer is judged against what the span's language could express.
    const writtenIn = article.meta.lang === 'en' ? ('en' as const) : undefined;
    let evidence = writtenIn ? coverageOf(question, features, writtenIn) : coverage;
    if (wantsReason) {
      const givesReason = indexes.some((index) => cache.givesReason(article, index));
      const samePrevious = (back: number) => (article.sentences[indexes[0]! - back]?.paragraph === first.paragraph ? sentenceCoverage(article, indexes[0]! - back) : 0);
      const inherited = Math.max(sentenceCoverage(article, indexes[0]! - 1), 0.7 * samePrevious(2), 0.5 * samePrevious(3));
      relevance = coverage * (givesReason ? 1 : 0.7) + 0.7 * inherited + (givesReason ? 0.1 : 0);
      const before = indexes[0]! - 1;
      if (before >= 0) evidence = coverageOf(question, new Set([...features, ...cache.get(article, before)]), writtenIn);
    }
    const text = article.text.slice(first.start, last.end);
    // Headings and bylines are short and unpunctuated: rarely an answer on their own.
    const fragment = text.length < 25 && !/[.!?。！？”"]$/u.test(text) ? 0.6 : 1;
    const prior = RANK_PRIOR / Math.sqrt(1 + rank);
    const answersKind = hasKind(features, question.kind);
    const entitiesMatched = entitiesIn(question, paragraphFeatures(article, first.paragraph));
    // A passage that never names what the question names (a person, a figure) answers something else.
    const score =
      (relevance + (answersKind ? KIND_BONUS : 0) + prior) * fragment - (indexes.length - 1) * 0.03 - (entitiesMatched ? 0 : ENTITY_PENALTY);
    spans.push({
      article,
      start: first.start,
      end: last.end,
      paragraph: first.paragraph,
      sentenceIndexes: indexes,
      coverage,
      evidence,
      entitiesMatched,
      answersKind,
      score,
    });
  }
  return spans.sort((a, b) => b.score - a.score);
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
