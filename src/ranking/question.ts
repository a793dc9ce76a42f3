import { inverseDocumentFrequency, unseenInverseDocumentFrequency, type TextAnalyzer } from '../text/analyzer.js';
import { answerFocus, type AnswerKind } from '../text/question-kind.js';
import { extractConcepts, FEATURE_WEIGHTS, type Concept } from '../text/features.js';
import { isFigure } from './sentences.js';

/** A question's concepts with their importance, ready to be matched against spans. */
export interface WeightedQuestion {
  concepts: Array<{ concept: Concept; weight: number }>;
  total: number;
  /** Share of the weight on concepts the corpus never expresses in any form. */
  unknownShare: number;
  kind: AnswerKind;
  /** Which of `concepts` names what the answer is ("大学" in "哪个大学"), when the question says it. */
  focus?: number | undefined;
  /** The concepts' features no chunk of the corpus has: no sentence of it can either, so matching skips them. */
  unseen?: ReadonlySet<string>;
}

/** What matching needs of a set of features: membership. A span of several sentences is their sets side by side, never copied. */
export interface FeatureLookup {
  has(feature: string): boolean;
}

/** How a question's weight is met by a set of features: in all, and by the kind of match. */
export interface MatchProfile {
  /** IDF-weighted share of the question expressed, 0..1 (best alternative per concept). */
  coverage: number;
  /** Shares met by the word itself (or a part of it), by a dictionary gloss or synonym, and by a pinyin key. */
  direct: number;
  gloss: number;
  name: number;
  /** Share of the weight on names, acronyms and numbers that is met (1 when the question has none). */
  entities: number;
  /** How well the question's focus concept is met, 0..1 (1 when the question names no focus). */
  focus: number;
}

/** Weight of the previous turn's concepts in a follow-up. */
const CONTEXT_WEIGHT = 0.4;

// Each analyzer's last weighing: ranking and the short answer weigh the same question.
const lastWeighed = new WeakMap<TextAnalyzer, { question: string; kind: AnswerKind; context: string | undefined; weighted: WeightedQuestion }>();

/** Weighs a question's concepts (and those of the previous turn, less) by IDF over the corpus (the last one is remembered). */
export function weighQuestion(analyzer: TextAnalyzer, question: string, kind: AnswerKind, context?: string): WeightedQuestion {
  const last = lastWeighed.get(analyzer);
  if (last && last.question === question && last.kind === kind && last.context === context) return last.weighted;
  const weighted = weigh(analyzer, question, kind, context);
  lastWeighed.set(analyzer, { question, kind, context, weighted });
  return weighted;
}

function weigh(analyzer: TextAnalyzer, question: string, kind: AnswerKind, context: string | undefined): WeightedQuestion {
  const { stats } = analyzer;
  const maxIdf = unseenInverseDocumentFrequency(stats);
  // Each feature's presence in the corpus is looked up once: the document frequencies sit behind a cache of the store.
  const inCorpus = new Map<string, boolean>();
  const seenInCorpus = (feature: string) => {
    let seen = inCorpus.get(feature);
    if (seen === undefined) {
      seen = stats.documentFrequency.has(feature);
      inCorpus.set(feature, seen);
    }
    return seen;
  };
  const byKey = new Map<string, { concept: Concept; weight: number }>();
  const add = (concepts: Concept[], scale: number) => {
    for (const concept of concepts) {
      if (concept.phrase) continue;
      const [primary] = concept.alternatives.keys();
      if (primary === undefined) continue;
      const seen = [...concept.alternatives.keys()].filter(seenInCorpus);
      const idf = seenInCorpus(primary)
        ? inverseDocumentFrequency(stats, primary)
        : seen.length > 0
          ? Math.max(...seen.map((feature) => inverseDocumentFrequency(stats, feature)))
          : maxIdf;
      const weight = concept.weight * idf * scale;
      const existing = byKey.get(primary);
      if (!existing || existing.weight < weight) byKey.set(primary, { concept, weight });
    }
  };
  add(analyzer.queryConcepts(question), 1);
  if (context) add(extractConcepts(context, analyzer.lexicon, { namesNeedCapitals: false, expandSynonyms: true }), CONTEXT_WEIGHT);
  const concepts = [...byKey.values()];
  const focus = focusOf(analyzer, question, concepts);
  const focused = focus === undefined ? undefined : concepts[focus];
  // The thing asked for is what a right answer must name, however common the word (大学, year):
  // it weighs at least as much as the question's average concept.
  if (focus !== undefined && focused) {
    const average = concepts.reduce((sum, c) => sum + c.weight, 0) / concepts.length;
    concepts[focus] = { ...focused, weight: Math.max(focused.weight, average) };
  }
  const total = concepts.reduce((sum, c) => sum + c.weight, 0);
  const unknown = concepts.filter(({ concept }) => ![...concept.alternatives.keys()].some(seenInCorpus)).reduce((sum, c) => sum + c.weight, 0);
  const unseen = new Set(concepts.flatMap(({ concept }) => [...concept.alternatives.keys(), ...(concept.entityKeys ?? [])]).filter((feature) => !seenInCorpus(feature)));
  return { concepts, total, unknownShare: total === 0 ? 1 : unknown / total, kind, focus, unseen };
}

