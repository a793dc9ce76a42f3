import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { indexFiles } from '../../src/index/manifest.js';
import { decodeLexicon, encodeLexicon, lexiconFileFromText, reviseLexicon, lexiconFromFile, loadLexicon, saveLexicon, type Lexicon, type LexiconFile } from '../../src/text/lexicon.js';
import { makeTmpDir } from '../support/corpus.js';
import { sharedProject } from '../support/shared.js';

// A small lexicon in the built form, with the cases the stored form must keep apart: a name, a
// transliteration, a word with no gloss the corpus can meet, a gloss of several stems, a word that
// is a prefix of another (阿里 / 阿里巴巴), characters outside the Basic Multilingual Plane (𠮷).
const BUILT: LexiconFile = {
  version: 4,
  source: 'test',
  syllables: ['a', 'li', 'ba', 'yun'],
  glosses: new Map([
    ['阿里', '^ali/2 ali'],
    ['阿里巴巴', '^alibaba'],
    ['云', 'cloud'],
    ['云计算', 'cloud_comput cloud/2 comput/2'],
    ['纽卡斯尔', '^newcastl'],
    ['成功', ''],
    ['𠮷野家', '^yoshinoya'],
  ]),
  properNouns: ['阿里巴巴', '纽卡斯尔', '𠮷野家'],
  transliterations: ['纽卡斯尔'],
  phoneticChars: '斯57尔39',
  englishWords: 'cloud comput hard',
  synonyms: { hard: 'difficult tough', cloud: 'cloudi' },
  related: { america: 'unit_state usa' },
  variants: { monopoli: 'monopol' },
  maxWordLength: 4,
};

const PROBES = [...BUILT.glosses.keys(), '阿', '阿里巴', '阿里巴巴集团', '雲', '', 'hard', '\t'];
const KEYS = ['hard', 'cloud', 'america', 'monopoli', 'toString', '__proto__', 'missing'];

/** Every answer of two lexicons over the given words and keys, for comparing them whole. */
function answers(lexicon: Lexicon, words: readonly string[], keys: readonly string[]) {
  return {
    words: words.map((word) => [word, lexicon.hasWord(word), lexicon.startsWord(word), lexicon.glossesOf(word), lexicon.isProperNoun(word), lexicon.isTransliteration(word)]),
    chars: [...new Set(words.join(''))].map((char) => [char, lexicon.phoneticShare(char)]),
    keys: keys.map((key) => [key, lexicon.synonymsOf(key), lexicon.relatedOf(key), lexicon.variantsOf(key), lexicon.isEnglishWord(key)]),
    syllables: [...lexicon.syllables].sort(),
    maxWordLength: lexicon.maxWordLength,
    size: lexicon.size,
  };
}

const tmpDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tmpDirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

describe('the stored lexicon (index/lexicon.tsv)', () => {
  it('answers every lookup as the built lexicon does, after a save and a load', async () => {
    const dir = await makeTmpDir('lexicon-store');
    tmpDirs.push(dir);
    const file = path.join(dir, 'lexicon.tsv');
    await saveLexicon(file, BUILT);
    const stored = await loadLexicon(file);
    expect(answers(stored, PROBES, KEYS)).toEqual(answers(lexiconFromFile(BUILT), PROBES, KEYS));
    expect(stored.size).toBe(6);
    expect(stored.hasWord('阿里巴')).toBe(false);
    // A compound may still grow from a prefix of a word, not past it.
    expect([stored.startsWord('阿里巴'), stored.startsWord('阿里巴巴'), stored.startsWord('阿里巴巴集团'), stored.startsWord('里')]).toEqual([true, true, false, false]);
    expect(stored.glossesOf('云计算')).toEqual([
      { stem: 'cloud_comput', share: 1, name: false },
      { stem: 'cloud', share: 0.5, name: false },
      { stem: 'comput', share: 0.5, name: false },
    ]);
  });

  it('turns back into the built form it was written from', () => {
    const back = lexiconFileFromText(encodeLexicon(BUILT));
    expect({ ...back, properNouns: [...back.properNouns].sort(), transliterations: [...back.transliterations].sort() }).toEqual({
      ...BUILT,
      properNouns: [...BUILT.properNouns].sort(),
      transliterations: [...BUILT.transliterations].sort(),
    });
  });

  it("gives the shipped corpus's lexicon word for word as its built form does", async () => {
    const text = await fs.readFile(indexFiles(sharedProject('shipped').indexDir).lexicon, 'utf8');
    const built = lexiconFileFromText(text);
    const words = [...built.glosses.keys()];
    const keys = [...Object.keys(built.synonyms), ...Object.keys(built.related), ...Object.keys(built.variants), ...built.englishWords.split(' ')];
    expect(words.length).toBeGreaterThan(50_000);
    const expected = answers(lexiconFromFile(built), words, keys);
    expect(answers(decodeLexicon(text), words, keys)).toEqual(expected);
    // As `loadLexicon` reads it: the file's bytes, each line decoded when a lookup reads it.
    expect(answers(decodeLexicon(Buffer.from(text)), words, keys)).toEqual(expected);
  });

  it('refuses a file cut short, one of another format, and keys that cannot be stored on a line', () => {
    const text = encodeLexicon(BUILT);
    for (const read of [(stored: string) => decodeLexicon(stored), (stored: string) => decodeLexicon(Buffer.from(stored))]) {
      expect(() => read(text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1))).toThrow(/incomplete/);
      expect(() => read(text.slice(0, -1))).toThrow(/incomplete/);
      expect(() => read(`${text}extra\n`)).toThrow(/incomplete/);
      expect(() => read(JSON.stringify(BUILT))).toThrow();
      expect(() => read('')).toThrow();
    }
    expect(() => encodeLexicon({ ...BUILT, glosses: new Map([...BUILT.glosses, ['a\tb', 'x']]) })).toThrow(/cannot be stored/);
    expect(() => encodeLexicon({ ...BUILT, synonyms: { 'a\nb': 'x' } })).toThrow(/cannot be stored/);
    expect(() => encodeLexicon({ ...BUILT, related: { 'a\u0001': 'x' } })).toThrow(/cannot be stored/);
  });

  it('is revised in place into what the revised built form writes, and refuses to revise a word it lacks', () => {
    const tables = { englishWords: 'cloud', synonyms: { cloud: 'sky' }, related: {}, variants: { comput: 'computer' } };
    const revision = { glosses: new Map([['成功', 'success'], ['云', '']]), ...tables };
    const revised = reviseLexicon(encodeLexicon(BUILT), revision);
    expect(revised).toBe(encodeLexicon({ ...BUILT, ...tables, glosses: new Map([...BUILT.glosses, ...revision.glosses]) }));
    expect(decodeLexicon(revised).size).toBe(6);
    expect(() => reviseLexicon(encodeLexicon(BUILT), { ...revision, glosses: new Map([['阿里巴', 'x']]) })).toThrow(/lacks the revised word/);
    expect(() => reviseLexicon(encodeLexicon(BUILT).slice(0, -1), revision)).toThrow(/incomplete/);
  });

  it('keeps a gloss whole even when a value holds a tab or a line break', () => {
    const stored = decodeLexicon(encodeLexicon({ ...BUILT, glosses: new Map([...BUILT.glosses, ['云', 'cloud\tsky\nweather']]) }));
    expect(stored.glossesOf('云')?.map((gloss) => gloss.stem)).toEqual(['cloud', 'sky', 'weather']);
    expect(stored.hasWord('云计算')).toBe(true);
  });
});
