import { describe, expect, it } from 'vitest';
import { FeatureBagTable } from '../../src/index/feature-bags.js';
import { computeFeatureStats } from '../../src/text/analyzer.js';
import type { FeatureBag } from '../../src/text/features.js';

const BAGS: FeatureBag[] = [
  new Map([
    ['w:cloud', 2],
    ['zh:阿里', 0.5],
  ]),
  new Map(),
  new Map([
    ['zh:阿里', 1.25],
    ['n:2023', 1],
    ['w:cloud', 1 / 3],
  ]),
];

describe('the build’s table of feature bags', () => {
  it('gives back every bag as it was added, weights exact and in order', () => {
    const table = new FeatureBagTable();
    const rows = BAGS.map((bag) => table.add(bag));
    expect(rows).toEqual([0, 1, 2]);
    expect(table.size).toBe(3);
    rows.forEach((row, i) => expect([...table.bag(row)]).toEqual([...BAGS[i]!]));
    expect(() => table.bag(3)).toThrow(RangeError);
  });

  it('counts document frequencies as the in-memory statistics do', () => {
    const table = new FeatureBagTable();
    for (const bag of BAGS) table.add(bag);
    const stats = table.featureStats();
    const expected = computeFeatureStats(BAGS);
    expect(stats.documents).toBe(expected.documents);
    expect([...stats.documentFrequency]).toEqual([...expected.documentFrequency]);
    expect(stats.documentFrequency.get('zh:阿里')).toBe(2);
  });
});
