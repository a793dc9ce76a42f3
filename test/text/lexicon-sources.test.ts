import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lexiconFromSources, sourceOfModule, type LexiconSources } from '../../src/index/build-lexicon.js';
import { makeTmpDir } from '../support/corpus.js';

/**
 * A lexicon made from hand-written sources (what `readLexiconSources` reads from CC-CEDICT and
 * WordNet) and a one-sentence corpus: what a corpus keeps of the dictionary.
 */
const SOURCES: LexiconSources = {
  ranked: [
    ['银行', ['bank', 'financi']],
    ['河岸', ['bank', 'shore', 'riversid']],
    ['苹果', ['appl']],
    ['微软', ['^microsoft']],
  ],
  names: ['微软'],
  transliterations: [],
  phoneticTable: '',
  glossSynonyms: [['bank', ['shore', 'financi', 'river', 'lender']]],
  wordNetSynonyms: [
    ['bank', ['river', 'depositori']],
    ['buy', ['purchas']],
  ],
  commonWords: ['bank', 'river', 'buy'],
  relatedLinks: [
    ['stream', ['brook']],
    ['brook', ['stream', 'river']],
    ['river', ['brook']],
  ],
  variantLinks: [
    ['bank', ['banker']],
    ['banker', ['bank']],
  ],
};

describe('a lexicon made from its sources for a corpus', () => {
  const lexicon = lexiconFromSources(SOURCES, ['The bank by the river.\n我去銀行。']);

  it('keeps every gloss of a word of the corpus (read in either script) and of a name, only the corpus stems of the others', () => {
    expect(lexicon.glosses).toEqual({ 银行: 'bank financi', 河岸: 'bank', 苹果: '', 微软: '^microsoft' });
    expect(lexicon.properNouns).toEqual(['微软']);
    expect(lexicon.maxWordLength).toBe(2);
  });

  it('lists the common English words the corpus uses', () => {
    expect(lexicon.englishWords).toBe('bank river');
  });

  it('keeps the synonyms the corpus uses, the dictionary first, then WordNet', () => {
    // "financi" is a corpus stem through the glosses of 銀行.
    expect(lexicon.synonyms).toEqual({ bank: 'financi river' });
  });

  it('follows related forms up to two links and variants one link, to keys the corpus has', () => {
    expect(lexicon.related).toEqual({ stream: 'river', brook: 'river' });
    expect(lexicon.variants).toEqual({ banker: 'bank' });
  });

  it('is the same for the same texts', () => {
    expect(lexiconFromSources(SOURCES, ['The bank by the river.\n我去銀行。'])).toEqual(lexicon);
  });
});

describe('the code a cache of lexicon sources is keyed by', () => {
  it('is the TypeScript source for the compiled CLI too, so it and the scripts run through tsx share one cache', async () => {
    const root = await makeTmpDir('lexicon-key');
    try {
      const source = path.join(root, 'src', 'index', 'build-lexicon.ts');
      const chunk = path.join(root, 'dist', 'chunk-ABC123.js');
      await fs.mkdir(path.dirname(chunk), { recursive: true });
      await fs.writeFile(chunk, '// compiled\n');
      // Compiled without its sources beside it (a copied dist/), the chunk is all there is to hash.
      expect(await sourceOfModule(chunk)).toBe(chunk);
      await fs.mkdir(path.dirname(source), { recursive: true });
      await fs.writeFile(source, '// source\n');
      expect(await sourceOfModule(chunk)).toBe(source);
      expect(await sourceOfModule(source)).toBe(source);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
