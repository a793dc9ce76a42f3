import type { Lang } from '../corpus/types.js';
import { isEnglishStopword, latinTokens, stemWord } from '../text/english.js';
import type { TextAnalyzer } from '../text/analyzer.js';
import { extractConcepts, type Concept } from '../text/features.js';
import type { Lexicon } from '../text/lexicon.js';
import { romanise, splitPinyin } from '../text/pinyin.js';
import { toSimplified } from '../text/script.js';
import type { Quote } from './types.js';

/** One glossed item: as the quote writes it, and in the question's language. */
export interface GlossPair {
  text: string;
  gloss: string;
}

/**
 * Help to read a quote in another language than the question's: the matched terms (dictionary
 * glosses and romanised names) and converted figures. Never part of the quote.
 */
export interface Gloss {
  terms: GlossPair[];
  figures: GlossPair[];
}

/** Glosses quotes for a question (offline: the index's dictionary and plain arithmetic). */
export interface QuoteGlosser {
  /** The gloss of a quote in another language than the question's; undefined when same-language or nothing to say. */
  gloss(question: string, questionLang: Lang, quote: Pick<Quote, 'text' | 'lang'>): Gloss | undefined;
}

const MAX_TERMS = 6;
const MAX_FIGURES = 4;

/** Builds the glosser over the index's English–Chinese lexicon. */
export function createQuoteGlosser(analyzer: Pick<TextAnalyzer, 'lexicon' | 'passageConcepts'>): QuoteGlosser {
  const { lexicon } = analyzer;
  // The quotes of one answer are glossed against the same question: its concepts are read once.
  let last: { question: string; concepts: Concept[] } | undefined;
  const questionConcepts = (question: string): Concept[] => {
    if (last?.question !== question) last = { question, concepts: extractConcepts(question, lexicon, { namesNeedCapitals: false }) };
    return last.concepts;
  };
  return {
    gloss(question, questionLang, quote) {
      const questionIsEnglish = questionLang === 'en';
      if (questionIsEnglish === (quote.lang === 'en')) return undefined;
      // A Chinese quote is a passage of the corpus, read once and kept by the analyzer; a question as written.
      const terms = questionIsEnglish
        ? matchedTerms(question, quote.text, true, analyzer.passageConcepts(quote.text), lexicon)
        : matchedTerms(quote.text, question, false, questionConcepts(question), lexicon);
      const figures = questionIsEnglish ? chineseFiguresInEnglish(quote.text) : englishFiguresInChinese(quote.text, questionLang);
      if (terms.length === 0 && figures.length === 0) return undefined;
      // "Yinghua = 英華" says nothing "Cai Yinghua = 蔡英華" does not.
      const wholeTerms = terms.filter((term) => !terms.some((other) => other !== term && other.text.includes(term.text) && other.text.length > term.text.length));
      return { terms: wholeTerms.slice(0, MAX_TERMS), figures: figures.slice(0, MAX_FIGURES) };
    },
  };
}

const GLOSS_LABEL: Record<Lang, string> = {
  en: 'gloss, not part of the quote',
  'zh-Hant': '註解，非引文',
  'zh-Hans': '注解，非引文',
};

/** One line for a gloss, marked as such: "gloss, not part of the quote: 收入 = revenue · 276.48億元 = 27.648 billion yuan". */
export function formatGloss(gloss: Gloss, lang: Lang): string {
  const items = [...gloss.terms, ...gloss.figures].map(({ text, gloss: meaning }) => `${text} = ${meaning}`);
  return `${GLOSS_LABEL[lang]}: ${items.join(' · ')}`;
}

/** The text as written at the place where its Simplified form has `simplified` (conversion keeps lengths). */
function surfaceOf(text: string, simplified: string, word: string): string {
  if (simplified.length !== text.length) return word;
  const at = simplified.indexOf(word);
  return at < 0 ? word : text.slice(at, at + word.length);
}

