import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { extractConcepts, extractFeatures, FEATURE_WEIGHTS, flattenConcepts, type Concept, type FeatureBag } from '../text/features.js';
import type { Lexicon } from '../text/lexicon.js';
import { createPhoneticMatcher } from '../text/phonetic.js';

/** Document frequencies of features over the indexed chunks: the embedder's learned state. */
export interface FeatureStats {
  documents: number;
  documentFrequency: Map<string, number>;
}

/** Identity of an embedder as recorded in the index manifest: a change means a rebuild. */
export interface EmbedderIdentity {
  name: string;
  [parameter: string]: unknown;
}

/** Name and version of the built-in embedder; bump the version when vectors change meaning. */
export const LOCAL_EMBEDDER_NAME = 'tether-local-bilingual';
const LOCAL_EMBEDDER_VERSION = 5;

/** The identity of the built-in embedder with vectors of a given length (the manifest records it). */
export function localEmbedderIdentity(dimensions = DEFAULT_DIMENSIONS): EmbedderIdentity {
  return { name: LOCAL_EMBEDDER_NAME, version: LOCAL_EMBEDDER_VERSION, dimensions, weights: FEATURE_WEIGHTS };
}

const DEFAULT_DIMENSIONS = 1024;

/** Counts in how many bags each feature occurs. */
export function computeFeatureStats(bags: FeatureBag[]): FeatureStats {
  const documentFrequency = new Map<string, number>();
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

export interface LocalEmbeddingsOptions extends EmbeddingsParams {
  lexicon: Lexicon;
  stats: FeatureStats;
  /** Length of the vectors. */
  dimensions?: number;
}

/**
 * An offline embedder for English, Traditional and Simplified Chinese: the bilingual features of
 * `extractFeatures` (dictionary glosses, pinyin names, numeric anchors), weighted by sublinear term
 * frequency times IDF, feature-hashed with random signs into a fixed-size vector and L2-normalised.
 * Deterministic, no download, and an English question lands near the Chinese passage that answers it.
 */
export class LocalEmbeddings extends Embeddings {
  readonly lexicon: Lexicon;
  readonly stats: FeatureStats;
  readonly dimensions: number;
  private lastQuery: { text: string; concepts: Concept[] } | undefined;

  constructor(options: LocalEmbeddingsOptions) {
    super(options);
    this.lexicon = bindToCorpus(options.lexicon, options.stats);
    this.stats = options.stats;
    this.dimensions = options.dimensions ?? DEFAULT_DIMENSIONS;
  }

  /** What the manifest records: vectors from a different identity are not comparable. */
  identity(): EmbedderIdentity {
    return localEmbedderIdentity(this.dimensions);
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

  override async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.vectorise(this.documentFeatures(text)));
  }

  override async embedQuery(text: string): Promise<number[]> {
    return this.vectorise(this.queryFeatures(text));
  }

  /** The vector of a feature bag; features never seen in the corpus are left out. */
  vectorise(bag: FeatureBag): number[] {
    const vector = new Array<number>(this.dimensions).fill(0);
    for (const [feature, weight] of bag) {
      if (!this.stats.documentFrequency.has(feature)) continue;
      const hash = fnv1a(feature);
      const tf = weight > 1 ? 1 + Math.log(weight) : weight;
      const sign = hash & 0x80000000 ? -1 : 1;
      vector[hash % this.dimensions]! += sign * tf * inverseDocumentFrequency(this.stats, feature);
    }
    const norm = Math.hypot(...vector);
    return norm === 0 ? vector : vector.map((value) => value / norm);
  }
}

/**
 * The lexicon with what only the corpus can tell: which features it has, and which of its names
 * sound like a name of the other script (for questions: Lefevre finds 勒费弗).
 */
function bindToCorpus(lexicon: Lexicon, stats: FeatureStats): Lexicon {
  let matcher: ((key: string) => Array<[string, number]>) | undefined;
  return {
    ...lexicon,
    knows: (feature) => stats.documentFrequency.has(feature),
    phoneticMatches(key) {
      matcher ??= createPhoneticMatcher([...stats.documentFrequency.keys()].filter((feature) => feature.startsWith('ph')));
      return matcher(key);
    },
  };
}

/** 32-bit FNV-1a: fast, stable across runs and platforms. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
