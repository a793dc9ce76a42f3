import { describe, expect, it } from 'vitest';
import { PackedWords, readSections, writeSections } from '../../src/semantic/binary.js';
import { buildSemanticTables, firstPrincipalComponent } from '../../src/semantic/build.js';
import { SentenceEmbedder } from '../../src/semantic/embedder.js';
import { answeringSentences, sentenceRecall } from '../../src/semantic/recall.js';
import { deserialiseSemanticTables, serialiseSemanticTables } from '../../src/semantic/store.js';
import { parseWinkVectors } from '../../src/semantic/word-vectors.js';
import { articleOf, sentenceTexts, smallSources } from '../support/word-vectors.js';

const ENGLISH = articleOf(
  'en',
  'The company sold a new automobile last year. Bananas and other fruit grew well.\n\nA storm brought rain to the coast. Revenue and profit rose.',
);
const CHINESE = articleOf('zh', '這家公司的利潤很高。\n\n今天下雨了。\n\n香蕉是水果。');

function embedderFor(...articles: Array<ReturnType<typeof articleOf>>): SentenceEmbedder {
  return new SentenceEmbedder(buildSemanticTables({ articles, ...smallSources() }));
}

/** Sentence indexes of an article, most similar to the question first. */
function ranking(embedder: SentenceEmbedder, question: string, article: ReturnType<typeof articleOf>): number[] {
  const q = embedder.embedQuestion(question);
  const scores = article.sentences.map((_, i) => embedder.similarity(q, embedder.embedSentence(article, i)));
  return scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
}

