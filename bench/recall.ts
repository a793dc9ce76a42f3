/** Sparse vectors in compressed-row form: the non-zero coordinates of each row, back to back. */
export interface SparseRows {
  /** `offsets[i]`..`offsets[i + 1]` index row i's entries in `indices` and `values`. */
  offsets: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** Packs dense vectors (mostly zeros, like hashed feature vectors) into compressed rows. */
export function toSparseRows(vectors: readonly (readonly number[])[]): SparseRows {
  let nonZero = 0;
  for (const vector of vectors) for (const x of vector) if (x !== 0) nonZero += 1;
  const offsets = new Int32Array(vectors.length + 1);
  const indices = new Int32Array(nonZero);
  const values = new Float64Array(nonZero);
  let at = 0;
  vectors.forEach((vector, row) => {
    offsets[row] = at;
    vector.forEach((x, column) => {
      if (x === 0) return;
      indices[at] = column;
      values[at] = x;
      at += 1;
    });
  });
  offsets[vectors.length] = at;
  return { offsets, indices, values };
}

/** One neighbour: a row number and its cosine similarity to the query. */
export interface Neighbour {
  id: number;
  similarity: number;
}

/**
 * The exact k nearest rows by cosine similarity to `query` (rows and query are L2-normalised, so
 * cosine is the dot product): a brute-force scan, best first, ties broken by the lower id.
 */
export function exactNearest(rows: SparseRows, query: readonly number[], k: number): Neighbour[] {
  const best: Neighbour[] = [];
  const rowCount = rows.offsets.length - 1;
  for (let row = 0; row < rowCount; row += 1) {
    let dot = 0;
    for (let at = rows.offsets[row]!; at < rows.offsets[row + 1]!; at += 1) dot += rows.values[at]! * query[rows.indices[at]!]!;
    if (best.length === k && dot <= best[k - 1]!.similarity) continue;
    let position = best.length;
    while (position > 0 && best[position - 1]!.similarity < dot) position -= 1;
    best.splice(position, 0, { id: row, similarity: dot });
    if (best.length > k) best.pop();
  }
  return best;
}

/** Share of the exact top-k ids that the approximate result also returned (strict recall@k). */
export function recallAtK(approximate: readonly number[], exact: readonly Neighbour[], k: number): number {
  const wanted = exact.slice(0, k);
  if (wanted.length === 0) return 1;
  const found = new Set(approximate.slice(0, k));
  return wanted.filter((neighbour) => found.has(neighbour.id)).length / wanted.length;
}

/**
 * Recall@k that forgives ties: an approximate hit counts when its similarity is at least the exact
 * k-th best (within `epsilon`), since with equal similarities either row is a correct answer.
 */
export function tieAwareRecallAtK(
  approximateSimilarities: readonly number[],
  exact: readonly Neighbour[],
  k: number,
  epsilon = 1e-6,
): number {
  const wanted = exact.slice(0, k);
  if (wanted.length === 0) return 1;
  const threshold = wanted.at(-1)!.similarity - epsilon;
  const hits = approximateSimilarities.slice(0, k).filter((similarity) => similarity >= threshold).length;
  return Math.min(hits, wanted.length) / wanted.length;
}
