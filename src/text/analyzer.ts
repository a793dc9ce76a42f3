import { growingCache } from '../cache.js';
import { extractConcepts, extractFeatures, flattenConcepts, type Concept, type FeatureBag } from './features.js';
import type { Lexicon } from './lexicon.js';
import { createPhoneticMatcher } from './phonetic.js';

/** In how many indexed chunks each feature occurs: counted at build, read from the lexical store after. */
export interface DocumentFrequencies {
  /** The count, undefined for a feature no chunk has. */
  get(feature: string): number | undefined;
  has(feature: string): boolean;
  /** Every feature of the corpus that starts with `prefix`. */
  startingWith(prefix: string): string[];
}

/** Document frequencies of features over the indexed chunks: what the analyzer learns of a corpus. */
export interface FeatureStats {
  documents: number;
  documentFrequency: DocumentFrequencies;
}

/** Document frequencies counted in memory, as the build does. */
export class FeatureCounts extends Map<string, number> implements DocumentFrequencies {
  startingWith(prefix: string): string[] {
    return [...this.keys()].filter((feature) => feature.startsWith(prefix));
  }
}

/** Counts in how many bags each feature occurs. */
export function computeFeatureStats(bags: FeatureBag[]): { documents: number; documentFrequency: FeatureCounts } {
  const documentFrequency = new FeatureCounts();
  for (const bag of bags) for (const feature of bag.keys()) documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
  return { documents: bags.length, documentFrequency };
}

/** The IDF of a feature no document has: the highest there is. */
export function unseenInverseDocumentFrequency(stats: FeatureStats): number {
  return Math.log(1 + (stats.documents + 0.5) / 0.5);
}

/** Inverse document frequency (BM25's, always positive); unseen features get the rarest value. */
export function inverseDocumentFrequency(stats: FeatureStats, feature: string): number {
  const df = stats.documentFrequency.get(feature) ?? 0;
  return Math.log(1 + (stats.documents - df + 0.5) / (df + 0.5));
}

/** No statistics yet: for reading a corpus's documents before its statistics exist. */
export const NO_STATS: FeatureStats = { documents: 0, documentFrequency: new FeatureCounts() };

/** A vocabulary of English words, for telling a misspelt question word from a rare one (the word vectors' tables). */
export interface EnglishVocabulary {
  knowsEnglishWord(lower: string): boolean;
}

/**
 * The text analyzer of a corpus: the bilingual lexicon and the corpus's feature statistics, and
 * the features and concepts of passages and questions read with them. Every retriever, the
 * ranker and the answerers read text through it; the embedders turn its features into vectors.
 */
export class TextAnalyzer {
  readonly lexicon: Lexicon;
  readonly stats: FeatureStats;
  private lastQuery: { text: string; concepts: Concept[] } | undefined;
  private readonly passages = growingCache<string, Concept[]>(2_000);

  /** `vocabulary` is asked for when a question needs it: an index build makes it after the analyzer. */
  constructor(options: { lexicon: Lexicon; stats: FeatureStats; vocabulary?: () => EnglishVocabulary | undefined }) {
    this.lexicon = bindToCorpus(options.lexicon, options.stats, options.vocabulary);
    this.stats = options.stats;
  }

  /**
   * Concepts of a passage of the corpus (a quote, a clause of one), shared: callers only read them.
   * The answers of one corpus quote the same passages again and again, so their readings are kept
   * (bounded).
   */
  passageConcepts(text: string): readonly Concept[] {
    let concepts = this.passages.get(text);
    if (!concepts) {
      concepts = extractConcepts(text, this.lexicon, { namesNeedCapitals: true });
      this.passages.set(text, concepts);
    }
    return concepts;
  }

  /** Features of a passage (romanised names only when capitalised). */
  documentFeatures(text: string): FeatureBag {
    return extractFeatures(text, this.lexicon, { namesNeedCapitals: true });
  }

  /** Features of a question. */
  queryFeatures(text: string): FeatureBag {
    return flattenConcepts(this.queryConcepts(text));
  }

  /**
   * Concepts of a question (users type names in lower case too; synonyms count weakly). The last
   * question's are kept: both retrievers and the quote ranking read the same question.
   */
  queryConcepts(text: string): Concept[] {
    if (this.lastQuery?.text !== text) {
      this.lastQuery = { text, concepts: extractConcepts(text, this.lexicon, { namesNeedCapitals: false, expandSynonyms: true }) };
    }
    return this.lastQuery.concepts;
  }
}

/**
 * The lexicon with what only the corpus can tell: which features it has, and which of its names
 * sound like a name of the other script (for questions: Lefevre finds 勒费弗); and, when given,
 * which English words exist at all.
 */
function bindToCorpus(lexicon: Lexicon, stats: FeatureStats, vocabulary: (() => EnglishVocabulary | undefined) | undefined): Lexicon {
  let matcher: ((key: string) => Array<[string, number]>) | undefined;
  return {
    ...lexicon,
    knows: (feature) => stats.documentFrequency.has(feature),
    inVocabulary: (lower) => vocabulary?.()?.knowsEnglishWord(lower),
    phoneticMatches(key) {
      matcher ??= createPhoneticMatcher(stats.documentFrequency.startingWith('ph'));
      return matcher(key);
    },
  };
}
