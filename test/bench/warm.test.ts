import { describe, expect, it } from 'vitest';
import type { Answer, Tether } from '../../src/answer/types.js';
import { measureWarmAnswers } from '../../bench/warm.js';

/** A Tether whose `ask` records the questions it was asked; the other methods are never called here. */
function recordingTether(asked: string[], failOn?: string): Tether {
  return {
    ask: async (question: string) => {
      asked.push(question);
      if (question === failOn) throw new Error('no index');
      return {} as Answer;
    },
    findPassages: () => Promise.reject(new Error('not used')),
    getPassage: () => undefined,
    listSources: () => [],
  };
}

describe('measureWarmAnswers', () => {
  it('warms up with the questions in turn, then measures every question each round, timing the two apart', async () => {
    const asked: string[] = [];
    const result = await measureWarmAnswers(recordingTether(asked), ['a', 'b', 'c'], 2, 5);
    expect(asked).toEqual(['a', 'b', 'c', 'a', 'b', 'a', 'b', 'c', 'a', 'b', 'c']);
    expect(result.warmup.answers).toBe(5);
    expect(result.warmup.latency.samples).toBe(5);
    expect(result.latency.samples).toBe(6);
    expect(result.errors).toBe(0);
  });

  it('warms up with at least one round, and counts failed measured answers as errors', async () => {
    const asked: string[] = [];
    const result = await measureWarmAnswers(recordingTether(asked, 'b'), ['a', 'b'], 1, 0);
    expect(asked).toEqual(['a', 'b', 'a', 'b']);
    expect(result.warmup.answers).toBe(2);
    expect(result.latency.samples).toBe(1);
    expect(result.errors).toBe(1);
  });
});
