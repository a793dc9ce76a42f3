import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSyntheticCorpus } from '../../bench/corpus-scale.js';
import { sentencePool } from '../../bench/synthetic.js';
import { loadCorpus } from '../../src/corpus/load.js';
import { splitParagraphs, splitSentences } from '../../src/corpus/sentences.js';
import type { Article } from '../../src/corpus/types.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-corpus-scale-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function article(text: string): Article {
  const paragraphs = splitParagraphs(text);
  return {
    id: 'en',
    source: 'corpus/en.txt',
    text,
    meta: { title: 'en', titleEditorial: false, lang: 'en', publication: undefined, author: undefined, date: undefined, notes: undefined },
    paragraphs,
    sentences: splitSentences(text, paragraphs),
  };
}

describe('a synthetic scale corpus', () => {
  it('is written as articles of chunk-sized paragraphs that the corpus loader reads', async () => {
    const pool = sentencePool([article('Revenue grew 9% to 276.48 billion yuan in the quarter. The cloud unit paused its spin-off.\n\nWu Yongming now leads Alibaba Cloud.')]);
    const corpus = await writeSyntheticCorpus(pool, 45, dir, 7, 20);
    const loaded = await loadCorpus(corpus.corpusDir, dir);
    expect(loaded.articles).toHaveLength(3);
    expect(loaded.articles.map((a) => a.paragraphs.length)).toEqual([20, 20, 5]);
    expect(corpus.cases).toEqual([]);
  });
});
