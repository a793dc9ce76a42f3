import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import MiniSearch from 'minisearch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeFeatureStats } from '../../src/text/analyzer.js';
import { sentenceFeatureText, type StoredChunk, type StoredDerivation } from '../../src/index/lexical-store/format.js';
import { LexicalStore, readArticleDerivations } from '../../src/index/lexical-store/read.js';
import { LexicalStoreWriter, writeLexicalStore } from '../../src/index/lexical-store/write.js';
import { ARTICLE_RULES_VERSION } from '../../src/corpus/load.js';
import { DEFAULT_CHUNKING } from '../../src/corpus/chunk.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-lexical-store-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const bag = (entries: Record<string, number>) => new Map(Object.entries(entries));

/** Chunks with overlapping vocabularies, repeated weights and lengths that differ, so BM25's terms all matter. */
function sampleChunks(): StoredChunk[] {
  const words = ['cloud', 'alibaba', 'zh:阿里', 'py:ali', 'outage', 'server', 'price', 'chip', 'team', 'sale'];
  return Array.from({ length: 40 }, (_, i) => {
    const features: Record<string, number> = {};
    for (let j = 0; j < words.length; j += 1) if ((i * 7 + j * 3) % (j + 2) === 0) features[words[j]!] = ((i + j) % 4) + 0.4;
    features[`only:${i}`] = 1;
    return { id: `article-${Math.floor(i / 5)}:${i % 5}`, features: bag(features) };
  });
}

/** What MiniSearch (the engine the store replaced, and the committed ranking model was trained on) scores. */
function miniSearchScores(chunks: StoredChunk[], query: Map<string, number>): Array<{ id: string; score: number }> {
  const search = new MiniSearch<{ id: string; features: string }>({ fields: ['features'], storeFields: [], tokenize: (t) => t.split(' '), processTerm: (t) => t || null });
  search.addAll(chunks.map((chunk) => ({ id: chunk.id, features: [...chunk.features].flatMap(([f, w]) => Array<string>(Math.max(1, Math.round(w))).fill(f)).join(' ') })));
  return search.search([...query.keys()].join(' '), { boostTerm: (term: string) => query.get(term) ?? 1 }).map((r) => ({ id: String(r.id), score: r.score }));
}