/** The place among `concepts` of the one the question's answer focus makes (see `answerFocus`). */
function focusOf(analyzer: TextAnalyzer, question: string, concepts: WeightedQuestion['concepts']): number | undefined {
  const focus = answerFocus(question);
  if (!focus) return undefined;
  const [first] = extractConcepts(focus, analyzer.lexicon, { namesNeedCapitals: false, expandSynonyms: true }).filter((concept) => !concept.phrase);
  const [primary] = first?.alternatives.keys() ?? [];
  if (primary === undefined) return undefined;
  const at = concepts.findIndex(({ concept }) => concept.alternatives.has(primary));
  return at === -1 ? undefined : at;
}

/** A concept's alternatives as matching reads them, prepared once per question (a span reads them many times). */
interface PreparedConcept {
  weight: number;
  /** Per alternative: its place in the question's `keys`, strength and kind of match. */
  keys: number[];
  strengths: number[];
  kinds: Array<'direct' | 'gloss' | 'name'>;
  entityKeys: number[] | undefined;
  /** The best strength English text can reach (a Chinese word only through a gloss or pinyin key). */
  reachableInEnglish: number;
}

/** A question as matching reads it: every feature it looks for once, and its concepts as places in that list. */
interface PreparedQuestion {
  /** Undefined where the corpus lacks the feature. */
  keys: Array<string | undefined>;
  /** The place of each feature the corpus has. */
  places: ReadonlyMap<string, number>;
  concepts: PreparedConcept[];
}

/**
 * Which of a question's features a set of features holds, one byte per feature (see `presenceOf`).
 * A span is matched by its sentences' vectors together: a few hundred byte reads, not set lookups.
 */
export type FeaturePresence = Uint8Array;

const prepared = new WeakMap<WeightedQuestion, PreparedQuestion>();

function prepare(question: WeightedQuestion): PreparedQuestion {
  let done = prepared.get(question);
  if (!done) {
    const places = new Map<string, number>();
    const place = (feature: string) => {
      let at = places.get(feature);
      if (at === undefined) {
        at = places.size;
        places.set(feature, at);
      }
      return at;
    };
    const concepts = question.concepts.map(({ concept, weight }): PreparedConcept => {
      const entries = [...concept.alternatives];
      return {
        weight,
        keys: entries.map(([feature]) => place(feature)),
        strengths: entries.map(([, strength]) => strength),
        kinds: entries.map(([feature], i) => (i === 0 ? 'direct' : concept.glosses.has(feature) ? 'gloss' : feature.startsWith('py:') ? 'name' : 'direct')),
        entityKeys: concept.entityKeys && [...concept.entityKeys].map(place),
        reachableInEnglish: Math.max(0, ...entries.filter(([feature]) => !/^z[hb]:/.test(feature)).map(([, strength]) => strength)),
      };
    });
    // A feature no chunk has keeps its place (its presence stays 0) without being looked up.
    const keys = [...places.keys()].map((key) => (question.unseen?.has(key) ? undefined : key));
    for (const key of question.unseen ?? []) places.delete(key);
    done = { keys, places, concepts };
    prepared.set(question, done);
  }
  return done;
}

/** Which of the question's features a set of features holds. */
export function presenceOf(question: WeightedQuestion, features: FeatureLookup): FeaturePresence {
  const { keys, places } = prepare(question);
  const presence = new Uint8Array(keys.length);
  // From whichever side is smaller: a sentence's few dozen features, or the question's.
  if (features instanceof Set && features.size < places.size) {
    for (const feature of features as ReadonlySet<string>) {
      const at = places.get(feature);
      if (at !== undefined) presence[at] = 1;
    }
    return presence;
  }
  for (let k = 0; k < keys.length; k += 1) {
    const key = keys[k];
    if (key !== undefined && features.has(key)) presence[k] = 1;
  }
  return presence;
}

/**
 * How much of the question a set of features expresses (`matchProfile`): IDF-weighted, best
 * alternative per concept. With `asWrittenIn: 'en'` each concept counts against the best it could
 * do in English text, where a Chinese word can only be met through a gloss or a pinyin key: a
 * perfect cross-language match then scores as high as a same-language one.
 */
export function matchProfile(question: WeightedQuestion, features: FeatureLookup, asWrittenIn?: 'en'): MatchProfile {
  return profileOfPresence(question, [presenceOf(question, features)], asWrittenIn);
}

