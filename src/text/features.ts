import { isEnglishStopword, latinTokens, stemWord } from './english.js';
import type { GlossStem, Lexicon } from './lexicon.js';
import { monthOfName, numberAnchors, relativeTimeAnchors } from './numbers.js';
import { romanise, splitPinyin } from './pinyin.js';
import { foldForMatching, toSimplified } from './script.js';

/** Features of a text with their weights: the shared vocabulary of the lexical and dense rankers. */
export type FeatureBag = Map<string, number>;

/**
 * One concept of a text (a word, a number, a name) and the features that express it in either
 * language, each with its strength: 吳泳銘 can be matched by itself or by `py:wuyongming`, 收入 by
 * itself or by the stem "revenu" of one of its glosses.
 */
export interface Concept {
  /** How much the concept matters before IDF: function-like single characters count less. */
  weight: number;
  alternatives: Map<string, number>;
  /** Phrase features (bigrams) help ranking but are not concepts of their own. */
  phrase: boolean;
  /**
   * For a name, acronym or number, the features that identify it: a question about one the
   * evidence never mentions is not answered. Undefined for other concepts.
   */
  entityKeys: Set<string> | undefined;
  /** Dictionary glosses (and synonyms) among the alternatives: in a bag they share one word's weight. */
  glosses: Set<string>;
  glossShare: number;
}

/** How strongly each kind of feature counts. Recorded in the index manifest through the embedder. */
export const FEATURE_WEIGHTS = {
  englishWord: 1,
  englishBigram: 0.5,
  anchor: 1.2,
  chineseWord: 1,
  chineseChar: 0.4,
  chineseBigram: 0.3,
  gloss: 0.8,
  glossBigram: 0.4,
  pinyin: 1,
  synonym: 0.5,
} as const;

// Function words and question words of Chinese (Simplified: text is converted before lookup).
const CHINESE_STOPWORDS = new Set(
  `的 了 在 是 和 与 及 或 也 都 就 而 之 其 等 被 把 对 从 于 为 以 这 那 个 么 吗 呢 吧 啊 呀 着 过 得 地 所 将 并 又 还 但 却 则 即 如 若
  什么 多少 哪 哪些 哪个 如何 怎么 怎样 为什么 为何 谁 谁是 是谁 何时 什么时候 几 是否 有没有 是不是 它 他 她 我 你 我们 他们 她们 你们 它们 此 该 有 没有 会 要 能 可以 一个`.split(/\s+/),
);

const HAN_RUN = /\p{Script=Han}+/gu;
const CHINESE_NUMERAL = /^[零〇一二两三四五六七八九十百千万亿]+$/u;

// The hundred commonest Chinese surnames: a window that starts with one is read as a person's name.
const COMMON_SURNAMES = new Set(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
);

let wordSegmenter: Intl.Segmenter | undefined;

/** Options for feature extraction. */
export interface FeatureOptions {
  /** Only capitalised Latin words are read as romanised Chinese names (for documents); queries may be lower-case. */
  namesNeedCapitals: boolean;
  /** Questions also match English synonyms of their words, weakly; passages match as written. */
  expandSynonyms?: boolean;
}

/**
 * The concepts of a text in any of the three languages:
 * - English words (Porter stems), and adjacent-word phrases;
 * - Chinese words (after conversion to Simplified), by the platform's segmenter and by dictionary
 *   compounds of whole segments, each with the English stems of its CC-CEDICT glosses, so Chinese
 *   meets English in one vocabulary; single characters and character bigrams;
 * - names: pinyin keys from Chinese characters and from romanised names ("Wu Yongming" and 吳泳銘
 *   both give `py:wuyongming`);
 * - anchors: numbers with magnitude, percentages, dates and years in either language.
 */
export function extractConcepts(text: string, lexicon: Lexicon, options: FeatureOptions): Concept[] {
  const folded = toSimplified(foldForMatching(text));
  const concepts: Concept[] = [];
  for (const anchor of numberAnchors(folded)) concepts.push({ ...concept(FEATURE_WEIGHTS.anchor, [[anchor, 1]]), entityKeys: new Set([anchor]) });
  // Says that a passage tells when, for "when" questions; no concept of its own.
  for (const anchor of relativeTimeAnchors(folded)) concepts.push(concept(FEATURE_WEIGHTS.anchor, [[anchor, 1]], true));
  addEnglishConcepts(folded, lexicon, options, concepts);
  for (const [run] of folded.matchAll(HAN_RUN)) addChineseConcepts(run, lexicon, concepts);
  return concepts;
}

/** All features of a text with summed weights (concept weight × strength). */
export function extractFeatures(text: string, lexicon: Lexicon, options: FeatureOptions): FeatureBag {
  return flattenConcepts(extractConcepts(text, lexicon, options));
}

/** Sums the features of concepts into one bag. */
export function flattenConcepts(concepts: Concept[]): FeatureBag {
  const bag: FeatureBag = new Map();
  for (const { weight, alternatives, glosses, glossShare } of concepts) {
    for (const [feature, strength] of alternatives) {
      const share = glosses.has(feature) ? glossShare : 1;
      bag.set(feature, (bag.get(feature) ?? 0) + weight * strength * share);
    }
  }
  return bag;
}

