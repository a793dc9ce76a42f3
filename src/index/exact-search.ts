import type { SearchResult } from 'hnswlib-node';

/**
 * The most column entries an exact search reads; past it the graph is cheaper. A question's vector
 * from the built-in embedder has ~60 nonzero buckets of 1,024 and a chunk's ~370, so on the
 * shared-datasets corpus (5,357 chunks) a search reads ~120,000 entries: 0.45 ms, where the HNSW
 * search at ef 64 took 0.7 ms alone and found 85% of the exact nearest 60. Dense vectors (an OpenAI
 * embedder) or a question of very many buckets go to the graph.
 */
export const EXACT_SEARCH_ENTRIES = 250_000;

/** What a file of sparse columns starts with: "TSR2" (a file of "TSR1" held rows, and is read no more). */
const MAGIC = 0x32525354;

/** The bytes of a file's header: magic, dimensions, points, column entries. */
const HEADER_BYTES = 16;

/** One point's nonzero buckets, ascending, and its unit vector's values there. */
interface Row {
  buckets: Uint16Array;
  values: Float32Array;
}

/**
 * The points as columns: their labels ascending (a point's place is its index there), and for each
 * bucket j the places of the points nonzero there, ascending, with their values (entries
 * starts[j] … starts[j + 1] − 1 of `points` and `values`).
 */
interface Columns {
  labels: Int32Array;
  starts: Int32Array;
  points: Int32Array;
  values: Float32Array;
  /** A search's score of each place, reused. */
  scores: Float64Array;
}

/**
 * A cosine graph's live points as sparse vectors (unit length, only their nonzero buckets), kept in
 * step with the graph by its wrapper (`ShardedGraph`: every point added, replaced or deleted) and
 * saved beside it. Searched through columns (for each bucket, the points nonzero there), the exact
 * nearest points of a sparse query cost one pass over the columns of its nonzero buckets. The file
 * holds the columns, so a loaded store searches them as read; the rows (each point's buckets) that
 * an update changes are made from them at the first update, and gathered into columns again at the
 * next search.
 */
export class SparseRows {
  /** The points by label, to update: undefined in a loaded store until its first update, its columns holding them till then. */
  private rows: Map<number, Row> | undefined = new Map();
  /** The points as columns: read from the file, or gathered from `rows` at the first search after a change. */
  private columns: Columns | undefined;

  constructor(readonly dimensions: number) {
    if (dimensions > 65_536) throw new RangeError('sparse rows keep buckets as 16-bit numbers');
  }

  /** How many points the rows hold. */
  get size(): number {
    return this.rows ? this.rows.size : this.columns!.labels.length;
  }

  /** Whether point `label` is among the rows. */
  has(label: number): boolean {
    return this.rows ? this.rows.has(label) : placeOf(this.columns!.labels, label) >= 0;
  }

  /** Adds point `label`, or replaces its vector. */
  set(label: number, vector: ArrayLike<number>): void {
    if (vector.length !== this.dimensions) throw new RangeError(`a vector of ${vector.length} numbers for rows of ${this.dimensions}`);
    this.editable().set(label, unitRow(vector));
    this.columns = undefined;
  }

  /** Removes point `label` (a point marked deleted in the graph). */
  delete(label: number): void {
    if (!this.has(label)) return;
    this.editable().delete(label);
    this.columns = undefined;
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

  /** The points as bytes: a header, then the columns' labels, starts, places and values. */
  toBuffer(): Buffer {
    const { labels, starts, points, values } = this.gathered();
    const header = new Int32Array([MAGIC, this.dimensions, labels.length, points.length]);
    return Buffer.concat([header, labels, starts, points, values].map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength)));
  }

  /**
   * The points read back from `toBuffer`'s bytes, searched straight from them (views into `bytes`
   * where they are aligned, as a file read whole is: they must not change after); undefined when
   * they are not such bytes (a truncated, corrupt or foreign file, or one of rows, "TSR1").
   */
  static fromBuffer(bytes: Buffer): SparseRows | undefined {
    if (bytes.byteLength < HEADER_BYTES) return undefined;
    // Typed arrays of 4-byte numbers need a 4-byte aligned start: otherwise the bytes are copied once.
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
    const { buffer, byteOffset } = aligned;
    const [magic, dimensions, count, entries] = new Int32Array(buffer, byteOffset, 4);
    if (magic !== MAGIC || !(dimensions! > 0 && dimensions! <= 65_536) || !(count! >= 0) || !(entries! >= 0)) return undefined;
    if (bytes.byteLength !== HEADER_BYTES + 4 * (count! + dimensions! + 1 + 2 * entries!)) return undefined;
    let offset = byteOffset + HEADER_BYTES;
    const take = <T extends { byteLength: number }>(array: T): T => {
      offset += array.byteLength;
      return array;
    };
    const labels = take(new Int32Array(buffer, offset, count!));
    const starts = take(new Int32Array(buffer, offset, dimensions! + 1));
    const points = take(new Int32Array(buffer, offset, entries!));
    const values = take(new Float32Array(buffer, offset, entries!));
    const columns = { labels, starts, points, values, scores: new Float64Array(count!) };
    if (!soundColumns(columns)) return undefined;
    const read = new SparseRows(dimensions!);
    read.rows = undefined;
    read.columns = columns;
    return read;
  }

  /** The points as columns, gathered from the rows once after each change. */
  private gathered(): Columns {
    this.columns ??= gatherColumns(this.rows!, this.dimensions);
    return this.columns;
  }

  /** The points as rows, to change: a loaded store's are made from its columns at the first change. */
  private editable(): Map<number, Row> {
    this.rows ??= rowsOf(this.columns!);
    return this.rows;
  }
}

