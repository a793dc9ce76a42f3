import { describe, expect, it } from 'vitest';
import { createRandom, sentencePool, syntheticChunks, syntheticQueries } from '../../bench/synthetic.js';
import { splitParagraphs, splitSentences } from '../../src/corpus/sentences.js';
import type { Article, Lang } from '../../src/corpus/types.js';

function article(id: string, lang: Lang, text: string): Article {
  const paragraphs = splitParagraphs(text);
  return {
    id,
    source: `corpus/${id}.txt`,
    text,
    meta: { title: id, titleEditorial: false, lang, publication: undefined, author: undefined, date: undefined, notes: undefined },
    paragraphs,
    sentences: splitSentences(text, paragraphs),
  };
}

const articles = [
  article('en', 'en', 'Revenue grew 9% to 276.48 billion yuan in the quarter. The cloud unit paused its spin-off.\n\nWu Yongming now leads Alibaba Cloud.'),
  article('zh', 'zh-Hant', '阿里雲收入同比增長2%。公司暫停分拆雲智能集團。\n\n吳泳銘擔任阿里雲董事長。'),
];

describe('synthetic corpora', () => {
  it('are the same for the same seed and differ for another', () => {
    const pool = sentencePool(articles);
    expect(syntheticChunks(pool, 50, createRandom(1))).toEqual(syntheticChunks(pool, 50, createRandom(1)));
    expect(syntheticChunks(pool, 50, createRandom(2))).not.toEqual(syntheticChunks(pool, 50, createRandom(1)));
  });

  it('mix both languages and recombine the corpus words', () => {
    const pool = sentencePool(articles);
    const chunks = syntheticChunks(pool, 200, createRandom(3));
    expect(chunks).toHaveLength(200);
    expect(chunks.some((text) => /\p{Script=Han}/u.test(text))).toBe(true);
    expect(chunks.some((text) => /^[\x20-\x7e]+$/.test(text))).toBe(true);
    expect(chunks.every((text) => text.trim().length > 0)).toBe(true);
  });

  it('replace numbers with random ones of a similar shape', () => {
    const pool = sentencePool([articles[0]!]);
    const numbers = syntheticChunks(pool, 300, createRandom(4)).flatMap((text) => text.match(/\d+(?:\.\d+)?/g) ?? []);
    expect(new Set(numbers).size).toBeGreaterThan(20);
    expect(numbers.filter((n) => n.includes('.')).every((n) => /^\d+\.\d\d$/.test(n))).toBe(true);
  });

  it('make short, non-empty queries', () => {
    const queries = syntheticQueries(sentencePool(articles), 100, createRandom(5));
    expect(queries).toHaveLength(100);
    expect(queries.every((q) => q.length > 0 && q.length < 200)).toBe(true);
  });
});
