import fs from 'node:fs/promises';
import { z } from 'zod';

/**
 * The bridge between the languages, derived from CC-CEDICT at index build (build output, not
 * committed: its data is CC BY-SA): Chinese words (Simplified) to the English stems of their
 * glosses, plus the set of toneless pinyin syllables for reading romanised names.
 */
export interface Lexicon {
  /** Simplified word → English gloss stems (most typical first) and gloss bigrams (`a_b`). */
  glosses: Map<string, GlossStem[]>;
  /** Toneless pinyin syllables, ü written as v. */
  syllables: Set<string>;
  /** Words the dictionary marks as names (capitalised pinyin): 騰訊, 華為. */
  properNouns: Set<string>;
  /** English stem → stems of words that translate the same Chinese words ("hard" → "difficult"). */
  synonyms: Map<string, string[]>;
  /** Longest word in `glosses`, for dictionary matching. */
  maxWordLength: number;
}

const lexiconFileSchema = z.object({
  version: z.literal(1),
  source: z.string(),
  syllables: z.array(z.string()),
  glosses: z.record(z.string(), z.string()),
  properNouns: z.array(z.string()),
  synonyms: z.record(z.string(), z.string()),
});

/** A stem of a word's glosses, with the share of its gloss it says (1 for a one-word gloss). */
export interface GlossStem {
  stem: string;
  share: number;
}

/** The lexicon as stored in the index folder. */
export type LexiconFile = z.infer<typeof lexiconFileSchema>;

/** Turns the stored form into lookup tables. */
export function lexiconFromFile(file: LexiconFile): Lexicon {
  const glosses = new Map<string, GlossStem[]>();
  let maxWordLength = 1;
  for (const [word, stems] of Object.entries(file.glosses)) {
    // Stored as "stem" or "stem/n" (said by a gloss of n words), to keep the file small.
    glosses.set(
      word,
      stems.split(' ').map((entry) => {
        const [stem = '', words] = entry.split('/');
        return { stem, share: words ? 1 / Number(words) : 1 };
      }),
    );
    maxWordLength = Math.max(maxWordLength, word.length);
  }
  const synonyms = new Map(Object.entries(file.synonyms).map(([stem, others]) => [stem, others.split(' ')]));
  return { glosses, syllables: new Set(file.syllables), properNouns: new Set(file.properNouns), synonyms, maxWordLength };
}

/** Reads a lexicon written by `saveLexicon`; throws on a missing or malformed file. */
export async function loadLexicon(file: string): Promise<Lexicon> {
  const parsed = lexiconFileSchema.parse(JSON.parse(await fs.readFile(file, 'utf8')));
  return lexiconFromFile(parsed);
}

/** Writes a lexicon in its stored form. */
export async function saveLexicon(file: string, lexicon: LexiconFile): Promise<void> {
  await fs.writeFile(file, JSON.stringify(lexicon));
}

/** An empty lexicon: features without cross-language bridging (for tests of other parts). */
export function createEmptyLexicon(): Lexicon {
  return { glosses: new Map(), syllables: new Set(), properNouns: new Set(), synonyms: new Map(), maxWordLength: 1 };
}