describe('SentenceEmbedder', () => {
  it('ranks the sentence that means what a question asks first, with none of its words', () => {
    const embedder = embedderFor(ENGLISH, CHINESE);
    expect(sentenceTexts(ENGLISH)[ranking(embedder, 'Which vehicle?', ENGLISH)[0]!]).toContain('automobile');
    expect(sentenceTexts(ENGLISH)[ranking(embedder, 'How much money did they make?', ENGLISH)[0]!]).toContain('profit');
  });

  it('meets Chinese, Traditional or Simplified, through the glosses of its words', () => {
    const embedder = embedderFor(ENGLISH, CHINESE);
    expect(sentenceTexts(CHINESE)[ranking(embedder, 'Is a banana a fruit?', CHINESE)[0]!]).toContain('香蕉');
    expect(sentenceTexts(CHINESE)[ranking(embedder, 'Did the storm bring rain?', CHINESE)[0]!]).toContain('下雨');
    expect(sentenceTexts(ENGLISH)[ranking(embedder, '汽車', ENGLISH)[0]!]).toContain('automobile');
    expect(embedder.similarity(embedder.embedText('汽車'), embedder.embedText('汽车'))).toBeCloseTo(1, 5);
  });

  it('reads words as the dictionary has them: longest word first, function words and usage notes left out', () => {
    const embedder = embedderFor(CHINESE);
    expect(embedder.wordsOf('這家公司的利潤')).toEqual([
      ['zh', '公司'],
      ['zh', '利润'],
    ]);
    // A common word's senses come before a proper noun written alike; a gloss of unknown words gives no vector.
    expect(embedder.wordsOf('成功')).toEqual([['zh', '成功']]);
    expect(embedder.wordsOf('龍')).toEqual([]);
    // A word the dictionary lacks is read through the dictionary words inside it.
    expect(embedder.wordsOf('降雨量')).toEqual([['zh', '降雨']]);
    // Inflections the table lacks are read through their stem; hyphenated compounds as a whole and in parts.
    expect(embedder.wordsOf('Automobiles said spin-off')).toEqual([
      ['en', 'automobile'],
      ['en', 'spin-off'],
      ['en', 'spin'],
    ]);
  });

  it('scores every sentence of an article for a question, once per question', () => {
    const embedder = embedderFor(ENGLISH, CHINESE);
    const scores = embedder.sentenceSimilarities('Which vehicle?', ENGLISH);
    expect(scores).toHaveLength(ENGLISH.sentences.length);
    expect(Array.from(scores).indexOf(Math.max(...scores))).toBe(ranking(embedder, 'Which vehicle?', ENGLISH)[0]);
    expect(embedder.sentenceSimilarities('Which vehicle?', ENGLISH)).toBe(scores);
    expect(embedder.sentenceSimilarities('Which fruit?', ENGLISH)).not.toEqual(scores);
  });

  it('scores one sentence as the whole article’s scores do, before and after they are computed', () => {
    const fresh = embedderFor(ENGLISH, CHINESE);
    const alone = ENGLISH.sentences.map((_, i) => fresh.sentenceSimilarity('Which vehicle?', ENGLISH, i));
    const scores = Array.from(fresh.sentenceSimilarities('Which vehicle?', ENGLISH));
    alone.forEach((score, i) => expect(score).toBeCloseTo(scores[i]!, 6));
    expect(ENGLISH.sentences.map((_, i) => fresh.sentenceSimilarity('Which vehicle?', ENGLISH, i))).toEqual(scores);
    expect(Math.max(...alone)).toBeGreaterThan(0);
  });

  it('aligns a question word by word: a paraphrase or the other language meets it, unrelated words do not', () => {
    const embedder = embedderFor(ENGLISH, CHINESE);
    const sentenceOf = (article: ReturnType<typeof articleOf>, needle: string) => sentenceTexts(article).findIndex((text) => text.includes(needle));
    const car = sentenceOf(ENGLISH, 'automobile');
    const storm = sentenceOf(ENGLISH, 'storm');
    const paraphrase = embedder.alignment('Which vehicle did the company sell?', ENGLISH, [car]);
    expect(paraphrase).toBeGreaterThan(embedder.alignment('Which vehicle did the company sell?', ENGLISH, [storm]));
    expect(paraphrase).toBeLessThanOrEqual(1);
    // A span of two sentences meets each word as well as its best sentence does.
    expect(embedder.alignment('Which vehicle brought rain?', ENGLISH, [car, storm])).toBeGreaterThan(
      Math.max(embedder.alignment('Which vehicle brought rain?', ENGLISH, [car]), embedder.alignment('Which vehicle brought rain?', ENGLISH, [storm])),
    );
    const rain = sentenceOf(CHINESE, '下雨');
    expect(embedder.alignment('Did it rain today?', CHINESE, [rain])).toBeGreaterThan(embedder.alignment('Did it rain today?', CHINESE, [sentenceOf(CHINESE, '香蕉')]));
    expect(embedder.alignment('?!', ENGLISH, [car])).toBe(0);
  });

  it('gives a text without known words a zero vector, similar to nothing', () => {
    const embedder = embedderFor(ENGLISH);
    const empty = embedder.embedText('Zorblax quintessimo 42');
    expect(Array.from(empty).every((v) => v === 0)).toBe(true);
    expect(embedder.similarity(empty, embedder.embedSentence(ENGLISH, 0))).toBe(0);
    const car = embedder.embedText('car');
    expect(embedder.similarity(car, car)).toBeCloseTo(1, 5);
  });

  it('weighs a common word less than a rare one (SIF)', () => {
    const { english } = buildSemanticTables({ articles: [ENGLISH], ...smallSources() });
    const weightOf = (word: string) => english.weights[english.words.indexOf(word)]!;
    expect(weightOf('company')).toBeLessThan(weightOf('revenue'));
    expect(weightOf('revenue')).toBeLessThan(1);
  });

  it('serves stored sentence vectors, remembered, and computes those of a changed article from its text', () => {
    const embedder = embedderFor(ENGLISH);
    const first = embedder.embedSentence(ENGLISH, 1);
    expect(embedder.embedSentence(ENGLISH, 1)).toBe(first);
    expect(embedder.similarity(first, first)).toBeCloseTo(1, 6);
    expect(embedder.similarity(first, embedder.embedText(sentenceTexts(ENGLISH)[1]!))).toBeCloseTo(1, 3);
    const changed = articleOf('en', 'Rain and a storm.');
    expect(embedder.similarity(embedder.embedSentence(changed, 0), embedder.embedText('Rain and a storm.'))).toBeCloseTo(1, 6);
    expect(() => embedder.embedSentence(changed, 5)).toThrow(RangeError);
  });

  it('removes the corpus’s first principal component from every vector', () => {
    const tables = buildSemanticTables({ articles: [ENGLISH, CHINESE], ...smallSources() });
    const embedder = new SentenceEmbedder(tables);
    const along = (v: Float32Array) => v.reduce((sum, x, j) => sum + x * tables.principal[j]!, 0);
    expect(Math.hypot(...tables.principal)).toBeCloseTo(1, 5);
    expect(along(embedder.embedQuestion('A new company'))).toBeCloseTo(0, 5);
    const without = new SentenceEmbedder(buildSemanticTables({ articles: [ENGLISH], ...smallSources(), settings: { removePrincipal: false } }));
    expect(Array.from(without.embedText('profit'))).not.toEqual(Array.from(embedder.embedText('profit')));
  });
});

