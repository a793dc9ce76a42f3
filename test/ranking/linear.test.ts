import { describe, expect, it } from 'vitest';
import { logit, sigmoid, softmax, trainListwise, trainLogistic, type CandidateGroup } from '../../src/ranking/linear.js';

/** A deterministic pseudo-random sequence (xorshift), so the data are the same every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) % 1_000_000) / 1_000_000;
  };
}

describe('trainLogistic', () => {
  it('recovers the direction and rough size of a known logistic relation', () => {
    const next = random(7);
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 4000; i += 1) {
      const x = [next() * 4 - 2, next() * 4 - 2, next()];
      // True log-odds: 2·x0 − 1·x1, and x2 is noise.
      const p = sigmoid(2 * x[0]! - x[1]!);
      rows.push(x);
      labels.push(next() < p ? 1 : 0);
    }
    const model = trainLogistic(['a', 'b', 'noise'], rows, labels, { l2: 0.01 });
    // Weights are on standardised inputs: divide by the scale to compare with the raw coefficients.
    const raw = model.weights.map((w, j) => w / model.scale[j]!);
    expect(raw[0]).toBeGreaterThan(1.6);
    expect(raw[0]).toBeLessThan(2.4);
    expect(raw[1]).toBeLessThan(-0.7);
    expect(raw[1]).toBeGreaterThan(-1.3);
    expect(Math.abs(raw[2]!)).toBeLessThan(0.3);
    expect(sigmoid(logit(model, [1, 0, 0.5]))).toBeGreaterThan(sigmoid(logit(model, [-1, 0, 0.5])));
  });

  it('is deterministic and respects row weights', () => {
    const rows = [[0], [1], [2], [3]];
    const labels = [0, 0, 1, 1];
    const a = trainLogistic(['x'], rows, labels, { l2: 1 });
    expect(trainLogistic(['x'], rows, labels, { l2: 1 })).toEqual(a);
    // Weighing the positive rows up moves the probability of a middling input up.
    const weighted = trainLogistic(['x'], rows, labels, { l2: 1, rowWeights: [1, 1, 5, 5] });
    expect(sigmoid(logit(weighted, [1.5]))).toBeGreaterThan(sigmoid(logit(a, [1.5])));
  });

  it('refuses to train on nothing', () => {
    expect(() => trainLogistic(['x'], [], [], { l2: 1 })).toThrow(/no training rows/);
  });
});

describe('trainListwise', () => {
  // Questions of 3–8 candidates; the right one is drawn by softmax(3·x0 − 2·x1), and x2 is noise.
  // A shared offset per question (x3) moves every candidate alike: a softmax cannot see it.
  function groups(count: number, seed: number): CandidateGroup[] {
    const next = random(seed);
    return Array.from({ length: count }, () => {
      const offset = next() * 4 - 2;
      const rows = Array.from({ length: 3 + Math.floor(next() * 6) }, () => [next() * 2 - 1, next() * 2 - 1, next(), offset]);
      const p = softmax(rows.map((x) => 3 * x[0]! - 2 * x[1]!));
      let draw = next();
      const right = p.findIndex((share) => (draw -= share) < 0);
      return { rows, correct: rows.map((_, i) => i === (right < 0 ? rows.length - 1 : right)) };
    });
  }

  it('recovers the direction and rough size of a known softmax choice, and ignores what every candidate shares', () => {
    const model = trainListwise(['a', 'b', 'noise', 'offset'], groups(3000, 11), { l2: 0.01 });
    const raw = model.weights.map((w, j) => w / model.scale[j]!);
    expect(raw[0]).toBeGreaterThan(2.5);
    expect(raw[0]).toBeLessThan(3.5);
    expect(raw[1]).toBeLessThan(-1.5);
    expect(raw[1]).toBeGreaterThan(-2.5);
    expect(Math.abs(raw[2]!)).toBeLessThan(0.3);
    expect(Math.abs(raw[3]!)).toBeLessThan(1e-6);
    expect(model.bias).toBe(0);
  });

  it('skips questions it cannot learn from, and refuses when none is left', () => {
    const lone: CandidateGroup = { rows: [[1]], correct: [true] };
    const allWrong: CandidateGroup = { rows: [[1], [2]], correct: [false, false] };
    expect(() => trainListwise(['x'], [lone, allWrong], { l2: 1 })).toThrow(/no question with a right and a wrong candidate/);
    const model = trainListwise(['x'], [lone, allWrong, { rows: [[0], [1]], correct: [false, true] }], { l2: 1 });
    expect(model.weights[0]).toBeGreaterThan(0);
  });
});