/** English words of a text by stem (first as written), and romanised names by pinyin key. */
function englishVocabulary(text: string, lexicon: Lexicon): { byStem: Map<string, string>; byName: Map<string, string> } {
  const tokens = latinTokens(text);
  const byStem = new Map<string, string>();
  const byName = new Map<string, string>();
  // A hyphenated compound is shown whole for its parts and its joined form: 分拆 = spin-off, not
  // "off"; 基層 = rank-and-file, not "rank-and".
  for (let first = 0; first < tokens.length; ) {
    let last = first;
    while (tokens[last + 1] && text.slice(tokens[last]!.end, tokens[last + 1]!.index) === '-') last += 1;
    if (last > first) {
      const parts = tokens.slice(first, last + 1);
      const compound = text.slice(parts[0]!.index, parts.at(-1)!.end);
      for (const stem of [stemWord(parts.map((part) => part.lower).join('')), ...parts.map((part) => stemWord(part.lower))]) if (!byStem.has(stem)) byStem.set(stem, compound);
    }
    first = last + 1;
  }
  tokens.forEach((token, i) => {
    if (!isEnglishStopword(token.lower) && token.lower.length > 1) {
      const stem = stemWord(token.lower);
      if (!byStem.has(stem)) byStem.set(stem, token.raw);
    }
    const next = tokens[i + 1];
    if (next && /^\s+$/.test(text.slice(token.index + token.raw.length, next.index)) && splitPinyin(token.lower, lexicon.syllables) >= 1 && splitPinyin(next.lower, lexicon.syllables) >= 1) {
      byName.set(`py:${token.lower}${next.lower}`, `${token.raw} ${next.raw}`);
    }
    if (splitPinyin(token.lower, lexicon.syllables) >= 2 && /^[A-Z]/.test(token.raw)) byName.set(`py:${token.lower}`, token.raw);
  });
  return { byStem, byName };
}

/**
 * The terms an English text and a Chinese text share (by dictionary gloss or by name), as pairs of
 * the quote's word and the question's: `english` is whichever side is English.
 */
function matchedTerms(english: string, chinese: string, chineseIsQuote: boolean, chineseConcepts: readonly Concept[], lexicon: Lexicon): GlossPair[] {
  const { byStem, byName } = englishVocabulary(english, lexicon);
  const simplified = toSimplified(chinese);
  const pairs: GlossPair[] = [];
  const seen = new Set<string>();
  // The quote's word is the text, the question's the gloss.
  const pair = (chineseWord: string, englishWord: string) =>
    chineseIsQuote ? add(pairs, seen, chineseWord, englishWord) : add(pairs, seen, englishWord, chineseWord);
  for (const concept of chineseConcepts) {
    if (concept.phrase) continue;
    const keys = [...concept.alternatives.keys()];
    const word = keys.find((key) => key.startsWith('zh:'))?.slice(3);
    const nameKey = keys.find((key) => key.startsWith('py:') && byName.has(key));
    if (nameKey) {
      // A name: its characters are the concept's romanisation, found again in the Chinese text.
      const chars = word ?? findHanWithPinyin(simplified, nameKey.slice(3));
      if (chars) pair(surfaceOf(chinese, simplified, chars), byName.get(nameKey)!);
      continue;
    }
    if (!word || word.length < 2) continue;
    const stem = keys.find((key) => concept.glosses.has(key) && byStem.has(key));
    if (stem) pair(surfaceOf(chinese, simplified, word), byStem.get(stem)!);
  }
  return pairs;
}

/** The run of two or three Han characters whose pinyin is `key`, if the text has one. */
function findHanWithPinyin(simplified: string, key: string): string | undefined {
  for (const [run] of simplified.matchAll(/\p{Script=Han}+/gu)) {
    for (let i = 0; i < run.length; i += 1) {
      for (const length of [3, 2]) {
        const chars = run.slice(i, i + length);
        if (chars.length === length && romanise(chars) === key) return chars;
      }
    }
  }
  return undefined;
}

function add(pairs: GlossPair[], seen: Set<string>, text: string, gloss: string): void {
  const key = text.toLowerCase();
  if (seen.has(key) || text.toLowerCase() === gloss.toLowerCase()) return;
  seen.add(key);
  pairs.push({ text, gloss });
}

