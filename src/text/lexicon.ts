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
  /** Whether the dictionary marks a word as a name (capitalised pinyin): 騰訊, 華為. */
  isProperNoun(word: string): boolean;
  /** Stems of words that translate the same Chinese words ("hard" → "difficult"). */
  synonymsOf(stem: string): string[] | undefined;
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
  version: z.literal(3),
  source: z.string(),
  syllables: z.array(z.string()),
  /** Word → stems, space-separated, each "stem", "stem/n" (said by a gloss of n words), "^" first for a capitalised one. */
  glosses: stringRecord,
  properNouns: z.array(z.string()),
  /** Stem → synonym stems, space-separated. */
  synonyms: stringRecord,
  maxWordLength: z.number().int().positive(),
});

/** The lexicon as stored in the index folder. */
export type LexiconFile = z.infer<typeof lexiconFileSchema>;

/** Lookups over the stored form; a word's glosses are parsed the first time they are asked for. */
export function lexiconFromFile(file: LexiconFile): Lexicon {
  const parsed = new Map<string, GlossStem[]>();
  const properNouns = new Set(file.properNouns);
  return {
    hasWord: (word) => Object.hasOwn(file.glosses, word),
    glossesOf(word) {
      const known = parsed.get(word);
      if (known) return known;
      const stored = Object.hasOwn(file.glosses, word) ? file.glosses[word] : undefined;
      if (typeof stored !== 'string') return undefined;
      const stems = stored.split(' ').map((entry) => {
        const name = entry.startsWith('^');
        const [stem = '', words] = (name ? entry.slice(1) : entry).split('/');
        return { stem, share: words ? 1 / Number(words) : 1, name };
      });
      parsed.set(word, stems);
      return stems;
    },
    isProperNoun: (word) => properNouns.has(word),
    synonymsOf(stem) {
      const stored = Object.hasOwn(file.synonyms, stem) ? file.synonyms[stem] : undefined;
      return typeof stored === 'string' ? stored.split(' ') : undefined;
    },
    syllables: new Set(file.syllables),
    maxWordLength: file.maxWordLength,
    size: Object.keys(file.glosses).length,
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
