import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyCorpusKeys, LexiconBinder, lexiconFromSources, parseCorpusKeys, serialiseCorpusKeys, shortNameForms, sourceOfModule, type LexiconSources } from '../../src/index/build-lexicon.js';
import { latinTokens } from '../../src/text/english.js';
import { encodeLexicon, reviseLexicon } from '../../src/text/lexicon.js';
import { makeTmpDir } from '../support/corpus.js';

/**
 * A lexicon made from hand-written sources (what `readLexiconSources` reads from CC-CEDICT and
 * WordNet) and a one-sentence corpus: what a corpus keeps of the dictionary.
 */
const SOURCES: LexiconSources = {
  identity: 'hand-written',
  ranked: ['银行\tbank financi', '河岸\tbank shore riversid', '苹果\tappl', '微软\t^microsoft'].join('\n'),
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
    expect(Object.fromEntries(lexicon.glosses)).toEqual({ 银行: 'bank financi', 河岸: 'bank', 苹果: '', 微软: '^microsoft' });
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

  it("keeps a word's glosses that meet the corpus only in another form, when none meets it as written", () => {
    const sources: LexiconSources = { ...SOURCES, ranked: `${SOURCES.ranked}\n剧院\ttheater hous`, wordNetSynonyms: [...SOURCES.wordNetSynonyms, ['theater', ['theatr']]] };
    // "theatre" is a synonym of "theater": a question reads 剧院 with it. 河岸 meets "bank" as written, so its other glosses stay out.
    const glosses = lexiconFromSources(sources, ['The bank by the theatre.']).glosses;
    expect(glosses.get('剧院')).toBe('theater');
    expect(glosses.get('河岸')).toBe('bank');
  });

  it('is the same for the same texts', () => {
    expect(lexiconFromSources(SOURCES, ['The bank by the river.\n我去銀行。'])).toEqual(lexicon);
  });
});

describe('the short forms of names a text writes both ways', () => {
  it('links a capitalised word to the longer names of the same text it begins', () => {
    const text = 'Ali said so, and Alibaba Cloud agreed. Manakin grew into Manakintown.';
    expect([...shortNameForms(latinTokens(text), new Set(), [])].sort()).toEqual(['ali alibaba', 'manakin manakintown']);
  });

  it('takes no common word, pinyin syllable, short word or ending under three letters for a short form', () => {
    const text = 'New York met Newton. Wang Jian met Zhang Jianfeng. Al met Albert. Norman rule in Normandy. Europe is European. The son of Theodore.';
    expect([...shortNameForms(latinTokens(text), new Set(['new']), ['jian', 'wang', 'zhang'])]).toEqual([]);
    // Without the common word and the syllable, the same text has both.
    expect([...shortNameForms(latinTokens(text), new Set(), [])].sort()).toEqual(['jian jianfeng', 'new newton']);
  });

  it("reads the short form with the long one only where one text writes both, and forgets it when that text goes", () => {
    expect(lexiconFromSources(SOURCES, ['Ali said so.', 'Alibaba grew.']).related).not.toHaveProperty('ali');
    expect(lexiconFromSources(SOURCES, ['Ali said so. Alibaba grew.']).related).toMatchObject({ ali: 'alibaba' });
    const binder = new LexiconBinder(SOURCES);
    const keys = emptyCorpusKeys();
    binder.count(keys, 'Ali said so. Alibaba grew.', 1);
    const stored = parseCorpusKeys(serialiseCorpusKeys(keys));
    expect([...stored.shortNames.keys()]).toEqual(['ali alibaba']);
    binder.count(stored, 'Ali said so. Alibaba grew.', -1);
    expect(binder.revise(stored).related).not.toHaveProperty('ali');
  });
});

describe('a lexicon revised for an update', () => {
  // 海岸 and 金融 are not words of either corpus: only the glosses the corpus can meet change.
  const sources: LexiconSources = { ...SOURCES, ranked: `${SOURCES.ranked}\n海岸\tcoast shore/2\n金融\tfinanci/2 monetari` };
  const before = ['The bank by the river.\n我去銀行。', 'An apple a day.'];
  const after = ['An apple a day.', '河岸很美。 Microsoft.'];

  it('rewrites only the words whose glosses the changed texts change, into the lexicon a full bind makes', () => {
    const built = new LexiconBinder(sources);
    const stored = emptyCorpusKeys();
    for (const text of before) built.count(stored, text, 1);
    const storedLexicon = encodeLexicon(built.bind(stored));

    // As an update does: the keys read back from the index, a binder of its own.
    const keys = parseCorpusKeys(serialiseCorpusKeys(stored));
    const binder = new LexiconBinder(sources);
    binder.count(keys, before[0]!, -1);
    binder.count(keys, after[1]!, 1);
    const revision = binder.revise(keys);

    expect(reviseLexicon(storedLexicon, revision)).toBe(encodeLexicon(lexiconFromSources(sources, after)));
    // 银行 and 河岸 left and came; 金融 loses "financi" and 海岸 meets "shore" through them; 微软 is a name. 苹果 is untouched.
    expect(Object.fromEntries(revision.glosses)).toEqual({ 银行: 'bank', 河岸: 'bank shore riversid', 金融: '', 海岸: 'shore/2', 微软: '^microsoft' });
  });

  it('revises the glosses that meet a stem that came only through another form of them', () => {
    const withTheater: LexiconSources = { ...sources, ranked: `${sources.ranked}\n剧院\ttheater`, wordNetSynonyms: [...sources.wordNetSynonyms, ['theater', ['theatr']]] };
    const binder = new LexiconBinder(withTheater);
    const keys = emptyCorpusKeys();
    binder.count(keys, before[1]!, 1);
    const storedLexicon = encodeLexicon(binder.bind(keys));
    const again = new LexiconBinder(withTheater);
    again.count(keys, 'The theatre.', 1);
    const revision = again.revise(keys);
    expect(revision.glosses.get('剧院')).toBe('theater');
    expect(reviseLexicon(storedLexicon, revision)).toBe(encodeLexicon(lexiconFromSources(withTheater, [before[1]!, 'The theatre.'])));
  });

  it('changes nothing when a text is taken away and put back', () => {
    const binder = new LexiconBinder(sources);
    const keys = emptyCorpusKeys();
    for (const text of before) binder.count(keys, text, 1);
    const storedLexicon = encodeLexicon(binder.bind(keys));
    const again = new LexiconBinder(sources);
    again.count(keys, before[1]!, -1);
    again.count(keys, before[1]!, 1);
    expect(reviseLexicon(storedLexicon, again.revise(keys))).toBe(storedLexicon);
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