describe('semantic tables on disk', () => {
  it('load from their binary form and embed exactly as built', () => {
    const tables = buildSemanticTables({ articles: [ENGLISH, CHINESE], ...smallSources() });
    const loaded = new SentenceEmbedder(deserialiseSemanticTables(serialiseSemanticTables(tables)));
    const built = new SentenceEmbedder(tables);
    for (const text of ['Which vehicle made a profit?', '香蕉是水果嗎？', 'rain']) expect(Array.from(loaded.embedText(text))).toEqual(Array.from(built.embedText(text)));
    expect(Array.from(loaded.embedSentence(CHINESE, 2))).toEqual(Array.from(built.embedSentence(CHINESE, 2)));
  });

  it('refuse a damaged file', () => {
    const bytes = serialiseSemanticTables(buildSemanticTables({ articles: [ENGLISH], ...smallSources() }));
    expect(() => deserialiseSemanticTables(bytes.subarray(0, bytes.length - 64))).toThrow(/cut short/);
    const wrong = Buffer.from(bytes);
    wrong[0] = 0;
    expect(() => deserialiseSemanticTables(wrong)).toThrow(/not a Tether binary table/);
    const tables = buildSemanticTables({ articles: [ENGLISH, CHINESE], ...smallSources() });
    const rows = Uint32Array.from(tables.chinese.rows);
    rows[rows.length - 1] = tables.english.words.size;
    const dangling = serialiseSemanticTables({ ...tables, chinese: { ...tables.chinese, rows } });
    expect(() => deserialiseSemanticTables(dangling)).toThrow(/refers to a missing word/);
  });
});

describe('binary sections and packed words', () => {
  it('round-trip typed arrays and text, aligned for typed views even from an unaligned buffer', () => {
    const bytes = writeSections({ note: 'x' }, { text: '阿里雲 cloud', i8: Int8Array.of(-128, 0, 127), f32: Float32Array.of(1.5, -2), u32: Uint32Array.of(7, 4_000_000_000) });
    const unaligned = new Uint8Array(bytes.length + 3).subarray(3);
    unaligned.set(bytes);
    const { header, sections } = readSections(unaligned);
    expect(header).toEqual({ note: 'x' });
    expect(sections.text('text')).toBe('阿里雲 cloud');
    expect(Array.from(sections.int8('i8'))).toEqual([-128, 0, 127]);
    expect(Array.from(sections.float32('f32'))).toEqual([1.5, -2]);
    expect(Array.from(sections.uint32('u32'))).toEqual([7, 4_000_000_000]);
    expect(() => sections.float32('text')).toThrow(/no float32 section/);
  });

  it('find words and prefixes by binary search', () => {
    const words = PackedWords.pack(['公司', '公', 'cloud', '阿里巴巴', 'cloud', 'clouds']);
    expect(words.size).toBe(5);
    expect(words.at(words.indexOf('公司'))).toBe('公司');
    expect(words.indexOf('阿里')).toBe(-1);
    expect(words.hasPrefix('阿里')).toBe(true);
    expect(words.hasPrefix('阿里云')).toBe(false);
    const { blob, offsets } = words.stored();
    expect(PackedWords.fromStored(blob, offsets).sorted()).toEqual(words.sorted());
    expect(() => PackedWords.fromStored(blob.slice(1), offsets)).toThrow();
  });

  it('answer as a plain search of the sorted words does, for words, prefixes and strings between them', () => {
    const list = ['cloud', 'clouds', 'cloudy', 'a', 'ab', 'b', '公', '公司', '公司法', '𠮷野家', '阿里巴巴', 'Z'];
    const words = PackedWords.pack(list);
    const sorted = words.sorted();
    const probes = [...list, '', 'c', 'clo', 'cloudx', 'cloudsy', 'aa', 'ba', '公园', '公司法律', '𠮷', '\ud842', '阿', '阿里巴巴集团', 'zz', '\uffff'];
    for (const probe of probes) {
      expect(words.indexOf(probe), probe).toBe(sorted.indexOf(probe));
      expect(words.hasPrefix(probe), probe).toBe(sorted.some((word) => word.startsWith(probe)));
    }
  });
});

