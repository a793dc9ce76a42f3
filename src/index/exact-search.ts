import type { SearchResult } from 'hnswlib-node';

/**
 * The most column entries an exact search reads; past it the graph is cheaper. A question's vector
 * from the built-in embedder has ~60 nonzero buckets of 1,024 and a chunk's ~370, so on the
 * shared-datasets corpus (5,357 chunks) a search reads ~120,000 entries: 0.45 ms, where the HNSW
 * search at ef 64 took 0.7 ms alone and found 85% of the exact nearest 60. Dense vectors (an OpenAI
 * embedder) or a question of very many buckets go to the graph.
 */
export const EXACT_SEARCH_ENTRIES = 250_000;

/** What a file of sparse rows starts with: "TSR1". */
const MAGIC = 0x31525354;

/** The rows gathered into columns: for each bucket, the points nonzero there and their values. */
interface Columns {
  labels: Int32Array;
  starts: Int32Array;
  points: Int32Array;
  values: Float32Array;
  scores: Float64Array;
}

/**
 * A cosine graph's live points as sparse rows (unit length, only their nonzero buckets), kept in
 * step with the graph by its wrapper (`ShardedGraph`: every point added, replaced or deleted) and
 * saved beside it. Searched through columns gathered from the rows, the exact nearest points of a
 * sparse query cost one pass over the columns of its nonzero buckets.
 */
export class SparseRows {
  private readonly rows = new Map<number, { buckets: Uint16Array; values: Float32Array }>();
  private columns: Columns | undefined;

  constructor(readonly dimensions: number) {
    if (dimensions > 65_536) throw new RangeError('sparse rows keep buckets as 16-bit numbers');
  }

  /** How many points the rows hold. */
  get size(): number {
    return this.rows.size;
  }

  /** Whether point `label` is among the rows. */
  has(label: number): boolean {
    return this.rows.has(label);
  }

  /** Adds point `label`, or replaces its vector. */
  set(label: number, vector: ArrayLike<number>): void {
    if (vector.length !== this.dimensions) throw new RangeError(`a vector of ${vector.length} numbers for rows of ${this.dimensions}`);
    let squares = 0;
    let nonzero = 0;
    for (let j = 0; j < vector.length; j += 1) {
      const value = vector[j]!;
      if (value === 0) continue;
      squares += value * value;
      nonzero += 1;
    }
    const inverse = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    const buckets = new Uint16Array(nonzero);
    const values = new Float32Array(nonzero);
    for (let j = 0, at = 0; j < vector.length; j += 1) {
      if (vector[j] === 0) continue;
      buckets[at] = j;
      values[at] = vector[j]! * inverse;
      at += 1;
    }
    this.rows.set(label, { buckets, values });
    this.columns = undefined;
  }

  /** Removes point `label` (a point marked deleted in the graph). */
  delete(label: number): void {
    if (this.rows.delete(label)) this.columns = undefined;
  }

  /** How many column entries a search for `query` reads. */
  cost(query: readonly number[]): number {
    const { starts } = this.gathered();
    let entries = 0;
    for (let j = 0; j < query.length; j += 1) if (query[j] !== 0) entries += starts[j + 1]! - starts[j]!;
    return entries;
  }

  /** The `k` nearest points by cosine distance, nearest first, ties by label: what hnswlib's search returns. */
  search(query: readonly number[], k: number): SearchResult {
    const { labels, starts, points, values, scores } = this.gathered();
    scores.fill(0);
    let squares = 0;
    for (let j = 0; j < query.length; j += 1) {
      const weight = query[j]!;
      if (weight === 0) continue;
      squares += weight * weight;
      for (let at = starts[j]!, end = starts[j + 1]!; at < end; at += 1) scores[points[at]!]! += weight * values[at]!;
    }
    const norm = Math.sqrt(squares) || 1;
    const nearest = topScores(scores, labels, Math.min(k, scores.length));
    nearest.sort((a, b) => scores[b]! - scores[a]! || labels[a]! - labels[b]!);
    return { distances: nearest.map((place) => 1 - scores[place]! / norm), neighbors: nearest.map((place) => labels[place]!) };
  }

