import { describe, expect, it } from 'vitest';
import { CHINESE_STOPWORDS } from '../../src/text/features.js';

describe('Chinese function words', () => {
  it('reads a word made only of function words as one (谁在, 的是, 这位)', () => {
    for (const word of ['的', '谁在', '的是', '哪一位', '这位', '几位', '地', '位']) expect(CHINESE_STOPWORDS.has(word), word).toBe(true);
  });

  it('reads question words that name no topic as function words: what place, what thing, which year of the era, which one, what kind', () => {
    for (const word of ['什么地方', '什么东西', '何种', '何年', '西元', '公元', '百分之', '哪一个', '哪一种', '什么样', '怎么样']) expect(CHINESE_STOPWORDS.has(word), word).toBe(true);
    // Which one of a thing named by more than a measure word is a question about that thing.
    expect(CHINESE_STOPWORDS.has('哪一年代')).toBe(false);
  });

  it('reads the frame of "as for X" (对X来说, 对X而言) as function words, not as "come" or "say"', () => {
    for (const word of ['来说', '而言', '来讲', '的话']) expect(CHINESE_STOPWORDS.has(word), word).toBe(true);
  });

  it('reads what English says with function words as function words: 跟 (with), measure words after 这 / 那, now, then, before, after', () => {
    for (const word of ['跟', '这次', '那篇', '几次', '现在', '当时', '之后', '以前', '曾经', '后', '时候', '由', '由于', '因为', '作为', '到', '中的']) expect(CHINESE_STOPWORDS.has(word), word).toBe(true);
    // A measure word inside a content word keeps it content: the next year, once.
    for (const word of ['次年', '一次', '篇章', '后来', '皇后', '到达']) expect(CHINESE_STOPWORDS.has(word), word).toBe(false);
  });

  it('keeps words whose 地 or 位 is content: status, here, lies in', () => {
    for (const word of ['地位', '此地', '位于', '在位']) expect(CHINESE_STOPWORDS.has(word), word).toBe(false);
  });
});
