import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/corpus/types.js';
import { pickQuotes } from '../../src/ranking/spans.js';

const article = (id: string, lang: Article['meta']['lang']) => ({ id, meta: { lang } }) as unknown as Article;
const en = article('en', 'en');
const zh = article('zh', 'zh-Hant');
const span = (from: Article, sentence: number, coverage = 0.5) => ({ article: from, sentenceIndexes: [sentence], coverage });

describe('the quotes shown', () => {
  it('keep the ranker\'s order, whatever the language, and page on without repeating', () => {
    const spans = [span(en, 1), span(en, 2), span(en, 3), span(en, 4), span(zh, 9)];
    expect(pickQuotes(spans, 3).map((s) => `${s.article.id}${s.sentenceIndexes[0]}`)).toEqual(['en1', 'en2', 'en3']);
    expect(pickQuotes(spans, 5).map((s) => `${s.article.id}${s.sentenceIndexes[0]}`)).toEqual(['en1', 'en2', 'en3', 'en4', 'zh9']);
  });

  it('leave out spans that share a sentence with a better one, or express nothing of the question', () => {
    const pair = { article: en, sentenceIndexes: [1, 2], coverage: 0.9 };
    const picked = pickQuotes([pair, span(en, 2), span(en, 5, 0), span(en, 6)], 3);
    expect(picked).toEqual([pair, span(en, 6)]);
    // With no evidence at all, the nearest spans are still listed (for a refusal).
    expect(pickQuotes([span(en, 7, 0), span(zh, 8, 0)], 3)).toHaveLength(2);
  });
});