  /** The rows as bytes: a header, then labels, row starts, buckets and values. */
  toBuffer(): Buffer {
    const labels = [...this.rows.keys()].sort((a, b) => a - b);
    const entries = labels.reduce((sum, label) => sum + this.rows.get(label)!.buckets.length, 0);
    const header = new Int32Array([MAGIC, this.dimensions, labels.length, entries]);
    const starts = new Int32Array(labels.length + 1);
    const buckets = new Uint16Array(entries + (entries % 2));
    const values = new Float32Array(entries);
    labels.forEach((label, i) => {
      const row = this.rows.get(label)!;
      starts[i + 1] = starts[i]! + row.buckets.length;
      buckets.set(row.buckets, starts[i]!);
      values.set(row.values, starts[i]!);
    });
    return Buffer.concat([header, Int32Array.from(labels), starts, buckets, values].map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength)));
  }

  /** Rows read back from `toBuffer`'s bytes; undefined when they are not such bytes (a truncated or foreign file). */
  static fromBuffer(bytes: Buffer): SparseRows | undefined {
    if (bytes.byteLength < 16) return undefined;
    // Copied once into an aligned buffer of the rows' own: each row is a view into it, not a copy.
    const buffer = new Uint8Array(bytes).buffer;
    const [magic, dimensions, count, entries] = new Int32Array(buffer, 0, 4);
    if (magic !== MAGIC || !(dimensions! > 0 && dimensions! <= 65_536) || !(count! >= 0) || !(entries! >= 0)) return undefined;
    const padded = entries! + (entries! % 2);
    const expected = 16 + 4 * count! + 4 * (count! + 1) + 2 * padded + 4 * entries!;
    if (bytes.byteLength !== expected) return undefined;
    let offset = 16;
    const take = <T>(make: (offset: number) => T, bytesTaken: number): T => {
      const array = make(offset);
      offset += bytesTaken;
      return array;
    };
    const labels = take((at) => new Int32Array(buffer, at, count!), 4 * count!);
    const starts = take((at) => new Int32Array(buffer, at, count! + 1), 4 * (count! + 1));
    const buckets = take((at) => new Uint16Array(buffer, at, padded), 2 * padded);
    const values = take((at) => new Float32Array(buffer, at, entries!), 4 * entries!);
    const rows = new SparseRows(dimensions!);
    for (let i = 0; i < count!; i += 1) {
      const start = starts[i]!;
      const end = starts[i + 1]!;
      if (!(start <= end && end <= entries!)) return undefined;
      rows.rows.set(labels[i]!, { buckets: buckets.subarray(start, end), values: values.subarray(start, end) });
    }
    return rows;
  }

  /** The rows gathered into columns, once after each change. */
  private gathered(): Columns {
    if (this.columns) return this.columns;
    const counts = new Int32Array(this.dimensions);
    for (const { buckets } of this.rows.values()) for (const bucket of buckets) counts[bucket]! += 1;
    const starts = new Int32Array(this.dimensions + 1);
    for (let j = 0; j < this.dimensions; j += 1) starts[j + 1] = starts[j]! + counts[j]!;
    const next = starts.slice(0, this.dimensions);
    const points = new Int32Array(starts[this.dimensions]!);
    const values = new Float32Array(starts[this.dimensions]!);
    const labels = new Int32Array(this.rows.size);
    let place = 0;
    for (const [label, row] of this.rows) {
      labels[place] = label;
      for (let i = 0; i < row.buckets.length; i += 1) {
        const at = next[row.buckets[i]!]!;
        next[row.buckets[i]!] = at + 1;
        points[at] = place;
        values[at] = row.values[i]!;
      }
      place += 1;
    }
    this.columns = { labels, starts, points, values, scores: new Float64Array(labels.length) };
    return this.columns;
  }
}

/** The places of the `k` largest scores (ties to the smaller label), in no order: a min-heap of `k` over one pass. */
function topScores(scores: Float64Array, labels: Int32Array, k: number): number[] {
  const heap: number[] = [];
  if (k <= 0) return heap;
  const less = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && labels[a]! > labels[b]!);
  const swap = (a: number, b: number) => {
    const kept = heap[a]!;
    heap[a] = heap[b]!;
    heap[b] = kept;
  };
  for (let place = 0; place < scores.length; place += 1) {
    if (heap.length < k) {
      heap.push(place);
      for (let at = heap.length - 1; at > 0; ) {
        const parent = (at - 1) >> 1;
        if (!less(heap[at]!, heap[parent]!)) break;
        swap(at, parent);
        at = parent;
      }
      continue;
    }
    if (!less(heap[0]!, place)) continue;
    heap[0] = place;
    for (let at = 0; ; ) {
      const left = 2 * at + 1;
      const right = left + 1;
      let least = at;
      if (left < heap.length && less(heap[left]!, heap[least]!)) least = left;
      if (right < heap.length && less(heap[right]!, heap[least]!)) least = right;
      if (least === at) break;
      swap(at, least);
      at = least;
    }
  }
  return heap;
}
