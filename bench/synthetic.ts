import type { Article } from '../src/corpus/types.js';

/** A seeded source of uniform numbers in [0, 1) (mulberry32): the same seed gives the same corpus. */
export type Random = () => number;

/** Creates a seeded random source (mulberry32). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real sentences of one language, cut into tokens, and its running words (repeats kept, so sampling follows real frequencies). */
interface LanguagePool {
  sentences: Token[][];
  words: string[];
  /** What joins sentences: a space in English, nothing in Chinese. */
  joiner: string;
}

/** A piece of a sentence: a word that may be swapped for another, or anything else (spaces, punctuation). */
interface Token {
  text: string;
  word: boolean;
}

/** Sentences and vocabulary of a corpus by language, the material synthetic chunks are recombined from. */
export interface SentencePool {
  english: LanguagePool;
  chinese: LanguagePool;
  /** Share of Chinese sentences in the real corpus: synthetic chunks keep the same mix. */
  chineseShare: number;
}

const LATIN_WORD = /[A-Za-z][A-Za-z'’-]*/g;
const HAN = /\p{Script=Han}/u;
const DIGITS = /\d+(?:\.\d+)?/g;

/** Collects the sentences and words of every article, English and Chinese apart. */
export function sentencePool(articles: readonly Article[]): SentencePool {
  const english: LanguagePool = { sentences: [], words: [], joiner: ' ' };
  const chinese: LanguagePool = { sentences: [], words: [], joiner: '' };
  const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
  for (const article of articles) {
    const isChinese = article.meta.lang !== 'en';
    const pool = isChinese ? chinese : english;
    for (const sentence of article.sentences) {
      const text = article.text.slice(sentence.start, sentence.end);
      const tokens = isChinese ? chineseTokens(text, segmenter) : englishTokens(text);
      if (!tokens.some((token) => token.word)) continue;
      pool.sentences.push(tokens);
      for (const token of tokens) if (token.word) pool.words.push(token.text);
    }
  }
  const total = english.sentences.length + chinese.sentences.length;
  if (total === 0) throw new Error('the corpus has no sentences to recombine');
  return { english, chinese, chineseShare: chinese.sentences.length / total };
}

function englishTokens(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of text.matchAll(LATIN_WORD)) {
    if (match.index > last) tokens.push({ text: text.slice(last, match.index), word: false });
    tokens.push({ text: match[0], word: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) tokens.push({ text: text.slice(last), word: false });
  return tokens;
}

function chineseTokens(text: string, segmenter: Intl.Segmenter): Token[] {
  return [...segmenter.segment(text)].map((s) => ({ text: s.segment, word: Boolean(s.isWordLike) && HAN.test(s.segment) }));
}

/** How synthetic texts are recombined. */
export interface SyntheticOptions {
  /** Chance that a word of a real sentence is swapped for a word drawn from the language's running text. */
  swapRate: number;
  /** Fewest and most sentences per chunk. */
  minSentences: number;
  maxSentences: number;
}

/** Defaults close to the real chunks: two or three sentences, about a third of the words swapped. */
export const DEFAULT_SYNTHETIC: SyntheticOptions = { swapRate: 0.35, minSentences: 1, maxSentences: 3 };

/**
 * `count` chunk-like texts in the real corpus's language mix: each recombines real sentences,
 * swaps a share of their words for others of the same language and every number for a random one,
 * so feature statistics look like the corpus's without repeating it.
 */
export function syntheticChunks(pool: SentencePool, count: number, random: Random, options: SyntheticOptions = DEFAULT_SYNTHETIC): string[] {
  const texts: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const language = pickLanguage(pool, random);
    const sentences = options.minSentences + Math.floor(random() * (options.maxSentences - options.minSentences + 1));
    const parts: string[] = [];
    for (let s = 0; s < sentences; s += 1) parts.push(recombine(pick(language.sentences, random), language, options.swapRate, random).trim());
    texts.push(parts.join(language.joiner));
  }
  return texts;
}

/**
 * `count` question-like texts: a window of a few words from a recombined real sentence, so queries
 * share the corpus's vocabulary the way users' questions do.
 */
export function syntheticQueries(pool: SentencePool, count: number, random: Random, swapRate = DEFAULT_SYNTHETIC.swapRate): string[] {
  const queries: string[] = [];
  while (queries.length < count) {
    const language = pickLanguage(pool, random);
    const tokens = pick(language.sentences, random);
    const wordPositions = tokens.flatMap((token, i) => (token.word ? [i] : []));
    const length = 3 + Math.floor(random() * 6);
    const first = wordPositions[Math.floor(random() * Math.max(1, wordPositions.length - length))] ?? 0;
    const last = wordPositions[Math.min(wordPositions.length - 1, wordPositions.indexOf(first) + length - 1)] ?? first;
    const text = recombine(tokens.slice(first, last + 1), language, swapRate, random).trim();
    if (text) queries.push(text);
  }
  return queries;
}

function pickLanguage(pool: SentencePool, random: Random): LanguagePool {
  const chinese = pool.chinese.sentences.length > 0 && (pool.english.sentences.length === 0 || random() < pool.chineseShare);
  return chinese ? pool.chinese : pool.english;
}

function recombine(tokens: readonly Token[], language: LanguagePool, swapRate: number, random: Random): string {
  let text = '';
  for (const token of tokens) {
    const word = token.word && random() < swapRate ? pick(language.words, random) : token.text;
    text += word.replace(DIGITS, (digits) => randomNumberLike(digits, random));
  }
  return text;
}

/** A random number shaped like `digits`: as many integer digits give or take one, a decimal part if it had one. */
function randomNumberLike(digits: string, random: Random): string {
  const [whole = '', fraction] = digits.split('.');
  const length = Math.max(1, whole.length + Math.floor(random() * 3) - 1);
  let out = String(1 + Math.floor(random() * 9));
  for (let i = 1; i < length; i += 1) out += String(Math.floor(random() * 10));
  if (fraction !== undefined) out += `.${String(Math.floor(random() * 10 ** fraction.length)).padStart(fraction.length, '0')}`;
  return out;
}

function pick<T>(items: readonly T[], random: Random): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('cannot pick from an empty list');
  return item;
}
