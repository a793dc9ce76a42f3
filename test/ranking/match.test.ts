import { describe, expect, it } from 'vitest';
import { entityShare, matchProfile, presenceOf, profileOfPresence, type WeightedQuestion } from '../../src/ranking/question.js';
import type { Concept } from '../../src/text/features.js';

function concept(alternatives: Array<[string, number]>, options: { glosses?: string[]; entityKeys?: string[] } = {}): Concept {
  return {
    weight: 1,
    alternatives: new Map(alternatives),
    phrase: false,
    entityKeys: options.entityKeys && new Set(options.entityKeys),
    glosses: new Set(options.glosses),
    glossShare: 1,
  };
}

// "When did Alibaba spin off its cloud?": a name, a word met directly or by a gloss, and a word met only in Chinese.
const question: WeightedQuestion = {
  concepts: [
    { concept: concept([['alibaba', 1], ['py:alibaba', 0.9]], { entityKeys: ['alibaba', 'py:alibaba'] }), weight: 3 },
    { concept: concept([['spin', 1], ['gl:spin', 0.8]], { glosses: ['gl:spin'] }), weight: 2 },
    { concept: concept([['zh:云', 1]]), weight: 1 },
  ],
  total: 6,
  unknownShare: 0,
  kind: 'date',
};

describe('matching a question against feature sets', () => {
  it('scores a span from its sentences’ presence vectors as from their features together', () => {
    const first = new Set(['py:alibaba', 'other']);
    const second = new Set(['gl:spin', 'zh:云']);
    const together = new Set([...first, ...second]);

    const united = [presenceOf(question, first), presenceOf(question, second)];

    expect(profileOfPresence(question, united)).toEqual(matchProfile(question, together));
    expect(profileOfPresence(question, united, 'en')).toEqual(matchProfile(question, together, 'en'));
    // Each concept at its best alternative: 3 × 0.9 by a name, 2 × 0.8 by a gloss, 1 directly, of 6.
    expect(matchProfile(question, together).coverage).toBeCloseTo((3 * 0.9 + 2 * 0.8 + 1) / 6);
    expect(matchProfile(question, together).name).toBeCloseTo((3 * 0.9) / 6);
  });

  it('counts only what the sets hold: a set with none of the words, or no set, scores nothing', () => {
    const first = [presenceOf(question, new Set(['spin']))];
    expect(profileOfPresence(question, first).coverage).toBeCloseTo(2 / 6);
    expect(profileOfPresence(question, first).entities).toBe(0);
    expect(profileOfPresence(question, [presenceOf(question, new Set(['unrelated']))]).coverage).toBe(0);
    expect(profileOfPresence(question, []).coverage).toBe(0);
  });

  it('reads a set from either side: its own features, or the question’s looked up in it', () => {
    const features = new Set(['gl:spin', 'zh:云', 'alibaba']);
    const lookup = { has: (feature: string) => features.has(feature) };
    const big = new Set([...features, ...Array.from({ length: 50 }, (_, i) => `other:${i}`)]);
    expect(presenceOf(question, lookup)).toEqual(presenceOf(question, features));
    expect(presenceOf(question, big)).toEqual(presenceOf(question, features));
    expect(matchProfile(question, lookup).coverage).toBeCloseTo((3 + 2 * 0.8 + 1) / 6);
    expect(entityShare(question, new Set(['alibaba']))).toBe(1);
  });

  it('says how well the concept naming what the answer is is met, and 1 when the question names none', () => {
    const focused: WeightedQuestion = { ...question, focus: 1 };
    expect(matchProfile(focused, new Set(['gl:spin'])).focus).toBeCloseTo(0.8);
    expect(matchProfile(focused, new Set(['alibaba'])).focus).toBe(0);
    expect(matchProfile(question, new Set(['alibaba'])).focus).toBe(1);
  });
});
