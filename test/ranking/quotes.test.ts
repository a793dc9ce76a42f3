import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/corpus/types.js';
import { pickQuotes, type QuoteSpan } from '../../src/ranking/quotes.js';

// Sentence n of these articles is characters 10n–10n+9 of paragraph ⌊n/10⌋.
const article = (id: string, lang: Article['meta']['lang']) => ({ id, meta: { lang } }) as unknown as Article;
const en = article('en', 'en');
const zh = article('zh', 'zh-Hant');
const span = (from: Article, sentences: number | number[], coverage = 0.5): QuoteSpan => {
  const indexes = typeof sentences === 'number' ? [sentences] : sentences;
  return { article: from, paragraph: Math.floor(indexes[0]! / 10), start: 10 * indexes[0]!, end: 10 * indexes.at(-1)! + 9, sentenceIndexes: indexes, coverage };
};
const label = (s: QuoteSpan) => `${s.article.id}${s.sentenceIndexes.join('+')}`;

describe('the quotes shown', () => {
  it('keep the ranker\'s order, whatever the language, and page on without repeating', () => {
    const spans = [span(en, 1), span(en, 3), span(en, 5), span(en, 7), span(zh, 9)];
    expect(pickQuotes(spans, 3).map(label)).toEqual(['en1', 'en3', 'en5']);
    expect(pickQuotes(spans, 5).map(label)).toEqual(['en1', 'en3', 'en5', 'en7', 'zh9']);
  });

  it('leave out spans that share a sentence with a better one, or express nothing of the question', () => {
    const pair = span(en, [1, 2], 0.9);
    const picked = pickQuotes([pair, span(en, 2), span(en, 5, 0), span(en, 7)], 3);
    expect(picked).toEqual([pair, span(en, 7)]);
    // With no evidence at all, the nearest spans are still listed (for a refusal).
    expect(pickQuotes([span(en, 7, 0), span(zh, 8, 0)], 3)).toHaveLength(2);
  });

  it('join a span to the quote it continues in its paragraph, and give its place to the next span', () => {
    const picked = pickQuotes([span(en, 4), span(en, 7), span(en, 3), span(en, 5), span(zh, 1)], 3);
    expect(picked.map(label)).toEqual(['en3+4+5', 'en7', 'zh1']);
    // The joined quote is the whole extent of its sentences, at the better span's rank and score.
    expect(picked[0]).toMatchObject({ start: 30, end: 59, coverage: 0.5 });
  });

  it('join no spans of two paragraphs, with a sentence between them, of two articles, or beyond three sentences', () => {
    expect(pickQuotes([span(en, 9), span(en, 10), span(en, 12), span(zh, 13)], 3).map(label)).toEqual(['en9', 'en10', 'en12']);
    expect(pickQuotes([span(en, [1, 2]), span(en, [3, 4]), span(en, 7)], 3).map(label)).toEqual(['en1+2', 'en3+4', 'en7']);
    expect(pickQuotes([span(en, [1, 2]), span(en, 3), span(en, 4)], 3).map(label)).toEqual(['en1+2+3', 'en4']);
  });

  it('show a page as it will stay: a longer list starts with the same quotes, later spans widen only the later page', () => {
    const spans = [span(en, 1), span(en, 21), span(en, 41), span(en, 61), span(en, 2), span(en, 62), span(en, 81), span(en, 91)];
    const first = pickQuotes(spans, 3);
    expect(first.map(label)).toEqual(['en1', 'en21', 'en41']);
    const two = pickQuotes(spans, 6);
    expect(two.slice(0, 3)).toEqual(first);
    // en2 continues en1, but en1 was shown on the first page; en62 widens en61 on the second.
    expect(two.slice(3).map(label)).toEqual(['en61+62', 'en2', 'en81']);
  });
});