function concept(weight: number, alternatives: Array<[string, number]>, phrase = false): Concept {
  return { weight, alternatives: new Map(alternatives), phrase, entityKeys: undefined, glosses: new Set(), glossShare: 1 };
}

function addEnglishConcepts(text: string, lexicon: Lexicon, options: FeatureOptions, concepts: Concept[]): void {
  const tokens = latinTokens(text);
  const words: Array<Concept | undefined> = tokens.map((token) => {
    if (isEnglishStopword(token.lower) || token.lower.length < 2) return undefined;
    const stem = stemWord(token.lower);
    const word = concept(FEATURE_WEIGHTS.englishWord, [[stem, 1]]);
    // "November" is also 11月.
    const month = monthOfName(token.lower);
    if (month !== undefined) word.alternatives.set(`m:${month}`, 1);
    const synonyms = options.expandSynonyms ? lexicon.synonymsOf(stem) : undefined;
    if (synonyms) {
      word.glossShare = FEATURE_WEIGHTS.synonym / Math.sqrt(synonyms.length);
      for (const synonym of synonyms) {
        word.alternatives.set(synonym, FEATURE_WEIGHTS.synonym);
        word.glosses.add(synonym);
      }
    }
    return word;
  });
  const mayBeName = (raw: string) => !options.namesNeedCapitals || /^[A-Z]/.test(raw);
  const syllables = tokens.map((token) => (mayBeName(token.raw) ? splitPinyin(token.lower, lexicon.syllables) : 0));

  tokens.forEach((token, i) => {
    const word = words[i];
    // Capitalised past the start of the text, or with inner capitals (IaaS, EBITA): a name or an acronym.
    if (word && ((token.index > 0 && /^[A-Z]/.test(token.raw)) || /^.+[A-Z]/.test(token.raw))) word.entityKeys = new Set();
    const next = tokens[i + 1];
    const gap = next ? text.slice(token.index + token.raw.length, next.index) : '';
    // A romanised name, one word ("Taotian") or two ("Wu Yongming"), also matches its characters.
    // One capitalised syllable ("Zhang") only names a family: it identifies, but does not match.
    if (word && (syllables[i]! >= 2 || (syllables[i] === 1 && /^[A-Z]/.test(token.raw)))) word.alternatives.set(`py:${token.lower}`, syllables[i]! >= 2 ? FEATURE_WEIGHTS.pinyin : 0);
    if (next && /^\s+$/.test(gap) && syllables[i]! >= 1 && syllables[i + 1]! >= 1) {
      const key = `py:${token.lower}${next.lower}`;
      words[i]?.alternatives.set(key, FEATURE_WEIGHTS.pinyin);
      words[i + 1]?.alternatives.set(key, FEATURE_WEIGHTS.pinyin);
    }
    // Adjacent content words ("public cloud"), with only spaces or a hyphen between them.
    const nextWord = words[i + 1];
    if (word && nextWord && /^[\s-]*$/.test(gap)) {
      concepts.push(concept(FEATURE_WEIGHTS.englishBigram, [[`${firstKey(word)}_${firstKey(nextWord)}`, 1]], true));
    }
  });
  for (const word of words) {
    if (!word) continue;
    if (word.entityKeys) for (const key of word.alternatives.keys()) if (!word.glosses.has(key)) word.entityKeys.add(key);
    concepts.push(word);
  }
}

function firstKey(c: Concept): string {
  return c.alternatives.keys().next().value ?? '';
}

