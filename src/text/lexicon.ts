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
  /** Whether a dictionary word starts with `prefix` (or is it): a compound stops growing once none does. */
  startsWord(prefix: string): boolean;
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
  /**
   * Whether English has a lower-case word at all (the word vectors' vocabulary): a question's word
   * that neither it nor the corpus has may be misspelt. Undefined when no vocabulary is at hand.
   */
  inVocabulary?(lower: string): boolean | undefined;
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

/** The lexicon as `buildLexicon` makes it (in memory; `saveLexicon` stores it compactly). */
export interface LexiconFile {
  version: 4;
  source: string;
  syllables: string[];
  /**
   * Every word → stems, space-separated, each "stem", "stem/n" (said by a gloss of n words), "^"
   * first for a key of its English name; "" when none can meet the corpus. A Map, not a record: a
   * record of 120,000 keys took most of a second to fill and list; sorted by word when made so.
   */
  glosses: ReadonlyMap<string, string>;
  /** Names (each a word of `glosses`). */
  properNouns: string[];
  /** Names whose English name sounds like their pinyin (each a word of `glosses`). */
  transliterations: string[];
  /** Characters of transliterated names with their share in hundredths, run together: "斯57尔39". */
  phoneticChars: string;
  /** Lower-case words of the corpus that are common English words, space-separated. */
  englishWords: string;
  /** Stem → synonym stems, space-separated. */
  synonyms: Record<string, string>;
  /** Key → keys of other forms of the same name, space-separated. */
  related: Record<string, string>;
  /** Stem → stems of derived words, space-separated. */
  variants: Record<string, string>;
  maxWordLength: number;
}

