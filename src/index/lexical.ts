import type { FeatureStats } from '../text/analyzer.js';
import type { FeatureBag } from '../text/features.js';
import { LexicalStore, type LexicalHit } from './lexical-store/read.js';
import { updateLexicalStore, type LexicalStoreChanges } from './lexical-store/update.js';

/**
 * BM25 ranking over the same bilingual features the embedder uses, so Chinese is tokenised into
 * words, characters and glosses rather than left as one unsplittable term; kept on disk in an
 * SQLite file (see lexical-store.ts) and read per question, never parsed whole into memory.
 */
export class LexicalIndex {
  private constructor(private readonly store: LexicalStore) {}

  /** Updates the store in `file` in place (one transaction; see `updateLexicalStore`) and opens it; says how many terms came and went. */
  static update(file: string, changes: LexicalStoreChanges): { index: LexicalIndex; termsAdded: number; termsRemoved: number } {
    const { termsAdded, termsRemoved } = updateLexicalStore(file, changes);
    return { index: LexicalIndex.open(file), termsAdded, termsRemoved };
  }

  /** Chunks indexed. */
  get size(): number {
    return this.store.size;
  }

  /** Opens a store written by the build (`LexicalStoreWriter`); throws when it is missing, damaged or of another version. */
  static open(file: string): LexicalIndex {
    return new LexicalIndex(LexicalStore.open(file));
  }

  /** Chunk ids with BM25 scores, best first; each query feature counts by its weight; only chunks `keep` accepts, when given. */
  query(features: FeatureBag, limit: number, keep?: (id: string) => boolean): LexicalHit[] {
    return this.store.query(features, limit, undefined, keep);
  }

  /** How many chunks there are and in how many each feature occurs, read from the store as the analyzer asks. */
  featureStats(): FeatureStats {
    return { documents: this.store.size, documentFrequency: this.store.documentFrequencies() };
  }

  /** Ids of the chunks whose features hold `feature`: which parts of the corpus name it. */
  chunksWith(feature: string): string[] {
    return this.store.chunksWith(feature);
  }

  /** The features of an article's sentence (0-based) as the build extracted them, or undefined when not stored. */
  sentenceFeatures(articleId: string, index: number): string[] | undefined {
    return this.store.sentenceFeatures(articleId, index);
  }

  /** Releases the file (an index is otherwise open for the life of the process). */
  close(): void {
    this.store.close();
  }
}