function addChineseConcepts(run: string, lexicon: Lexicon, concepts: Concept[]): void {
  wordSegmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  const segments = [...wordSegmenter.segment(run)].map((s) => s.segment);

  // Dictionary words made of whole consecutive segments (首席|技術|官 → 首席技術官): segmenters and
  // the dictionary disagree on word boundaries, but a word rarely crosses a segment boundary.
  const covered = new Array<boolean>(segments.length).fill(false);
  const compounds: Concept[] = [];
  for (let first = 0; first < segments.length; first += 1) {
    let word = segments[first]!;
    for (let last = first + 1; last < segments.length; last += 1) {
      word += segments[last]!;
      if (word.length > lexicon.maxWordLength) break;
      if (!lexicon.hasWord(word) || CHINESE_STOPWORDS.has(word)) continue;
      const compound = chineseWordConcept(word, FEATURE_WEIGHTS.chineseWord, lexicon, true);
      // Its parts still say part of it: 技術 alone half-matches 首席技術官. A name read into
      // common words (大|橋 as Da Qiao) does not stop them being read as words too.
      for (let i = first; i <= last; i += 1) {
        if (!compound.entityKeys) covered[i] = true;
        if (!CHINESE_STOPWORDS.has(segments[i]!)) compound.alternatives.set(`zh:${segments[i]}`, PART_STRENGTH);
      }
      compounds.push(compound);
    }
  }

  const segmentConcepts = segments.map((segment, i) => {
    // Numerals are read as number anchors (一千亿 = 100 billion), not as words.
    if (CHINESE_STOPWORDS.has(segment) || CHINESE_NUMERAL.test(segment)) return undefined;
    const single = segment.length === 1;
    // A character's own glosses are mostly senses it does not have inside a longer word.
    return chineseWordConcept(segment, single ? FEATURE_WEIGHTS.chineseChar : FEATURE_WEIGHTS.chineseWord, lexicon, !single || !covered[i]);
  });

  // Names: a segmenter splits an unknown name into characters no dictionary word covers
  // (吳|泳|銘), so windows of two or three characters holding one also match as pinyin. A window
  // led by a common surname is a person's name: one concept, matched only as a whole (2 or 3
  // characters, never running into a function word: 王堅在 is 王堅).
  const names: Concept[] = [];
  for (let first = 0; first < segments.length; first += 1) {
    let chars = '';
    let hasUnknown = false;
    const leadsName = segments[first]!.length === 1 && !covered[first] && COMMON_SURNAMES.has(segments[first]!);
    // The surname alone identifies too, for the English name of a Chinese person (張勇, Daniel Zhang).
    const name = { ...concept(FEATURE_WEIGHTS.chineseWord, []), entityKeys: new Set([`py:${romanise(segments[first]!)}`]) };
    for (let last = first; last < segments.length; last += 1) {
      chars += segments[last]!;
      hasUnknown ||= segments[last]!.length === 1 && !covered[last];
      if (chars.length > 3 || (last > first && CHINESE_STOPWORDS.has(segments[last]!))) break;
      if (chars.length < 2 || !hasUnknown) continue;
      const key = `py:${romanise(chars)}`;
      if (leadsName) {
        name.alternatives.set(key, chars.length === 3 ? 1 : SHORT_NAME_STRENGTH);
        name.entityKeys.add(key);
        for (let i = first; i <= last; i += 1) covered[i] = true;
      } else {
        for (let i = first; i <= last; i += 1) segmentConcepts[i]?.alternatives.set(key, FEATURE_WEIGHTS.pinyin);
      }
    }
    if (name.alternatives.size > 0) names.push(name);
  }

  // A segment inside a longer word or a name helps ranking, at half weight, but the longer word
  // is the concept: 蔡 alone must not answer for 蔡英華.
  segmentConcepts.forEach((c, i) => {
    if (!c) return;
    if (covered[i]) {
      c.phrase = true;
      c.weight *= PART_STRENGTH;
    }
    concepts.push(c);
  });
  concepts.push(...compounds, ...names);
  for (let i = 0; i + 1 < run.length; i += 1) concepts.push(concept(FEATURE_WEIGHTS.chineseBigram, [[`zb:${run.slice(i, i + 2)}`, 1]], true));
}

/** Strength of a part of a word standing for the whole. */
const PART_STRENGTH = 0.5;
/** Strength of a two-character reading of a possibly three-character name (吳泳 for 吳泳銘). */
const SHORT_NAME_STRENGTH = 0.8;

function chineseWordConcept(word: string, weight: number, lexicon: Lexicon, withGlosses: boolean): Concept {
  const c = concept(weight, [[`zh:${word}`, 1]]);
  const glosses = withGlosses ? lexicon.glossesOf(word) : undefined;
  if (lexicon.isProperNoun(word)) {
    // A name written in characters (英華, 微軟) meets its romanisation or its English name, the
    // capitalised words of its glosses ("Microsoft corporation"): not any word of its description.
    const romanised = `py:${romanise(word)}`;
    c.alternatives.set(romanised, FEATURE_WEIGHTS.pinyin);
    c.entityKeys = new Set([`zh:${word}`, romanised, ...(glosses ?? []).filter((gloss) => gloss.name).map((gloss) => gloss.stem)]);
  }
  if (glosses) {
    addGlosses(c, glosses, 1);
  } else if (withGlosses && word.length >= 3) {
    // A word the dictionary lacks (第三次) is read through the dictionary words it is made of (第三).
    for (const part of dictionaryParts(word, lexicon)) {
      c.alternatives.set(`zh:${part}`, PART_STRENGTH);
      addGlosses(c, lexicon.glossesOf(part) ?? [], part.length / word.length);
    }
  }
  return c;
}

function addGlosses(c: Concept, glosses: GlossStem[], scale: number): void {
  c.glossShare = 1 / Math.sqrt(c.glosses.size + glosses.length);
  for (const { stem, share } of glosses) {
    // One word of a longer gloss ("technology" of "chief technology officer") says only part of it.
    c.alternatives.set(stem, (stem.includes('_') ? FEATURE_WEIGHTS.glossBigram : FEATURE_WEIGHTS.gloss) * share * scale);
    c.glosses.add(stem);
  }
}

/** The longest dictionary words of two or more characters a word is made of, left to right. */
function dictionaryParts(word: string, lexicon: Lexicon): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < word.length) {
    let length = Math.min(lexicon.maxWordLength, word.length - start - (start === 0 ? 1 : 0));
    while (length >= 2 && !lexicon.hasWord(word.slice(start, start + length))) length -= 1;
    if (length >= 2) parts.push(word.slice(start, start + length));
    start += Math.max(1, length);
  }
  return parts;
}