/** Lookups over the built form; a word's glosses are parsed the first time they are asked for. */
export function lexiconFromFile(file: LexiconFile): Lexicon {
  const parsed = new Map<string, GlossStem[]>();
  const glosses = file.glosses;
  let sortedWords: string[] | undefined;
  const properNouns = new Set(file.properNouns);
  const transliterations = new Set(file.transliterations);
  const phoneticShares = parsePhoneticChars(file.phoneticChars);
  const englishWords = new Set(file.englishWords.split(' '));
  const spaceList = (record: Record<string, string>, key: string) => {
    const stored = Object.hasOwn(record, key) ? record[key] : undefined;
    return typeof stored === 'string' ? stored.split(' ') : undefined;
  };
  return {
    hasWord: (word) => glosses.has(word),
    startsWord(prefix) {
      const sorted = (sortedWords ??= [...glosses.keys()].sort());
      const first = lowerBound((i) => sorted[i]!, prefix, 0, sorted.length);
      return first < sorted.length && sorted[first]!.startsWith(prefix);
    },
    glossesOf(word) {
      const known = parsed.get(word);
      if (known) return known;
      const stored = glosses.get(word);
      // A word with no gloss the corpus could meet is stored with none.
      if (typeof stored !== 'string' || stored === '') return undefined;
      const stems = parseGlossStems(stored);
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
    size: [...glosses.values()].filter((stems) => stems !== '').length,
  };
}

/**
 * The stored form (`index/lexicon.tsv`): one JSON header line (format, counts, the small tables),
 * then one line per dictionary word, `word<TAB>flags<TAB>glosses`, sorted, then the synonyms,
 * related and variants tables, `key<TAB>values` each. Opening a file finds where its lines start and
 * decodes nothing else: a word is found by binary search, decoding the lines it probes; a table is
 * read into a map on first use, so a cold start does not pay for 120,000 entries it never asks about
 * (JSON: about 0.3 s; decoding and splitting the whole text, ~40 ms).
 */
export const LEXICON_STORE_FORMAT = 'tether-lexicon';
/** Bumped whenever the stored layout changes (then INDEX_FORMAT_VERSION too, so old indexes rebuild). */
export const LEXICON_STORE_VERSION = 5;

/** Lookups remembered before the memory is started afresh (a few MB). */
const MAX_LOOKED_UP = 100_000;

/** Flags of a word line: a name, and a transliterated name. */
const PROPER_NOUN_FLAG = 'n';
const TRANSLITERATION_FLAG = 't';

const lexiconHeaderSchema = z.object({
  format: z.literal(LEXICON_STORE_FORMAT),
  version: z.literal(LEXICON_STORE_VERSION),
  source: z.string(),
  maxWordLength: z.number().int().positive(),
  /** Words with a gloss (the `size` of the lexicon). */
  glossed: z.number().int().nonnegative(),
  syllables: z.array(z.string()),
  phoneticChars: z.string(),
  englishWords: z.string(),
  /** Lines of each section, in file order. */
  lines: z.object({ words: z.number().int().nonnegative(), synonyms: z.number().int().nonnegative(), related: z.number().int().nonnegative(), variants: z.number().int().nonnegative() }),
});

type LexiconHeader = z.infer<typeof lexiconHeaderSchema>;
type TableName = 'synonyms' | 'related' | 'variants';
const TABLES: readonly TableName[] = ['synonyms', 'related', 'variants'];

/** The text of a stored lexicon; throws when a key cannot be stored on one line. */
export function encodeLexicon(lexicon: LexiconFile): string {
  const properNouns = new Set(lexicon.properNouns);
  const transliterations = new Set(lexicon.transliterations);
  const words: string[] = [];
  let sorted = true;
  let previous: string | undefined;
  let glossed = 0;
  for (const [word, glosses] of lexicon.glosses) {
    const flags = `${properNouns.has(word) ? PROPER_NOUN_FLAG : ''}${transliterations.has(word) ? TRANSLITERATION_FLAG : ''}`;
    words.push(storedWordLine(word, flags, glosses));
    if (previous !== undefined && previous > word) sorted = false;
    previous = word;
    if (glosses !== '') glossed += 1;
  }
  // Sorting whole lines sorts by word: a tab sorts before every character a word may hold. A
  // lexicon bound from the sources lists its words sorted already.
  if (!sorted) words.sort();
  const header = { format: LEXICON_STORE_FORMAT, version: LEXICON_STORE_VERSION, source: lexicon.source, maxWordLength: lexicon.maxWordLength, syllables: lexicon.syllables, phoneticChars: lexicon.phoneticChars } as const;
  return storedText(header, words, glossed, lexicon);
}

/** What an update changes in a lexicon: some words' glosses, and the tables made from the corpus's keys. */
export interface LexiconRevision extends Pick<LexiconFile, 'englishWords' | 'synonyms' | 'related' | 'variants'> {
  /** New glosses of words of the lexicon (as `LexiconFile.glosses`); the other words keep theirs. */
  glosses: ReadonlyMap<string, string>;
}

/**
 * A stored lexicon's text with a revision made (what `encodeLexicon` writes for the revised lexicon):
 * the word lines stay where they are, the few revised ones rewritten, so an update does not list and
 * sort 120,000 words again. Throws when the text is not a complete lexicon or a revised word is not in it.
 */
export function reviseLexicon(text: string, revision: LexiconRevision): string {
  const { header, lines } = storedLines(text);
  const words = lines.range(1, 1 + header.lines.words);
  let glossed = header.glossed;
  for (const [word, glosses] of revision.glosses) {
    const at = lowerBound((i) => words[i]!, `${word}\t`, 0, words.length);
    const line = words[at];
    if (line === undefined || !line.startsWith(`${word}\t`)) throw new Error(`the lexicon lacks the revised word ${word}`);
    const flagsEnd = line.indexOf('\t', word.length + 1);
    const revised = storedWordLine(word, line.slice(word.length + 1, flagsEnd), glosses);
    glossed += Number(glosses !== '') - Number(flagsEnd + 1 < line.length);
    words[at] = revised;
  }
  return storedText(header, words, glossed, revision);
}

/** A word's line: `word<TAB>flags<TAB>glosses`. */
function storedWordLine(word: string, flags: string, glosses: string): string {
  return `${storableKey(word)}\t${flags}\t${storableValue(glosses)}`;
}

/** A key as stored; throws on one a line cannot hold. */
function storableKey(key: string): string {
  // A control character would break the line, or sort before the tab that ends the word.
  if (key === '' || /[\u0000-\u001f]/.test(key)) throw new Error(`a lexicon key cannot be stored: ${JSON.stringify(key)}`);
  return key;
}

/** A value as stored: tabs and line breaks would end its field or line. */
function storableValue(value: string): string {
  return /[\t\n\r]/.test(value) ? value.replace(/[\t\n\r]/g, ' ') : value;
}

/** The whole stored text: the header (counts filled in), the sorted word lines, the tables made anew. */
function storedText(header: Omit<LexiconHeader, 'glossed' | 'englishWords' | 'lines'>, words: readonly string[], glossed: number, tables: Pick<LexiconFile, 'englishWords' | TableName>): string {
  const [synonyms, related, variants] = TABLES.map((name) => Object.entries(tables[name]).map(([key, values]) => `${storableKey(key)}\t${storableValue(values)}`)) as [string[], string[], string[]];
  const full: LexiconHeader = {
    format: header.format,
    version: header.version,
    source: header.source,
    maxWordLength: header.maxWordLength,
    glossed,
    syllables: header.syllables,
    phoneticChars: header.phoneticChars,
    englishWords: tables.englishWords,
    lines: { words: words.length, synonyms: synonyms.length, related: related.length, variants: variants.length },
  };
  return `${[JSON.stringify(full), ...words, ...synonyms, ...related, ...variants].join('\n')}\n`;
}

/** Lines of a stored lexicon by index, as `text.split('\n')` would give them. */
interface StoredLineList {
  readonly length: number;
  at(index: number): string;
  /**
   * A line up to its first tab (a word's line: the word): all a binary search compares. From a
   * file's bytes it is decoded once and kept, since every search's first probes are the same lines.
   */
  keyAt(index: number): string;
  /** Lines `[from, to)`, decoded together (a table's section is read whole on first use). */
  range(from: number, to: number): string[];
}

/**
 * The lines of a text, or of a file's UTF-8 bytes without decoding them: where each line starts is
 * found by one scan, and a line is decoded when read (a lookup reads the ~17 its binary search probes).
 */
function lineList(input: string | Uint8Array): StoredLineList {
  if (typeof input === 'string') {
    const lines = input.split('\n');
    const keyOf = (line: string) => {
      const tab = line.indexOf('\t');
      return tab === -1 ? line : line.slice(0, tab);
    };
    return { length: lines.length, at: (index) => lines[index]!, keyAt: (index) => keyOf(lines[index]!), range: (from, to) => lines.slice(from, to) };
  }
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const starts: number[] = [0];
  for (let newline = bytes.indexOf(NEWLINE); newline >= 0; newline = bytes.indexOf(NEWLINE, newline + 1)) starts.push(newline + 1);
  const count = starts.length;
  const end = (index: number) => (index + 1 < count ? starts[index + 1]! - 1 : bytes.length);
  const keys: Array<string | undefined> = [];
  return {
    length: count,
    at: (index) => bytes.toString('utf8', starts[index]!, end(index)),
    keyAt(index) {
      let key = keys[index];
      if (key === undefined) {
        const tab = bytes.indexOf(TAB, starts[index]!);
        key = bytes.toString('utf8', starts[index]!, tab === -1 ? end(index) : Math.min(tab, end(index)));
        keys[index] = key;
      }
      return key;
    },
    range: (from, to) => (to > from ? bytes.toString('utf8', starts[from]!, end(to - 1)).split('\n') : []),
  };
}

const NEWLINE = 0x0a;
const TAB = 0x09;

/** A stored lexicon's header and lines; throws when the header is malformed or the text is cut short. */
function storedLines(input: string | Uint8Array): { header: LexiconHeader; lines: StoredLineList } {
  const lines = lineList(input);
  const header = lexiconHeaderSchema.parse(JSON.parse(lines.length > 0 ? lines.at(0) : ''));
  const counts = header.lines;
  const expected = 1 + counts.words + counts.synonyms + counts.related + counts.variants;
  // The text ends with a newline: a cut-off file has fewer lines or a last line that is not empty.
  if (lines.length !== expected + 1 || lines.at(expected) !== '') {
    throw new Error(`the lexicon has ${lines.length - 1} lines where its header says ${expected}: the file is incomplete`);
  }
  return { header, lines };
}

/** Lookups over a stored lexicon (its text, or its file's bytes); throws when the header is malformed or sections are missing. */
export function decodeLexicon(stored: string | Uint8Array): Lexicon {
  const { header, lines } = storedLines(stored);
  const lineAt = lines.at;
  const keyAt = lines.keyAt;
  const counts = header.lines;
  const wordsEnd = 1 + counts.words;
  const sectionStart: Record<TableName, number> = { synonyms: wordsEnd, related: wordsEnd + counts.synonyms, variants: wordsEnd + counts.synonyms + counts.related };
  const tables = new Map<TableName, Map<string, string>>();
  /** A table's values of `key`: the table is indexed on first use, a value split when asked for. */
  const tableValues = (name: TableName, key: string) => {
    let read = tables.get(name);
    if (!read) {
      read = new Map();
      for (const entry of lines.range(sectionStart[name], sectionStart[name] + counts[name])) {
        const tab = entry.indexOf('\t');
        if (tab > 0) read.set(entry.slice(0, tab), entry.slice(tab + 1));
      }
      tables.set(name, read);
    }
    return read.get(key)?.split(' ');
  };
  // Words looked up, found or not: feature extraction asks about the same few thousand again and
  // again (every window of segments is a possible compound), a binary search each time costs.
  const looked = new Map<string, string | undefined>();
  /** The line of a word: the first line not sorting before it, when that is the word's. */
  const wordLine = (word: string): string | undefined => {
    if (looked.has(word)) return looked.get(word);
    const line = searchWordLine(word);
    if (looked.size >= MAX_LOOKED_UP) looked.clear();
    looked.set(word, line);
    return line;
  };
  const searchWordLine = (word: string): string | undefined => {
    // A line sorts among the others as its word does (a tab sorts before any character of a word).
    const low = lowerBound(keyAt, word, 1, wordsEnd);
    return low < wordsEnd && keyAt(low) === word ? lineAt(low) : undefined;
  };
  const flagsOf = (word: string) => {
    const line = wordLine(word);
    if (line === undefined) return '';
    const start = word.length + 1;
    return line.slice(start, line.indexOf('\t', start));
  };
  const parsed = new Map<string, GlossStem[] | undefined>();
  let phoneticShares: Map<string, number> | undefined;
  let englishWords: Set<string> | undefined;
  return {
    hasWord: (word) => wordLine(word) !== undefined,
    startsWord(prefix) {
      // The lines starting with a prefix sort together, from the first one not before it.
      const low = lowerBound(keyAt, prefix, 1, wordsEnd);
      return low < wordsEnd && keyAt(low).startsWith(prefix);
    },
    glossesOf(word) {
      if (parsed.has(word)) return parsed.get(word);
      const line = wordLine(word);
      const stored = line?.slice(line.indexOf('\t', word.length + 1) + 1);
      const stems = stored ? parseGlossStems(stored) : undefined;
      parsed.set(word, stems);
      return stems;
    },
    isProperNoun: (word) => flagsOf(word).includes(PROPER_NOUN_FLAG),
    isTransliteration: (word) => flagsOf(word).includes(TRANSLITERATION_FLAG),
    phoneticShare(char) {
      phoneticShares ??= parsePhoneticChars(header.phoneticChars);
      return phoneticShares.get(char) ?? 0;
    },
    isEnglishWord(lower) {
      englishWords ??= new Set(header.englishWords.split(' '));
      return englishWords.has(lower);
    },
    synonymsOf: (stem) => tableValues('synonyms', stem),
    relatedOf: (key) => tableValues('related', key),
    variantsOf: (stem) => tableValues('variants', stem),
    syllables: new Set(header.syllables),
    maxWordLength: header.maxWordLength,
    size: header.glossed,
  };
}

/** The first position in `[low, high)` of a sorted list (`textAt`) whose text does not sort before `key`. */
function lowerBound(textAt: (index: number) => string, key: string, low: number, high: number): number {
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (textAt(middle) < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A word's stored glosses ("^name stem/2 …") as stems. */
function parseGlossStems(stored: string): GlossStem[] {
  return stored.split(' ').map((entry) => {
    const name = entry.startsWith('^');
    const [stem = '', words] = (name ? entry.slice(1) : entry).split('/');
    return { stem, share: words ? 1 / Number(words) : 1, name };
  });
}

/** "斯57尔39" as characters and their shares. */
function parsePhoneticChars(table: string): Map<string, number> {
  return new Map([...table.matchAll(/(\D)(\d+)/gu)].map((m) => [m[1]!, Number(m[2]) / 100]));
}

/** A stored lexicon's text back in the built form (tests, caches); throws as `decodeLexicon` does. */
export function lexiconFileFromText(text: string): LexiconFile {
  const lines = text.split('\n');
  decodeLexicon(text);
  const header = lexiconHeaderSchema.parse(JSON.parse(lines[0]!));
  const fields = (line: string) => line.split('\t');
  const words = lines.slice(1, 1 + header.lines.words).map(fields);
  let at = 1 + header.lines.words;
  const record = (count: number) => {
    const entries = lines.slice(at, at + count).map((line) => fields(line) as [string, string]);
    at += count;
    return Object.fromEntries(entries);
  };
  const synonyms = record(header.lines.synonyms);
  const related = record(header.lines.related);
  const variants = record(header.lines.variants);
  return {
    version: 4,
    source: header.source,
    syllables: header.syllables,
    glosses: new Map(words.map(([word = '', , glosses = '']) => [word, glosses])),
    properNouns: words.filter(([, flags = '']) => flags.includes(PROPER_NOUN_FLAG)).map(([word = '']) => word),
    transliterations: words.filter(([, flags = '']) => flags.includes(TRANSLITERATION_FLAG)).map(([word = '']) => word),
    phoneticChars: header.phoneticChars,
    englishWords: header.englishWords,
    synonyms,
    related,
    variants,
    maxWordLength: header.maxWordLength,
  };
}

/** Reads a lexicon written by `saveLexicon`; throws on a missing, malformed or incomplete file. */
export async function loadLexicon(file: string): Promise<Lexicon> {
  return decodeLexicon(await fs.readFile(file));
}

/** Writes a lexicon in its stored form. */
export async function saveLexicon(file: string, lexicon: LexiconFile): Promise<void> {
  await fs.writeFile(file, encodeLexicon(lexicon));
}
