import { FeatureCounts } from '../text/analyzer.js';
import type { FeatureBag } from '../text/features.js';

/**
 * The chunks' feature bags as a build holds them until the vectors and the lexical store are
 * written: each distinct feature once (as a number), each bag as typed arrays of feature numbers and
 * weights. As Maps, every chunk kept its own feature strings and map entries, all of them held at
 * once. Document frequencies are counted as bags come in.
 */
export class FeatureBagTable {
  private readonly numbers = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly frequencies: number[] = [];
  private readonly features: Int32Array[] = [];
  private readonly weights: Float64Array[] = [];

  /** Bags held. */
  get size(): number {
    return this.features.length;
  }

  /** Keeps a bag; returns its row (rows follow the order of `add`). */
  add(bag: FeatureBag): number {
    const features = new Int32Array(bag.size);
    const weights = new Float64Array(bag.size);
    let i = 0;
    for (const [feature, weight] of bag) {
      let number = this.numbers.get(feature);
      if (number === undefined) {
        number = this.names.length;
        this.numbers.set(feature, number);
        this.names.push(feature);
        this.frequencies.push(0);
      }
      this.frequencies[number]! += 1;
      features[i] = number;
      weights[i] = weight;
      i += 1;
    }
    this.features.push(features);
    this.weights.push(weights);
    return this.features.length - 1;
  }

  /** The bag of a row, as it was added (a new Map: the caller may drop it as soon as it is used). */
  bag(row: number): FeatureBag {
    const features = this.features[row];
    const weights = this.weights[row];
    if (!features || !weights) throw new RangeError(`no feature bag at row ${row}`);
    const bag: FeatureBag = new Map();
    for (let i = 0; i < features.length; i += 1) bag.set(this.names[features[i]!]!, weights[i]!);
    return bag;
  }

  /** In how many bags each feature occurs: `computeFeatureStats` of every bag added. */
  featureStats(): { documents: number; documentFrequency: FeatureCounts } {
    const documentFrequency = new FeatureCounts();
    this.names.forEach((name, number) => documentFrequency.set(name, this.frequencies[number]!));
    return { documents: this.size, documentFrequency };
  }
}