/** `matchProfile` of the union of sets known by their presence vectors (`presenceOf`): a span's sentences, never merged into a new one. */
export function profileOfPresence(question: WeightedQuestion, presences: readonly FeaturePresence[], asWrittenIn?: 'en'): MatchProfile {
  // Plain sums, no per-call objects but the result: spans are profiled several hundred times a question.
  let total = 0;
  let direct = 0;
  let gloss = 0;
  let name = 0;
  let entityTotal = 0;
  let entityMet = 0;
  let focus = question.focus === undefined ? 1 : 0;
  const { concepts } = prepare(question);
  for (let c = 0; c < concepts.length; c += 1) {
    const concept = concepts[c]!;
    const { weight, strengths, keys } = concept;
    let best = 0;
    let bestKind: 'direct' | 'gloss' | 'name' = 'direct';
    for (let i = 0; i < strengths.length; i += 1) {
      if (strengths[i]! > best && anyHolds(presences, keys[i]!)) {
        best = strengths[i]!;
        bestKind = concept.kinds[i]!;
      }
    }
    if (concept.entityKeys) {
      entityTotal += weight;
      for (const key of concept.entityKeys) {
        if (anyHolds(presences, key)) {
          entityMet += weight;
          break;
        }
      }
    }
    const reachable = asWrittenIn === 'en' ? concept.reachableInEnglish : 1;
    if (c === question.focus) focus = reachable === 0 ? 1 : Math.min(1, best / reachable);
    if (reachable === 0) continue;
    total += weight;
    if (best === 0) continue;
    const met = weight * Math.min(1, best / reachable);
    if (bestKind === 'direct') direct += met;
    else if (bestKind === 'gloss') gloss += met;
    else name += met;
  }
  return {
    coverage: total === 0 ? 0 : (direct + gloss + name) / total,
    direct: total === 0 ? 0 : direct / total,
    gloss: total === 0 ? 0 : gloss / total,
    name: total === 0 ? 0 : name / total,
    entities: entityTotal === 0 ? 1 : entityMet / entityTotal,
    focus,
  };
}

/**
 * For each of the question's concepts, the share of the given sentences (a question's candidate
 * sentences, each a presence vector) that meet it, by the strength of the best alternative met.
 */
export function conceptShares(question: WeightedQuestion, presences: readonly FeaturePresence[]): Float64Array {
  const { concepts } = prepare(question);
  const shares = new Float64Array(concepts.length);
  if (presences.length === 0) return shares;
  for (const presence of presences) {
    const one = [presence];
    for (let c = 0; c < concepts.length; c += 1) shares[c]! += bestStrength(concepts[c]!, one);
  }
  return shares.map((sum) => sum / presences.length);
}

/**
 * Coverage (`matchProfile`) with each concept weighed by how few candidate sentences meet it (1 −
 * its `conceptShares`, at least a twentieth): what tells a sentence from its neighbours. An article
 * about the Super Bowl says "Super Bowl" everywhere; the sentence that answers "who sang the
 * national anthem at the Super Bowl" is the one with the anthem.
 */
export function distinctiveCoverage(question: WeightedQuestion, presences: readonly FeaturePresence[], shares: Float64Array): number {
  const { concepts } = prepare(question);
  let total = 0;
  let met = 0;
  for (let c = 0; c < concepts.length; c += 1) {
    const weight = concepts[c]!.weight * Math.max(MIN_RARITY, 1 - shares[c]!);
    total += weight;
    met += weight * bestStrength(concepts[c]!, presences);
  }
  return total === 0 ? 0 : met / total;
}

const MIN_RARITY = 0.05;

/** The strength of a concept's best alternative the presences hold (0..1). */
function bestStrength(concept: PreparedConcept, presences: readonly FeaturePresence[]): number {
  let best = 0;
  for (let i = 0; i < concept.strengths.length; i += 1) {
    if (concept.strengths[i]! > best && anyHolds(presences, concept.keys[i]!)) best = concept.strengths[i]!;
  }
  return Math.min(1, best);
}

// A module function, not a closure per call: spans are profiled several hundred times a question.
function anyHolds(presences: readonly FeaturePresence[], key: number): boolean {
  for (const presence of presences) if (presence[key] === 1) return true;
  return false;
}

/** The share of the question's entities (names, numbers) a set of features holds: `matchProfile(…).entities` alone. */
export function entityShare(question: WeightedQuestion, features: FeatureLookup): number {
  const { keys, concepts } = prepare(question);
  let total = 0;
  let met = 0;
  for (const { weight, entityKeys } of concepts) {
    if (!entityKeys) continue;
    total += weight;
    if (entityKeys.some((key) => keys[key] !== undefined && features.has(keys[key]))) met += weight;
  }
  return total === 0 ? 1 : met / total;
}

/**
 * For a question asking how many of a named thing ("how many employees", 多少个部门): whether a
 * clause's features hold that thing and a figure the question does not give, as "3,000 employees"
 * does and "three CEOs …, employees sighed" does not. Undefined for other questions.
 */
export function figureOfAskedThing(question: WeightedQuestion): ((clause: ReadonlySet<string>) => boolean) | undefined {
  const focus = question.kind === 'number' && question.focus !== undefined ? question.concepts[question.focus] : undefined;
  if (!focus) return undefined;
  const keys = [...focus.concept.alternatives].filter(([, strength]) => strength >= FEATURE_WEIGHTS.variant).map(([key]) => key);
  const asked = new Set(question.concepts.flatMap(({ concept }) => [...concept.alternatives.keys()]));
  return (clause) => keys.some((key) => clause.has(key)) && [...clause].some((feature) => !asked.has(feature) && isFigure(feature, clause));
}