/** `vector`'s nonzero buckets and its unit vector's values there. */
function unitRow(vector: ArrayLike<number>): Row {
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
  return { buckets, values };
}

/** The rows as columns, their points placed by label ascending (so the labels can be searched by halving). */
function gatherColumns(rows: ReadonlyMap<number, Row>, dimensions: number): Columns {
  const labels = Int32Array.from(rows.keys()).sort();
  const counts = new Int32Array(dimensions);
  for (const { buckets } of rows.values()) for (const bucket of buckets) counts[bucket]! += 1;
  const starts = new Int32Array(dimensions + 1);
  for (let j = 0; j < dimensions; j += 1) starts[j + 1] = starts[j]! + counts[j]!;
  const next = starts.slice(0, dimensions);
  const points = new Int32Array(starts[dimensions]!);
  const values = new Float32Array(starts[dimensions]!);
  labels.forEach((label, place) => {
    const row = rows.get(label)!;
    for (let i = 0; i < row.buckets.length; i += 1) {
      const at = next[row.buckets[i]!]!;
      next[row.buckets[i]!] = at + 1;
      points[at] = place;
      values[at] = row.values[i]!;
    }
  });
  return { labels, starts, points, values, scores: new Float64Array(labels.length) };
}

/** The columns as rows by label: each row a view into one array of all the entries, its buckets ascending. */
function rowsOf({ labels, starts, points, values }: Columns): Map<number, Row> {
  const rowStarts = new Int32Array(labels.length + 1);
  for (const place of points) rowStarts[place + 1]! += 1;
  for (let place = 0; place < labels.length; place += 1) rowStarts[place + 1]! += rowStarts[place]!;
  const next = rowStarts.slice(0, labels.length);
  const buckets = new Uint16Array(points.length);
  const rowValues = new Float32Array(points.length);
  for (let bucket = 0; bucket + 1 < starts.length; bucket += 1) {
    for (let at = starts[bucket]!, end = starts[bucket + 1]!; at < end; at += 1) {
      const place = points[at]!;
      const to = next[place]!;
      next[place] = to + 1;
      buckets[to] = bucket;
      rowValues[to] = values[at]!;
    }
  }
  const rows = new Map<number, Row>();
  labels.forEach((label, place) => {
    const start = rowStarts[place]!;
    const end = rowStarts[place + 1]!;
    rows.set(label, { buckets: buckets.subarray(start, end), values: rowValues.subarray(start, end) });
  });
  return rows;
}

/**
 * Whether columns read from a file are ones `gatherColumns` makes, so a search reads only within
 * them: labels ascending and not negative, starts from 0 up to the entries and never falling, each
 * column's places ascending and below the points' count, and every value a finite number.
 */
function soundColumns({ labels, starts, points, values }: Columns): boolean {
  for (let place = 0; place < labels.length; place += 1) if (!(labels[place]! >= 0 && (place === 0 || labels[place]! > labels[place - 1]!))) return false;
  if (starts[0] !== 0 || starts[starts.length - 1] !== points.length) return false;
  for (let bucket = 0; bucket + 1 < starts.length; bucket += 1) {
    const end = starts[bucket + 1]!;
    if (!(starts[bucket]! <= end)) return false;
    let previous = -1;
    for (let at = starts[bucket]!; at < end; at += 1) {
      const place = points[at]!;
      if (!(place > previous && place < labels.length)) return false;
      previous = place;
    }
  }
  for (let at = 0; at < values.length; at += 1) if (!Number.isFinite(values[at]!)) return false;
  return true;
}

/** The place of `label` among `labels` (ascending), or −1. */
function placeOf(labels: Int32Array, label: number): number {
  let low = 0;
  let high = labels.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (labels[middle] === label) return middle;
    if (labels[middle]! < label) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
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
