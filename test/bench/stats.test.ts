import { describe, expect, it } from 'vitest';
import { median, percentile, summariseLatencies } from '../../bench/stats.js';

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    const samples = [4, 1, 3, 2, 5];
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile(samples, 50)).toBe(3);
    expect(percentile(samples, 100)).toBe(5);
    expect(percentile(samples, 25)).toBe(2);
    expect(percentile([1, 2], 50)).toBe(1.5);
    expect(percentile([10, 20, 30, 40], 99)).toBeCloseTo(39.7, 10);
  });

  it('handles one sample, no samples and out-of-range q', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
    expect(percentile([1, 2, 3], 150)).toBe(3);
    expect(percentile([1, 2, 3], -5)).toBe(1);
  });

  it('does not reorder its input', () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('summariseLatencies', () => {
  it('reports p50, p95, p99, mean and max', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    const summary = summariseLatencies(samples);
    expect(summary).toMatchObject({ samples: 100, mean: 50.5, max: 100, p50: 50.5 });
    expect(summary.p95).toBeCloseTo(95.05, 6);
    expect(summary.p99).toBeCloseTo(99.01, 6);
  });
});