describe('reading the packaged vectors', () => {
  it('keeps lower-case words in frequency order, whatever the order of the file', () => {
    const json = JSON.stringify({
      precision: 8,
      l2NormIndex: 3,
      wordIndex: 4,
      size: 5,
      dimensions: 3,
      words: ['the', ',', 'car', 'spin-off', 'Zed'],
      vectors: { car: [0.5, -1, 2e-1, 2.3, 2], 'spin-off': [1, 0, -0.25, 1.1, 3], ',': [1, 1, 1, 1.7, 1], the: [-0.125, 1.5e0, 0, 1.5, 0], Zed: [1, 2, 3, 3.7, 4], '\\"': [1, 1, 1, 1.7, 5] },
      unkVector: [0, 0, 0, -1],
    });
    const table = parseWinkVectors(Buffer.from(json), 'test@1');
    expect(table.words).toEqual(['the', 'car', 'spin-off']);
    expect(Array.from(table.ranks)).toEqual([0, 2, 3]);
    expect(table.vocabularySize).toBe(6);
    const vectorOf = (row: number) => Array.from(table.quantized.subarray(row * 3, row * 3 + 3), (q) => q * table.scales[row]!);
    vectorOf(1).forEach((v, j) => expect(v).toBeCloseTo([0.5, -1, 0.2][j]!, 2));
    vectorOf(0).forEach((v, j) => expect(v).toBeCloseTo([-0.125, 1.5, 0][j]!, 2));
  });
});

describe('first principal component', () => {
  it('is the direction the vectors share', () => {
    const vectors = [Float32Array.of(3, 0.1, 0), Float32Array.of(-2.9, 0, 0.2), Float32Array.of(3.1, -0.2, 0)];
    const pc = firstPrincipalComponent(vectors, 3);
    expect(Math.abs(pc[0]!)).toBeGreaterThan(0.99);
    expect(Array.from(firstPrincipalComponent([], 3))).toEqual([0, 0, 0]);
  });
});

describe('sentence recall', () => {
  it('finds the answering sentence of a case and counts where each scorer ranks it', () => {
    const article = { ...articleOf('0000-t', ENGLISH.text), meta: {} } as never;
    expect(answeringSentences(article, { paragraph: 1, expect: ['profit'] })).toEqual([3]);
    expect(answeringSentences(article, { paragraph: 0, expect: ['profit'] })).toEqual([]);
    const cases = [
      { question: 'q', paragraph: 1, expect: ['PROFIT'], position: 0, title: 't' },
      { question: 'q', paragraph: 0, expect: ['nowhere'], position: 0, title: 't' },
    ];
    const recall = sentenceRecall([article], cases, { last: () => [0, 1, 2, 3], first: () => [3, 2, 1, 0] });
    expect(recall.last).toMatchObject({ cases: 1, unlocated: 1, at1: 1, at3: 1 });
    expect(recall.first).toMatchObject({ at1: 0, at3: 0, at10: 1 });
  });
});
