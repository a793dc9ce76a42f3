import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { inverseDocumentFrequency, type TextAnalyzer } from '../text/analyzer.js';
import { FEATURE_WEIGHTS, type FeatureBag } from '../text/features.js';

/** Identity of an embedder as recorded in the index manifest: a change means a rebuild. */
export interface EmbedderIdentity {
  name: string;
  [parameter: string]: unknown;
}

/** Name and version of the built-in embedder; bump the version when vectors change meaning. */
export const LOCAL_EMBEDDER_NAME = 'tether-local-bilingual';
const LOCAL_EMBEDDER_VERSION = 7;

/** The identity of the built-in embedder with vectors of a given length (the manifest records it). */
export function localEmbedderIdentity(dimensions = DEFAULT_DIMENSIONS): EmbedderIdentity {
  return { name: LOCAL_EMBEDDER_NAME, version: LOCAL_EMBEDDER_VERSION, dimensions, weights: FEATURE_WEIGHTS };
}

const DEFAULT_DIMENSIONS = 1024;

export interface LocalEmbeddingsOptions extends EmbeddingsParams {
  /** The corpus's analyzer: its features are what the vectors are made of. */
  analyzer: TextAnalyzer;
  /** Length of the vectors. */
  dimensions?: number;
}

/**
 * An offline embedder for English, Traditional and Simplified Chinese: the analyzer's bilingual
 * features (dictionary glosses, pinyin names, numeric anchors), weighted by sublinear term
 * frequency times IDF, feature-hashed with random signs into a fixed-size vector and L2-normalised.
 * Deterministic, no download, and an English question lands near the Chinese passage that answers it.
 */
export class LocalEmbeddings extends Embeddings {
  readonly analyzer: TextAnalyzer;
  readonly dimensions: number;
  /** The buffer vectors are computed in. */
  private scratch: Float64Array | undefined;

  constructor(options: LocalEmbeddingsOptions) {
    super(options);
    this.analyzer = options.analyzer;
    this.dimensions = options.dimensions ?? DEFAULT_DIMENSIONS;
  }

  /** What the manifest records: vectors from a different identity are not comparable. */
  identity(): EmbedderIdentity {
    return localEmbedderIdentity(this.dimensions);
  }

  override async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.vectorise(this.analyzer.documentFeatures(text)));
  }

  override async embedQuery(text: string): Promise<number[]> {
    return this.vectorise(this.analyzer.queryFeatures(text));
  }

  /** The vector of a feature bag; features never seen in the corpus are left out. */
  vectorise(bag: FeatureBag): number[] {
    const computed = this.compute(bag);
    // Copied by index: Array.from walks a typed array through its iterator, a result object and a
    // boxed number an element (32 KB of garbage a question, a tenth of a warm answer's).
    const vector = new Array<number>(computed.length);
    for (let i = 0; i < computed.length; i += 1) vector[i] = computed[i]!;
    return vector;
  }

  /**
   * The same vector in single precision, as the HNSW graph keeps it: what a build makes of each
   * chunk (4 KB, where two arrays of 1,024 doubles were 16 KB of garbage a chunk, which a 100k-chunk
   * build's heap grew by before any major collection).
   */
  vectoriseFloat32(bag: FeatureBag): Float32Array {
    return Float32Array.from(this.compute(bag));
  }

  /** The bag's vector, in one buffer this embedder reuses: read it before the next call. */
  private compute(bag: FeatureBag): Float64Array {
    const { stats } = this.analyzer;
    const vector = (this.scratch ??= new Float64Array(this.dimensions));
    vector.fill(0);
    for (const [feature, weight] of bag) {
      if (!stats.documentFrequency.has(feature)) continue;
      const hash = fnv1a(feature);
      const tf = weight > 1 ? 1 + Math.log(weight) : weight;
      const sign = hash & 0x80000000 ? -1 : 1;
      vector[hash % this.dimensions]! += sign * tf * inverseDocumentFrequency(stats, feature);
    }
    // A loop, not Math.hypot(...vector): spreading a thousand arguments costs more than the vector.
    let squares = 0;
    for (const value of vector) squares += value * value;
    const norm = Math.sqrt(squares);
    if (norm !== 0) for (let i = 0; i < vector.length; i += 1) vector[i] = vector[i]! / norm;
    return vector;
  }
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
