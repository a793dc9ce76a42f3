/** The q-th percentile (0–100) of samples, linearly interpolated between closest ranks; NaN when empty. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return percentileOfSorted(sorted, q);
}

/** The q-th percentile of samples already sorted ascending (see `percentile`). */
export function percentileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const clamped = Math.min(100, Math.max(0, q));
  const rank = (clamped / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(sorted.length - 1, below + 1);
  const low = sorted[below]!;
  const high = sorted[above]!;
  return low + (high - low) * (rank - below);
}

/** The median of samples (the 50th percentile). */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Summary of a latency sample in milliseconds. */
export interface LatencySummary {
  samples: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** p50/p95/p99, mean and max of latencies, each rounded to microseconds. */
export function summariseLatencies(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / Math.max(1, sorted.length);
  return {
    samples: sorted.length,
    mean: roundMs(mean),
    p50: roundMs(percentileOfSorted(sorted, 50)),
    p95: roundMs(percentileOfSorted(sorted, 95)),
    p99: roundMs(percentileOfSorted(sorted, 99)),
    max: roundMs(sorted.at(-1) ?? Number.NaN),
  };
}

/** A duration rounded to three decimals (microseconds when in ms). */
export function roundMs(value: number): number {
  return Math.round(value * 1000) / 1000;
}