// ---------------------------------------------------------------------------------------------
// Figures: Chinese magnitudes (萬, 億) and English ones (million, billion) do not line up.

const CHINESE_SCALE: Record<string, number> = { 萬: 1e4, 万: 1e4, 億: 1e8, 亿: 1e8, 萬億: 1e12, 万亿: 1e12 };
const ENGLISH_SCALE: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };
const CURRENCY_IN_ENGLISH: Record<string, string> = { 元: 'yuan', 人民幣: 'yuan', 人民币: 'yuan', 美元: 'US dollars', 港元: 'HK dollars', 港幣: 'HK dollars', 港币: 'HK dollars' };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function plain(value: number): string {
  return String(Number(value.toPrecision(10)));
}

/** A value in English magnitudes: 2.7648e10 → "27.648 billion". */
function inEnglish(value: number): string {
  for (const [word, scale] of [['trillion', 1e12], ['billion', 1e9], ['million', 1e6]] as const) {
    if (value >= scale) return `${plain(value / scale)} ${word}`;
  }
  return plain(value);
}

/** A value in Chinese magnitudes: 1.409e11 → "1409億". */
function inChinese(value: number, lang: Lang): string {
  const yi = lang === 'zh-Hans' ? '亿' : '億';
  const wan = lang === 'zh-Hans' ? '万' : '萬';
  if (value >= 1e8) return `${plain(value / 1e8)}${yi}`;
  if (value >= 1e4) return `${plain(value / 1e4)}${wan}`;
  return plain(value);
}

function chineseFiguresInEnglish(quote: string): GlossPair[] {
  const pairs: GlossPair[] = [];
  const seen = new Set<string>();
  for (const match of quote.matchAll(/(\d+(?:\.\d+)?)\s*(萬億|万亿|[萬万億亿])(元|人民幣|人民币|美元|港元|港幣|港币)?/gu)) {
    const value = Number(match[1]) * (CHINESE_SCALE[match[2]!] ?? 1);
    const currency = match[3] ? ` ${CURRENCY_IN_ENGLISH[match[3]] ?? ''}`.trimEnd() : '';
    add(pairs, seen, match[0], `${inEnglish(value)}${currency}`);
  }
  for (const match of quote.matchAll(/(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日號号])?/gu)) {
    const month = MONTHS[Number(match[2]) - 1];
    if (!month || (!match[1] && !match[3])) continue;
    add(pairs, seen, match[0], [match[3] ? `${Number(match[3])} ${month}` : month, match[1]].filter(Boolean).join(' '));
  }
  return pairs;
}

function englishFiguresInChinese(quote: string, lang: Lang): GlossPair[] {
  const pairs: GlossPair[] = [];
  const seen = new Set<string>();
  const currencies: Record<string, string> = { yuan: '元', rmb: '元', dollars: '美元', 'us dollars': '美元' };
  for (const match of quote.matchAll(/(\d+(?:,\d{3})*(?:\.\d+)?)\s*(thousand|million|billion|trillion)\b(?:\s+(yuan|rmb|us dollars|dollars))?/giu)) {
    const value = Number(match[1]!.replace(/,/g, '')) * (ENGLISH_SCALE[match[2]!.toLowerCase()] ?? 1);
    const currency = match[3] ? (currencies[match[3].toLowerCase()] ?? '') : '';
    add(pairs, seen, match[0], `${inChinese(value, lang)}${currency}`);
  }
  const monthPattern = new RegExp(`\\b(${MONTHS.join('|')})\\s+(\\d{1,2})\\b(?:,?\\s+(\\d{4}))?`, 'gu');
  for (const match of quote.matchAll(monthPattern)) {
    const month = MONTHS.indexOf(match[1]!) + 1;
    add(pairs, seen, match[0], `${match[3] ? `${match[3]}年` : ''}${month}月${Number(match[2])}日`);
  }
  return pairs;
}