describe('the SQLite lexical store', () => {
  it('ranks and scores as MiniSearch BM25 did when every query term is read', () => {
    const chunks = sampleChunks();
    const file = path.join(dir, 'lexical.sqlite');
    writeLexicalStore(file, chunks);
    const store = LexicalStore.open(file);
    try {
      for (const query of [bag({ cloud: 1, outage: 0.5 }), bag({ 'zh:阿里': 1, 'py:ali': 1.4, chip: 0.2, sale: 0.3 }), bag({ team: 1, 'only:7': 2 })]) {
        const expected = miniSearchScores(chunks, query);
        const got = store.query(query, 100, Infinity);
        expect(got.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
        got.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 10));
      }
    } finally {
      store.close();
    }
  });

  it('gives the document frequencies the build counted, read per feature, and the features with a prefix', () => {
    const chunks = sampleChunks();
    const file = path.join(dir, 'lexical.sqlite');
    writeLexicalStore(file, chunks);
    const counted = computeFeatureStats(chunks.map((chunk) => chunk.features)).documentFrequency;
    const store = LexicalStore.open(file);
    try {
      const read = store.documentFrequencies();
      for (const [feature, df] of counted) {
        expect(read.get(feature)).toBe(df);
        expect(read.get(feature)).toBe(df);
      }
      expect(read.has('absent')).toBe(false);
      expect(read.get('absent')).toBeUndefined();
      expect(read.startingWith('only:1').sort()).toEqual(counted.startingWith('only:1').sort());
      expect(read.startingWith('only:1')).toHaveLength(11);
      expect(read.startingWith('zh:')).toEqual(['zh:阿里']);
    } finally {
      store.close();
    }
  });

  it('returns at most `limit` hits, best first, and nothing for unknown terms', () => {
    const file = path.join(dir, 'lexical.sqlite');
    writeLexicalStore(file, sampleChunks());
    const store = LexicalStore.open(file);
    try {
      const hits = store.query(bag({ cloud: 1, server: 1, price: 1 }), 3);
      expect(hits).toHaveLength(3);
      expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
      expect(hits[1]!.score).toBeGreaterThanOrEqual(hits[2]!.score);
      expect(store.query(bag({ 'never-seen': 1 }), 3)).toEqual([]);
      // The accumulators are reused: the same query twice gives the same answer.
      expect(store.query(bag({ cloud: 1, server: 1, price: 1 }), 3)).toEqual(hits);
    } finally {
      store.close();
    }
  });

  it('lists only the chunks a filter keeps, as many as asked and in the same order as unfiltered', () => {
    const file = path.join(dir, 'lexical.sqlite');
    writeLexicalStore(file, sampleChunks());
    const store = LexicalStore.open(file);
    try {
      const query = bag({ cloud: 1, server: 1, price: 1, team: 1 });
      const all = store.query(query, 100);
      const keep = (id: string) => id.startsWith('article-2:');
      const kept = store.query(query, 2, undefined, keep);
      expect(all.some((hit) => !keep(hit.id))).toBe(true);
      expect(kept).toEqual(all.filter((hit) => keep(hit.id)).slice(0, 2));
      expect(kept).toHaveLength(2);
    } finally {
      store.close();
    }
  });

  it('reads only the strongest terms when told to, keeping the best match on top', () => {
    const file = path.join(dir, 'lexical.sqlite');
    writeLexicalStore(file, sampleChunks());
    const store = LexicalStore.open(file);
    try {
      const query = bag({ 'only:12': 3, cloud: 0.1, team: 0.1, sale: 0.1 });
      expect(store.query(query, 1, 1)).toEqual([{ id: 'article-2:2', score: expect.any(Number) as number }]);
      expect(store.query(query, 5, 1)).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('refuses a file that is not a store', async () => {
    const file = path.join(dir, 'lexical.sqlite');
    await fs.writeFile(file, 'not a database'.repeat(100));
    expect(() => LexicalStore.open(file)).toThrow();
    expect(() => LexicalStore.open(path.join(dir, 'missing.sqlite'))).toThrow(/no lexical store/);
  });

  it('keeps each sentence\'s features and tells which chunks hold a feature', () => {
    const file = path.join(dir, 'lexical.sqlite');
    const chunks = sampleChunks();
    writeLexicalStore(file, chunks, [
      { articleId: 'article-0', index: 0, features: sentenceFeatureText(['cloud', 'zh:阿里', 'py:ali']) },
      { articleId: 'article-0', index: 1, features: sentenceFeatureText([]) },
    ]);
    const store = LexicalStore.open(file);
    try {
      expect(store.sentenceFeatures('article-0', 0)).toEqual(['cloud', 'zh:阿里', 'py:ali']);
      expect(store.sentenceFeatures('article-0', 1)).toEqual([]);
      expect(store.sentenceFeatures('article-0', 2)).toBeUndefined();
      expect(store.sentenceFeatures('article-9', 0)).toBeUndefined();
      expect(store.chunksWith('only:7')).toEqual([chunks[7]!.id]);
      expect(store.chunksWith('cloud')).toEqual(chunks.filter((chunk) => chunk.features.has('cloud')).map((chunk) => chunk.id));
      expect(store.chunksWith('absent')).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('is written as the build writes it: sentences article by article, then the chunks, the same store as in one go', () => {
    const chunks = sampleChunks();
    const sentences = Array.from({ length: 6 }, (_, i) => ({ articleId: `article-${Math.floor(i / 3)}`, index: i % 3, features: sentenceFeatureText([`s:${i}`, 'cloud']) }));
    const whole = path.join(dir, 'whole.sqlite');
    writeLexicalStore(whole, chunks, sentences);
    const streamed = path.join(dir, 'streamed.sqlite');
    const writer = LexicalStoreWriter.create(streamed);
    writer.addSentences(sentences.slice(0, 3));
    writer.addSentences(sentences.slice(3));
    writer.finish(chunks);
    writer.abort();
    // Row for row (the files' headers count their transactions).
    const rows = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return ['meta', 'chunks', 'terms', 'sentences'].map((table) => db.prepare(`SELECT * FROM ${table}`).all());
      } finally {
        db.close();
      }
    };
    expect(rows(streamed)).toEqual(rows(whole));
    const store = LexicalStore.open(streamed);
    try {
      expect(store.sentenceFeatures('article-1', 2)).toEqual(['s:5', 'cloud']);
      expect(store.query(bag({ 'only:3': 1 }), 5).map((hit) => hit.id)).toEqual([chunks[3]!.id]);
    } finally {
      store.close();
    }
  });

  it('keeps what the article rules derived of each article, read back only while the rules are the same', async () => {
    const derivations: StoredDerivation[] = [
      { articleId: 'a', digest: 'd1', inferredLang: 'zh-Hant', sentences: [{ start: 0, end: 12, paragraph: 1 }, { start: 13, end: 40, paragraph: 2 }], chunks: [{ first: 0, last: 0 }, { first: 1, last: 1 }] },
      { articleId: 'b', digest: 'd2', inferredLang: undefined, sentences: [{ start: 3, end: 70_000, paragraph: 1 }], chunks: [{ first: 0, last: 0 }] },
    ];
    const file = path.join(dir, 'lexical.sqlite');
    const writer = LexicalStoreWriter.create(file);
    writer.addDerivations(derivations);
    writer.finish(sampleChunks());
    const read = readArticleDerivations(file);
    expect(read && Object.fromEntries(read)).toEqual(Object.fromEntries(derivations.map(({ articleId, ...derivation }) => [articleId, derivation])));

    // Written under other rules or chunking settings (or damaged, or missing): nothing is reused, the articles are derived again.
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'chunking'").run(JSON.stringify({ ...DEFAULT_CHUNKING, maxSize: DEFAULT_CHUNKING.maxSize + 1 }));
    expect(readArticleDerivations(file)).toBeUndefined();
    db.prepare("UPDATE meta SET value = ? WHERE key = 'chunking'").run(JSON.stringify(DEFAULT_CHUNKING));
    expect(readArticleDerivations(file)).toBeDefined();
    db.prepare("UPDATE meta SET value = ? WHERE key = 'articleRules'").run(ARTICLE_RULES_VERSION + 1);
    db.close();
    expect(readArticleDerivations(file)).toBeUndefined();
    const damaged = path.join(dir, 'damaged.sqlite');
    await fs.writeFile(damaged, 'not a database');
    expect(readArticleDerivations(damaged)).toBeUndefined();
    expect(readArticleDerivations(path.join(dir, 'missing.sqlite'))).toBeUndefined();
  });

  it('is no store when its writing was abandoned', () => {
    const file = path.join(dir, 'lexical.sqlite');
    const writer = LexicalStoreWriter.create(file);
    writer.addSentences([{ articleId: 'a', index: 0, features: sentenceFeatureText(['cloud']) }]);
    writer.abort();
    expect(() => LexicalStore.open(file)).toThrow();
  });
});
