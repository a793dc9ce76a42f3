import { describe, expect, it } from 'vitest';
import { exactNearest, recallAtK, tieAwareRecallAtK, toSparseRows } from '../../bench/recall.js';

const normalise = (v: number[]) => {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

describe('exactNearest', () => {
  it('finds the most similar rows by cosine, best first', () => {
    const rows = toSparseRows([normalise([1, 0, 0]), normalise([1, 1, 0]), normalise([0, 0, 1]), normalise([0, 1, 0])]);
    const nearest = exactNearest(rows, normalise([1, 0.2, 0]), 2);
    expect(nearest.map((n) => n.id)).toEqual([0, 1]);
    expect(nearest[0]!.similarity).toBeGreaterThan(nearest[1]!.similarity);
  });

  it('agrees with a dense scan on random vectors', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const dense = Array.from({ length: 300 }, () => normalise(Array.from({ length: 16 }, () => (random() > 0.2 ? 0 : random()) + 1e-9)));
    const query = normalise(Array.from({ length: 16 }, random));
    const expected = dense
      .map((v, id) => ({ id, similarity: v.reduce((sum, x, i) => sum + x * query[i]!, 0) }))
      .sort((a, b) => b.similarity - a.similarity || a.id - b.id)
      .slice(0, 10)
      .map((n) => n.id);
    expect(exactNearest(toSparseRows(dense), query, 10).map((n) => n.id)).toEqual(expected);
  });

  it('keeps only non-zero coordinates', () => {
    const rows = toSparseRows([[0, 0.6, 0, 0.8], [1, 0, 0, 0]]);
    expect([...rows.offsets]).toEqual([0, 2, 3]);
    expect([...rows.indices]).toEqual([1, 3, 0]);
  });
});

describe('recall@k', () => {
  const exact = [
    { id: 1, similarity: 0.9 },
    { id: 2, similarity: 0.8 },
    { id: 3, similarity: 0.5 },
    { id: 4, similarity: 0.5 },
  ];

  it('counts the exact top-k ids the approximate search returned', () => {
    expect(recallAtK([1, 2, 3, 4], exact, 4)).toBe(1);
    expect(recallAtK([2, 9, 1, 8], exact, 4)).toBe(0.5);
    expect(recallAtK([], [], 10)).toBe(1);
  });

  it('forgives ties at the k-th similarity', () => {
    // Row 5 is as similar as the exact 4th (a tie): a correct answer, though its id differs.
    expect(recallAtK([1, 2, 3, 5], exact, 4)).toBe(0.75);
    expect(tieAwareRecallAtK([0.9, 0.8, 0.5, 0.5], exact, 4)).toBe(1);
    expect(tieAwareRecallAtK([0.9, 0.8, 0.4, 0.3], exact, 4)).toBe(0.5);
  });
});
