import fs from 'node:fs/promises';
import { z } from 'zod';

/**
 * The bridge between the languages, derived from CC-CEDICT at index build (build output, not
 * committed: its data is CC BY-SA): Chinese words (Simplified) to the English stems of their
 * glosses, names, English synonyms, and the toneless pinyin syllables for reading romanised names.
 */
export interface Lexicon {
  /** Whether a Simplified word is in the dictionary. */
  hasWord(word: string): boolean;
  /** A word's English gloss stems (most typical first) and gloss bigrams (`a_b`). */
  glossesOf(word: string): GlossStem[] | undefined;
  /** Whether the dictionary knows a word only as a name (capitalised pinyin, no common sense): 騰訊, 華為; not 成功. */
  isProperNoun(word: string): boolean;
  /** Whether a name is a transliteration: its English name sounds like its pinyin (紐卡斯爾, Newcastle). */
  isTransliteration(word: string): boolean;
  /** How typical of transliterated names a character is, 0..1: the share of dictionary words holding it that are (斯 0.57, 国 0.01). */
  phoneticShare(char: string): number;
  /** Stems of words that translate the same Chinese words ("hard" → "difficult"), or WordNet synonyms. */
  synonymsOf(stem: string): string[] | undefined;
  /**
   * Other forms of the same name or place that the corpus uses: a nationality and its country
   * ("swiss" → "switzerland"), a country's other names ("america" → "unit_state").
   */
  relatedOf(key: string): string[] | undefined;
  /** The corpus's stems of words derived from a word, where the stemmer keeps them apart ("monopoli" → "monopol"). */
  variantsOf(stem: string): string[] | undefined;
  /**
   * Name keys of the corpus in the other script that sound like a phonetic key (`phe:` English,
   * `phz:` Chinese), with their similarity 0..1. Present when the lexicon is bound to a corpus.
   */
  phoneticMatches?(key: string): Array<[string, number]>;
  /** Whether a lower-case word of the corpus is a common English word (WordNet lists it in lower case). */
  isEnglishWord(lower: string): boolean;
  /** Whether the corpus has a feature. Present when the lexicon is bound to a corpus. */
  knows?(feature: string): boolean;
  /** Toneless pinyin syllables, ü written as v. */
  syllables: ReadonlySet<string>;
  /** Longest dictionary word, for dictionary matching. */
  maxWordLength: number;
  /** Number of dictionary words. */
  size: number;
}

/** A stem of a word's glosses, with the share of its gloss it says (1 for a one-word gloss). */
export interface GlossStem {
  stem: string;
  share: number;
  /** Capitalised in the gloss: the English name of a name ("Microsoft" of 微軟). */
  name: boolean;
}

// Entries are checked where they are read, not all 80,000 up front: loading stays fast.
const stringRecord = z.custom<Record<string, string>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value));

const lexiconFileSchema = z.object({
  version: z.literal(4),
  source: z.string(),
  syllables: z.array(z.string()),
  /** Every word → stems, space-separated, each "stem", "stem/n" (said by a gloss of n words), "^" first for a key of its English name; "" when none can meet the corpus. */
  glosses: stringRecord,
  properNouns: z.array(z.string()),
  /** Names whose English name sounds like their pinyin. */
  transliterations: z.array(z.string()),
  /** Characters of transliterated names with their share in hundredths, run together: "斯57尔39". */
  phoneticChars: z.string(),
  /** Lower-case words of the corpus that are common English words, space-separated. */
  englishWords: z.string(),
  /** Stem → synonym stems, space-separated. */
  synonyms: stringRecord,
  /** Key → keys of other forms of the same name, space-separated. */
  related: stringRecord,
  /** Stem → stems of derived words, space-separated. */
  variants: stringRecord,
  maxWordLength: z.number().int().positive(),
});

/** The lexicon as stored in the index folder. */
export type LexiconFile = z.infer<typeof lexiconFileSchema>;

/** Lookups over the stored form; a word's glosses are parsed the first time they are asked for. */
export function lexiconFromFile(file: LexiconFile): Lexicon {
  const parsed = new Map<string, GlossStem[]>();
  const properNouns = new Set(file.properNouns);
  const transliterations = new Set(file.transliterations);
  const phoneticShares = new Map([...file.phoneticChars.matchAll(/(\D)(\d+)/gu)].map((m) => [m[1]!, Number(m[2]) / 100]));
  const englishWords = new Set(file.englishWords.split(' '));
  const spaceList = (record: Record<string, string>, key: string) => {
    const stored = Object.hasOwn(record, key) ? record[key] : undefined;
    return typeof stored === 'string' ? stored.split(' ') : undefined;
  };
  return {
    hasWord: (word) => Object.hasOwn(file.glosses, word),
    glossesOf(word) {
      const known = parsed.get(word);
      if (known) return known;
      const stored = Object.hasOwn(file.glosses, word) ? file.glosses[word] : undefined;
      // A word with no gloss the corpus could meet is stored with none.
      if (typeof stored !== 'string' || stored === '') return undefined;
      const stems = stored.split(' ').map((entry) => {
        const name = entry.startsWith('^');
        const [stem = '', words] = (name ? entry.slice(1) : entry).split('/');
        return { stem, share: words ? 1 / Number(words) : 1, name };
      });
      parsed.set(word, stems);
      return stems;
    },
    isProperNoun: (word) => properNouns.has(word),
    isTransliteration: (word) => transliterations.has(word),
    phoneticShare: (char) => phoneticShares.get(char) ?? 0,
    isEnglishWord: (lower) => englishWords.has(lower),
    synonymsOf: (stem) => spaceList(file.synonyms, stem),
    relatedOf: (key) => spaceList(file.related, key),
    variantsOf: (stem) => spaceList(file.variants, stem),
    syllables: new Set(file.syllables),
    maxWordLength: file.maxWordLength,
    size: Object.values(file.glosses).filter((stems) => stems !== '').length,
  };
}

/** Reads a lexicon written by `saveLexicon`; throws on a missing or malformed file. */
export async function loadLexicon(file: string): Promise<Lexicon> {
  return lexiconFromFile(lexiconFileSchema.parse(JSON.parse(await fs.readFile(file, 'utf8'))));
}

/** Writes a lexicon in its stored form. */
export async function saveLexicon(file: string, lexicon: LexiconFile): Promise<void> {
  await fs.writeFile(file, JSON.stringify(lexicon));
}
