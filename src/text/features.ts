import { asksForAKind, chatFrameLength, expandQuestionToken, isAcronym, isContentToken, isEnglishRequestWord, latinTokens, oneEditStems, phraseKey, saysNow, stemWord, type LatinToken } from './english.js';
import type { GlossStem, Lexicon } from './lexicon.js';
import { monthOfName, numberMentions, relativeTimeAnchors } from './numbers.js';
import { englishSkeleton, pinyinSkeleton, soundCount } from './phonetic.js';
import { romanise, romaniseSyllables, splitPinyin, wadeGilesSyllables } from './pinyin.js';
import { MEASURE_WORDS } from './question-kind.js';
import { chineseWordSegmenter, foldForMatching, toSimplified } from './script.js';

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
  /** Another form of the same name: Swiss for Switzerland, America for United States. */
  related: 0.9,
  /** A word derived from the same one that the stemmer keeps apart: monopolize for monopoly. */
  variant: 0.7,
  /** A name's sound in the other script: Newcastle and 纽卡斯尔 (times their similarity). */
  phonetic: 0.9,
} as const;

// Function words and question words of Chinese (Simplified: text is converted before lookup).
const STOPWORD_LIST = new Set(
  `的 了 在 是 和 与 及 或 也 都 就 而 之 其 等 被 把 对 从 于 为 以 这 那 个 么 吗 呢 吧 啊 呀 着 过 得 地 所 将 并 又 还 但 却 则 即 如 若
  什么 多少 哪 哪些 哪个 如何 怎么 怎样 为什么 为何 谁 谁是 是谁 何时 什么时候 几 是否 有没有 是不是 它 他 她 我 你 我们 他们 她们 你们 它们 此 该 有 没有 会 要 能 可以 一个
  哪里 哪儿 何处 何 啥 咋 哪位 哪一 哪一位 位 些 还是 任何 什 一位 这位 那位 几位 一些 一种
  何种 何年 何月 何日 何地 何人 何物 何者 何事 何方 何为 何以 何故 何等 什么地方 什么东西 啥地方 公元 西元 百分之
  来说 来讲 而言 的话 跟 次 篇 怎么说 怎么做 怎么办 什么样 怎么样 中的 由 由于 因为 作为 至 到
  说 讲 说的 讲的 不 不是 并不 都不 也不 还不 关于
  现在 当时 那时 然后 之后 以后 后 之前 以前 曾经 仍然 依然 时候`.split(/\s+/),
);
// Words of a request or of chat in a Chinese question (Simplified), not of its topic: only a question's.
const REQUEST_WORDS = new Set(`原文 提到 到底 究竟 其实 真的 欸 诶 哦 嗯 啦 嘛 一下 请问 听说 笑死 救命 来着 哎呀 求问`.split(/\s+/));
/** A request or chat word, alone or run together with function words by the segmenter (到底是, "what on earth is"). */
function isRequestWord(word: string): boolean {
  if (REQUEST_WORDS.has(word)) return true;
  for (let cut = 1; cut < word.length; cut += 1) {
    const [head, tail] = [word.slice(0, cut), word.slice(cut)];
    if ((REQUEST_WORDS.has(head) && CHINESE_STOPWORDS.has(tail)) || (CHINESE_STOPWORDS.has(head) && REQUEST_WORDS.has(tail))) return true;
  }
  return false;
}

// 这部, 那首, 该项, 每场: a measure word after a demonstrative says "this", "each".
const DEMONSTRATIVE = /^[这那该每哪]$/u;
// "What is it called" (叫什么名字, 名称是什么): the name is what is asked, not a word the answer says.
const NAME_WORDS = new Set(['名字', '名称']);
const ASKS_WHAT = /什么|啥|哪/u;

// Laughter in a chat question (哈哈哈, 呵呵): a character said twice running, and its segments alone.
const LAUGHTER = /([哈呵嘿嘻])\1/u;
// Function words alone (an adverb's 地, a measure word's 位, "not") that are content inside a word: 地位 "status", 此地 "here", 位于 "lies in", 不及 "falls short of".
const CONTENT_IN_WORDS = new Set(['地', '位', '不']);
// "Which one" with its measure word: 哪一个, 哪一种, 哪一部.
const WHICH_ONE = new RegExp(`^哪一[${MEASURE_WORDS}]$`, 'u');
// A word made only of function words (这个, 谁在, 的是, 哪一位) is one too, unless one of them is content there.
/** Chinese function and question words (Simplified), and words made only of them: they carry no topic. */
export const CHINESE_STOPWORDS = {
  has(word: string): boolean {
    if (STOPWORD_LIST.has(word) || WHICH_ONE.test(word)) return true;
    if (word.length < 2) return false;
    for (const char of word) if (!STOPWORD_LIST.has(char) || CONTENT_IN_WORDS.has(char)) return false;
    return true;
  },
};

const HAN_RUN = /\p{Script=Han}+/gu;
// The dot between the parts of a foreign name (约什·诺曼, 卡尔·路德维希), as Simplified, Traditional
// (‧) and Japanese (・) texts write it, just before or just after a run (a space may stand beside it).
const DOT_BEFORE = /[·・‧•∙]\s?$/u;
const DOT_AFTER = /^\s?[·・‧•∙]/u;
const CHINESE_NUMERAL = /^[零〇一二两三四五六七八九十百千万亿]+$/u;
const CHINESE_NUMERAL_END = /[零〇一二两三四五六七八九十百千万亿\d]$/u;

/** The hundred commonest Chinese surnames (Simplified): a window that starts with one is read as a person's name. */
export const COMMON_SURNAMES: ReadonlySet<string> = new Set(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
);

/** Options for feature extraction. */
export interface FeatureOptions {
  /** Only capitalised Latin words are read as romanised Chinese names (for documents); queries may be lower-case. */
  namesNeedCapitals: boolean;
  /**
   * For questions: words also match their English synonyms (weakly) and other forms of the same
   * name, and names match the corpus's names of the other script that sound alike. Passages
   * match as written.
   */
  expandSynonyms?: boolean;
}

/**
 * The concepts of a text in any of the three languages:
 * - English words (Porter stems), and adjacent-word phrases;
 * - Chinese words (after conversion to Simplified), by the platform's segmenter and by dictionary
 *   compounds of whole segments, each with the English stems of its CC-CEDICT glosses, so Chinese
 *   meets English in one vocabulary; single characters and character bigrams;
 * - names: pinyin keys from Chinese characters and from romanised names ("Wu Yongming" and 吳泳銘
 *   both give `py:wuyongming`); phonetic keys of Western names and of transliterations (`phe:`,
 *   `phz:`: Newcastle, 纽卡斯尔), a transliteration being one concept;
 * - anchors: numbers with magnitude, percentages, ordinals, dates, years, decades and centuries in
 *   either language.
 */
export function extractConcepts(text: string, lexicon: Lexicon, options: FeatureOptions): Concept[] {
  const simplified = toSimplified(foldForMatching(text));
  const folded = options.expandSynonyms === true ? withoutIdioms(withoutANotA(simplified)) : simplified;
  const concepts: Concept[] = [];
  const mentions = numberMentions(folded);
  for (const mention of mentions) {
    const groups = mention.parts ? mention.anchors.map((anchor) => [anchor]) : [mention.anchors];
    for (const group of groups) {
      const anchor = concept(FEATURE_WEIGHTS.anchor, group.map((key): [string, number] => [key, 1]));
      if (mention.identifies) anchor.entityKeys = new Set(group);
      concepts.push(anchor);
    }
    // A year's decade and century: a passage about 1975 answers a question about the 1970s.
    if (mention.implied.length > 0) concepts.push(concept(FEATURE_WEIGHTS.anchor, mention.implied.map((key): [string, number] => [key, 0.5]), true));
  }
  // Says that a passage tells when, for "when" questions; no concept of its own.
  for (const anchor of relativeTimeAnchors(folded)) concepts.push(concept(FEATURE_WEIGHTS.anchor, [[anchor, 1]], true));
  addEnglishConcepts(folded, lexicon, options, mentions, concepts);
  for (const match of folded.matchAll(HAN_RUN)) {
    // Characters read as a number (第九, 二十世纪) are not also words.
    const end = match.index + match[0].length;
    const here = mentions.filter((m) => m.start < end && m.end > match.index);
    const inNumber = (offset: number) => here.some((m) => match.index + offset >= m.start && match.index + offset < m.end);
    const dotted = { start: DOT_BEFORE.test(folded.slice(Math.max(0, match.index - 2), match.index)), end: DOT_AFTER.test(folded.slice(end, end + 2)) };
    addChineseConcepts(match[0], lexicon, options, here.length > 0 ? inNumber : undefined, dotted, concepts);
  }
  return concepts;
}

// A verb asked as "A-not-A" (拆不拆, 喜不喜欢, 喜欢不喜欢, 去没去): yes or no about the verb.
// The first part and 不 are blanked: what stays is the verb once (喜不|喜欢 → 喜欢).
const A_NOT_A = /(\p{Script=Han}{1,2})[不没](?=\1)/gu;

/**
 * A question's "A-not-A" read as its verb: "还拆不拆了" asks whether they still 拆. Read as written,
 * the repeated verb was one word and 不 another, and a window over them looked like a name. Blanked,
 * not cut, so the offsets of what follows stay.
 */
function withoutANotA(text: string): string {
  return text.replace(A_NOT_A, (match) => ' '.repeat(match.length));
}

// "Why did they hire him in the first place?" says "first" (originally, as "they first approached
// him" does), and no place; "first of all" and "first off" only open a sentence.
const ORDINAL_IDIOM = /\bin the (first) place\b|\bfirst (?:of all|off)\b/giu;

/** A question's idioms of "first" read as what they say, offsets kept. */
function withoutIdioms(text: string): string {
  return text.replace(ORDINAL_IDIOM, (match, first: string | undefined) => {
    if (first === undefined) return ' '.repeat(match.length);
    const at = match.indexOf(first);
    return ' '.repeat(at) + first + ' '.repeat(match.length - at - first.length);
  });
}

/** Features of a text with summed weights (concept weight × strength). */
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

// A misspelt question word is corrected from five letters (shorter ones have too many neighbours: "hua", "huya"),
// and only when it has at most two corrections (more say the word is no misspelling of any).
const MIN_CORRECTED_LENGTH = 5;
const MAX_CORRECTIONS = 2;

// Where a sentence starts: a capital there says nothing about a name.
const SENTENCE_START = /(?:^|[.!?。！？:;"“”'‘’(\n]\s*)$/u;

function addEnglishConcepts(text: string, lexicon: Lexicon, options: FeatureOptions, mentions: Array<{ start: number; end: number }>, concepts: Concept[]): void {
  const query = options.expandSynonyms === true;
  const tokens = query ? latinTokens(text).map((token) => ({ ...token, lower: expandQuestionToken(token, text) })) : latinTokens(text);
  // Number words are anchors ("twenty-one", "ninth"), not words.
  const inNumber = (i: number) => mentions.some((m) => tokens[i]!.index < m.end && tokens[i]!.end > m.start);
  const frame = query ? chatFrameLength(tokens) : 0;
  const words: Array<Concept | undefined> = tokens.map((token, i) => {
    if (!isContentToken(tokens, i) || inNumber(i) || (query && (i < frame || isEnglishRequestWord(token.lower) || asksForAKind(tokens, i) || saysNow(tokens, i)))) return undefined;
    const stem = stemWord(token.lower);
    const word = concept(FEATURE_WEIGHTS.englishWord, [[stem, 1]]);
    // "November" is also 11月.
    const month = monthOfName(token.lower);
    if (month !== undefined) word.alternatives.set(`m:${month}`, 1);
    if (!query) return word;
    // A word typed in lower case that neither the corpus nor English has is likely misspelt
    // ("hybird", "alibba"): the corpus's words one edit away count as its variants.
    if (lexicon.knows && token.lower.length >= MIN_CORRECTED_LENGTH && /^[a-z]+$/.test(token.raw) && !lexicon.knows(stem) && lexicon.inVocabulary?.(token.lower) === false) {
      const known = lexicon.knows;
      const fixes = oneEditStems(token.lower, (candidate) => known(candidate));
      if (fixes.length <= MAX_CORRECTIONS) for (const fix of fixes) word.alternatives.set(fix, FEATURE_WEIGHTS.variant);
    }
    // Other forms of the same name or word the corpus uses: Swiss → Switzerland, monopoly → monopolize.
    for (const other of lexicon.relatedOf(stem) ?? []) if (!word.alternatives.has(other)) word.alternatives.set(other, FEATURE_WEIGHTS.related);
    for (const other of lexicon.variantsOf(stem) ?? []) if (!word.alternatives.has(other)) word.alternatives.set(other, FEATURE_WEIGHTS.variant);
    addSynonyms(word, lexicon.synonymsOf(stem) ?? []);
    return word;
  });
  if (query) addPhraseSynonyms(text, tokens, words, lexicon);
  const mayBeName = (raw: string) => !options.namesNeedCapitals || /^[A-Z]/.test(raw);
  const syllables = tokens.map((token) => (mayBeName(token.raw) ? splitPinyin(token.lower, lexicon.syllables) : 0));
  const typedName = query ? lowerCaseNames(tokens, text, syllables, lexicon) : [];

  tokens.forEach((token, i) => {
    const word = words[i];
    const capitalised = /^[A-Z][a-z]/.test(token.raw);
    // Capitalised past the start of the text, or with inner capitals (IaaS, EBITA), or an acronym: a name.
    if (word && ((token.index > 0 && /^[A-Z]/.test(token.raw)) || /^.+[A-Z]/.test(token.raw) || isAcronym(tokens, i) || typedName[i])) word.entityKeys = new Set();
    const next = tokens[i + 1];
    const gap = next ? text.slice(token.end, next.index) : '';
    // A romanised name, one word ("Taotian") or two ("Wu Yongming"), also matches its characters.
    if (word && syllables[i]! >= 2) word.alternatives.set(`py:${token.lower}`, FEATURE_WEIGHTS.pinyin);
    // One capitalised syllable, in pinyin or in the older spelling (Zhang; Tsai, Hsu, Chiang), only
    // names a family: it identifies, but does not match.
    if (word) {
      for (const syllable of familyNameSyllables(token, syllables[i]!, lexicon, typedName[i] === true)) {
        word.alternatives.set(`py:${syllable}`, 0);
        word.alternatives.set(`${FAMILY_NAME_PREFIX}${syllable}`, 0);
      }
    }
    if (next && /^\s+$/.test(gap) && syllables[i]! >= 1 && syllables[i + 1]! >= 1) {
      const key = `py:${token.lower}${next.lower}`;
      words[i]?.alternatives.set(key, FEATURE_WEIGHTS.pinyin);
      words[i + 1]?.alternatives.set(key, FEATURE_WEIGHTS.pinyin);
    }
    // A Western name's sound, to meet its transliteration: in a passage, a capitalised word not
    // opening a sentence (or not an English word); in a question, any name, or a longer word the
    // corpus does not know (typed in lower case).
    if (word && !query && capitalised && (!SENTENCE_START.test(text.slice(Math.max(0, token.index - 3), token.index)) || !lexicon.isEnglishWord(token.lower))) {
      const skeleton = englishSkeleton(token.raw);
      if (soundCount(skeleton) >= 2) word.alternatives.set(`phe:${skeleton}`, FEATURE_WEIGHTS.phonetic);
    } else if (word && query && lexicon.phoneticMatches) {
      const skeleton = englishSkeleton(token.raw);
      const sounds = soundCount(skeleton);
      if (sounds >= 2 && (capitalised || word.entityKeys || (sounds >= 3 && !lexicon.knows?.(stemWord(token.lower))))) {
        for (const [match, similarity] of lexicon.phoneticMatches(`phe:${skeleton}`)) word.alternatives.set(match, FEATURE_WEIGHTS.phonetic * similarity);
      }
    }
    // Adjacent content words ("public cloud"), with only spaces or a hyphen between them.
    const nextWord = words[i + 1];
    if (word && nextWord && /^[\s-]*$/.test(gap)) {
      concepts.push(concept(FEATURE_WEIGHTS.englishBigram, [[`${firstKey(word)}_${firstKey(nextWord)}`, 1]], true));
    }
    // A hyphenated compound is also written as one word: spin-off, spinoff; and, typed in a
    // question, as two ("the spin off").
    if (word && nextWord && (gap === '-' || (query && /^\s+$/.test(gap)))) {
      const joined = stemWord(token.lower + next!.lower);
      word.alternatives.set(joined, 1);
      nextWord.alternatives.set(joined, 1);
    }
  });
  for (const word of words) {
    if (!word) continue;
    // A name made of a common word is translated by meaning (Boulevard, 大道 "avenue"): its synonyms identify it too.
    if (word.entityKeys) for (const key of word.alternatives.keys()) word.entityKeys.add(key);
    concepts.push(word);
  }
}

/** English synonyms of a question word, weakly: together they weigh as much as one of the word's glosses would. */
function addSynonyms(word: Concept, synonyms: readonly string[]): void {
  const added = synonyms.filter((synonym) => !word.alternatives.has(synonym));
  if (added.length === 0) return;
  for (const synonym of added) {
    word.alternatives.set(synonym, FEATURE_WEIGHTS.synonym);
    word.glosses.add(synonym);
  }
  word.glossShare = FEATURE_WEIGHTS.synonym / Math.sqrt(word.glosses.size);
}

// Object pronouns a phrasal verb holds between its words ("called it off", "set them up").
const PHRASE_OBJECTS = new Set(['it', 'them', 'him', 'her', 'this', 'that']);

/**
 * A question's two-word phrases with a sense of their own (WordNet's "step down": resign, quit;
 * "call off": cancel; "top dog": head, chief), their words side by side or a verb's object
 * pronoun between them: the phrase's synonyms are both its words' synonyms, as a word's own are.
 */
function addPhraseSynonyms(text: string, tokens: readonly LatinToken[], words: ReadonlyArray<Concept | undefined>, lexicon: Lexicon): void {
  const spaced = (a: number) => tokens[a + 1] !== undefined && /^\s+$/.test(text.slice(tokens[a]!.end, tokens[a + 1]!.index));
  // A content word's stem is its concept's first key; a particle ("up", "off") is no content word.
  const stemAt = (i: number) => (words[i] ? firstKey(words[i]) : stemWord(tokens[i]!.lower));
  const phraseSynonyms = (i: number, j: number) => lexicon.synonymsOf(phraseKey(stemAt(i), stemAt(j)));
  tokens.forEach((_, i) => {
    const word = words[i];
    if (!word || !spaced(i)) return;
    let second = i + 1;
    let synonyms = phraseSynonyms(i, second);
    if (!synonyms && PHRASE_OBJECTS.has(tokens[second]!.lower) && spaced(second)) {
      second = i + 2;
      synonyms = phraseSynonyms(i, second);
    }
    if (!synonyms) return;
    addSynonyms(word, synonyms);
    const particle = words[second];
    if (particle) addSynonyms(particle, synonyms);
  });
}

/**
 * Which tokens of a question are a name typed in lower case ("cai yinghua", "tianyi"), as
 * capitals would say: words no English dictionary lists whose pinyin, one word or two, is a name of
 * the corpus. Needs a lexicon bound to a corpus; none without.
 */
function lowerCaseNames(tokens: readonly LatinToken[], text: string, syllables: readonly number[], lexicon: Lexicon): boolean[] {
  const names = tokens.map(() => false);
  if (!lexicon.knows) return names;
  const known = (feature: string) => lexicon.knows?.(feature) === true;
  const candidate = (i: number) => syllables[i]! >= 1 && !/^[A-Z]/.test(tokens[i]!.raw) && !lexicon.isEnglishWord(tokens[i]!.lower);
  tokens.forEach((token, i) => {
    if (!candidate(i)) return;
    if (syllables[i]! >= 2 && known(`py:${token.lower}`)) names[i] = true;
    const next = tokens[i + 1];
    if (next && candidate(i + 1) && /^\s+$/.test(text.slice(token.end, next.index)) && known(`py:${token.lower}${next.lower}`)) names[i] = names[i + 1] = true;
  });
  return names;
}

function firstKey(c: Concept): string {
  return c.alternatives.keys().next().value ?? '';
}

/** Whether a run of Chinese characters starts right after, or ends right before, an interpunct (·). */
interface Dotted {
  start: boolean;
  end: boolean;
}

function addChineseConcepts(run: string, lexicon: Lexicon, options: FeatureOptions, inNumber: ((offset: number) => boolean) | undefined, dotted: Dotted, concepts: Concept[]): void {
  // The segmenter joins 的 to a word it does not know (稳定|性的, 人的): the particle is no part of
  // it, and what stays may make a word with the segment before it (稳定性, "stability").
  const segmented = [...chineseWordSegmenter().segment(run)].flatMap(({ segment, index }) =>
    segment.length > 1 && segment.endsWith('的') && !lexicon.hasWord(segment)
      ? [
          { segment: segment.slice(0, -1), index },
          { segment: '的', index: index + segment.length - 1 },
        ]
      : [{ segment, index }],
  );
  const segments = segmented.map((s) => s.segment);
  // A function word the segmenter splits in two (何|种, "what kind"), a measure word after a
  // demonstrative (这|部, "this"), or 好 before 几 (好|几次, "several times"): no part is a topic or a name.
  const splitStopword = segments.map(
    (segment, i) =>
      (i > 0 && STOPWORD_LIST.has(segments[i - 1]! + segment)) ||
      (i + 1 < segments.length && STOPWORD_LIST.has(segment + segments[i + 1]!)) ||
      (i > 0 && DEMONSTRATIVE.test(segments[i - 1]!) && segment.length === 1 && MEASURE_WORDS.includes(segment)) ||
      (segment === '好' && segments[i + 1]?.startsWith('几') === true),
  );
  const numeric = segmented.map(({ segment, index }) => inNumber !== undefined && [...segment].filter((_, k) => inNumber(index + k)).length * 2 >= segment.length);
  const query = options.expandSynonyms === true;
  const laughter = query ? LAUGHTER.exec(run)?.[1] : undefined;
  const asksName = query && ASKS_WHAT.test(run);
  const stopword = (word: string): boolean =>
    CHINESE_STOPWORDS.has(word) || (query && (isRequestWord(word) || (asksName && NAME_WORDS.has(word)) || (laughter !== undefined && [...word].every((char) => char === laughter))));

  // Dictionary words made of whole consecutive segments (首席|技術|官 → 首席技術官): segmenters and
  // the dictionary disagree on word boundaries, but a word rarely crosses a segment boundary.
  const covered = new Array<boolean>(segments.length).fill(false);
  // A segment that may be a sound of a transliterated name: no dictionary word, function word or
  // number (the run test `phonetic` below, before `inWord`, which this helps decide, exists).
  const soundSegment = (i: number) =>
    i >= 0 && i < segments.length && !(segments[i]!.length > 1 && lexicon.hasWord(segments[i]!)) && !stopword(segments[i]!) && !splitStopword[i] && !numeric[i] && [...segments[i]!].every((char) => lexicon.phoneticShare(char) >= MIN_PHONETIC_SHARE);
  // A name the dictionary knows as someone's (博格, the tennis player Borg), written in sound
  // characters, is sounds of a longer name when sound characters stand beside it (威腾博格, Wittenberg).
  const partOfLongerName = (word: string, first: number, last: number) => isSoundName(word, lexicon) && (soundSegment(first - 1) || soundSegment(last + 1));
  // Inside a dictionary word that is not a transliteration: no transliterated name runs through it.
  const inWord = segments.map((segment, i) => segment.length > 1 && lexicon.hasWord(segment) && !lexicon.isTransliteration(segment) && !partOfLongerName(segment, i, i));
  // Inside a word the dictionary gives common senses (圣训, "hadith"): no part of a dotted name.
  // Looked up only beside a dot, the one place it is read.
  const dottedRun = dotted.start || dotted.end;
  const inCommonWord = segments.map((segment) => dottedRun && segment.length > 1 && isCommonWord(segment, lexicon));
  const compounds: Array<{ concept: Concept; first: number; last: number }> = [];
  for (let first = 0; first < segments.length; first += 1) {
    let word = segments[first]!;
    for (let last = first + 1; last < segments.length; last += 1) {
      word += segments[last]!;
      if (word.length > lexicon.maxWordLength || !lexicon.startsWord(word)) break;
      if (!lexicon.hasWord(word) || stopword(word)) continue;
      const compound = chineseWordConcept(word, FEATURE_WEIGHTS.chineseWord, lexicon, true, query);
      const transliteration = lexicon.isTransliteration(word) || partOfLongerName(word, first, last);
      // Its parts still say part of it: 技術 alone half-matches 首席技術官. A name read into
      // common words (大|橋 as Da Qiao) does not stop them being read as words too, unless the
      // name is what they say (超级|碗, Super Bowl); the characters of a transliteration
      // (紐|卡|斯|爾) are only sounds.
      const readAsParts = !compound.entityKeys || transliteration || namedByItsParts(word, segments.slice(first, last + 1), lexicon);
      const common = dottedRun && isCommonWord(word, lexicon);
      for (let i = first; i <= last; i += 1) {
        if (common) inCommonWord[i] = true;
        if (readAsParts) covered[i] = true;
        if (!transliteration) inWord[i] = true;
        if (!stopword(segments[i]!)) compound.alternatives.set(`zh:${segments[i]}`, PART_STRENGTH);
      }
      compounds.push({ concept: compound, first, last });
    }
  }

  // Transliterated names: a run of characters typical of transliteration (勒|费|弗, 弗雷|斯|诺)
  // that no dictionary word claims is one name, matched by its characters, pinyin and sound.
  const names: Concept[] = [];
  const nameAt = (first: number, last: number) => {
    for (const name of splitNames(segments.slice(first, last + 1).join(''), lexicon)) if (name.length >= 2) names.push(transliterationConcept(name, lexicon, query));
    for (let i = first; i <= last; i += 1) covered[i] = true;
    // A shorter name inside it (弗雷, Freyr, in 弗雷斯诺) is not named.
    for (let c = compounds.length - 1; c >= 0; c -= 1) if (compounds[c]!.first >= first && compounds[c]!.last <= last) compounds.splice(c, 1);
  };
  const inDottedName = dottedNameParts(segments, dotted, (i) => stopword(segments[i]!) || splitStopword[i] === true || numeric[i] === true || CHINESE_NUMERAL.test(segments[i]!), (i) => inCommonWord[i] === true);
  for (const [first, last] of inDottedName) {
    // One character is a sound too (冯, von, of 卡尔·冯·贝塔郎非), not its dictionary senses; too
    // short to identify anyone.
    if (first === last && segments[first]!.length === 1) {
      const sound = segments[first]!;
      names.push(concept(FEATURE_WEIGHTS.chineseWord, [[`zh:${sound}`, 1], [`py:${romanise(sound)}`, FEATURE_WEIGHTS.pinyin]]));
      covered[first] = true;
    } else nameAt(first, last);
  }
  const dottedSegment = new Set(inDottedName.flatMap(([first, last]) => Array.from({ length: last - first + 1 }, (_, k) => first + k)));
  const phonetic = (i: number) => !dottedSegment.has(i) && !inWord[i] && !numeric[i] && !stopword(segments[i]!) && !splitStopword[i] && [...segments[i]!].every((char) => lexicon.phoneticShare(char) >= MIN_PHONETIC_SHARE);
  for (let first = 0; first < segments.length; first += 1) {
    if (!phonetic(first)) continue;
    let last = first;
    while (last + 1 < segments.length && phonetic(last + 1)) last += 1;
    const run = segments.slice(first, last + 1).join('');
    const typical = [...run].reduce((sum, char) => sum + lexicon.phoneticShare(char), 0) / run.length;
    // One or two characters after a family name are a Chinese given name (陳|美玲), not a transliteration.
    const givenName = run.length <= 2 && first > 0 && segments[first - 1]!.length === 1 && COMMON_SURNAMES.has(segments[first - 1]!) && !inWord[first - 1];
    if (run.length >= 2 && typical >= MIN_PHONETIC_RUN_SHARE && !givenName) nameAt(first, last);
    first = last;
  }

  const segmentConcepts = segments.map((segment, i) => {
    // Numerals are read as number anchors (一千亿 = 100 billion, 第九), not as words.
    if (stopword(segment) || splitStopword[i] || CHINESE_NUMERAL.test(segment) || numeric[i]) return undefined;
    const single = segment.length === 1;
    // A character's own glosses are mostly senses it does not have inside a longer word.
    return chineseWordConcept(segment, single ? FEATURE_WEIGHTS.chineseChar : FEATURE_WEIGHTS.chineseWord, lexicon, !single || !covered[i], query);
  });

  // Names: a segmenter splits an unknown name into characters no dictionary word covers
  // (吳|泳|銘), so windows of two or three characters holding one also match as pinyin. A window
  // led by a common surname is a person's name: one concept, matched only as a whole (2 or 3
  // characters, never running into a function word or a word: 王堅在 is 王堅, 于蒙古 no name).
  for (let first = 0; first < segments.length; first += 1) {
    if (covered[first] || splitStopword[first]) continue;
    let chars = '';
    let hasUnknown = false;
    // After a numeral a character is a measure word (第一|任|馆长, 三|张|照片), not a surname.
    const afterNumeral = first > 0 && (numeric[first - 1] || CHINESE_NUMERAL_END.test(segments[first - 1]!));
    const leadsName = segments[first]!.length === 1 && COMMON_SURNAMES.has(segments[first]!) && !afterNumeral && !splitStopword[first];
    // The surname alone identifies too, for the English name of a Chinese person (張勇, Daniel Zhang).
    const name = leadsName ? { ...concept(FEATURE_WEIGHTS.chineseWord, []), entityKeys: new Set([`py:${romanise(segments[first]!)}`]) } : undefined;
    for (let last = first; last < segments.length; last += 1) {
      const segment = segments[last]!;
      const unknown = segment.length === 1 ? !covered[last] : !lexicon.hasWord(segment);
      // A given name the dictionary lists as a name (陳|美玲) completes the surname before it.
      const givenName = leadsName && last === first + 1 && segment.length === 2 && lexicon.isProperNoun(segment) && !CHINESE_STOPWORDS.has(segments[first]!);
      // A name holds no other name, and a surname that is also a function word (于) leads only unknown characters.
      if (last > first && !givenName && (CHINESE_STOPWORDS.has(segment) || splitStopword[last] || lexicon.isProperNoun(segment) || (CHINESE_STOPWORDS.has(segments[first]!) && !unknown))) break;
      chars += segment;
      hasUnknown ||= (segment.length === 1 && !covered[last]) || givenName;
      if (chars.length > 3) break;
      if (chars.length < 2 || !hasUnknown) continue;
      const key = `py:${romanise(chars)}`;
      if (name) {
        name.alternatives.set(key, chars.length === 3 ? 1 : SHORT_NAME_STRENGTH);
        name.entityKeys.add(key);
        for (let i = first; i <= last; i += 1) covered[i] = true;
        // Nor is a name the given name's characters spell (蔡|英|華: 英華, "Anglo-Chinese"); a common
        // word they spell stays one (時侯|業|內 is a typo before 業內, "in the industry", no name).
        for (let c = compounds.length - 1; c >= 0; c -= 1) {
          const { first: from, last: to } = compounds[c]!;
          if (from > first && to <= last && lexicon.isProperNoun(segments.slice(from, to + 1).join(''))) compounds.splice(c, 1);
        }
      } else {
        for (let i = first; i <= last; i += 1) segmentConcepts[i]?.alternatives.set(key, FEATURE_WEIGHTS.pinyin);
      }
    }
    if (name && name.alternatives.size > 0) {
      // What an English text's family name (Zhang, Tsai) meets: a name's pinyin matches only whole.
      name.alternatives.set(`${FAMILY_NAME_PREFIX}${romanise(segments[first]!)}`, 0);
      names.push(name);
    }
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
  concepts.push(...compounds.map((c) => c.concept), ...names);
  for (let i = 0; i + 1 < run.length; i += 1) concepts.push(concept(FEATURE_WEIGHTS.chineseBigram, [[`zb:${run.slice(i, i + 2)}`, 1]], true));
}

/** A part of a dotted foreign name holds at most this many characters (塞普蒂米乌斯, Septimius). */
const MAX_DOTTED_PART = 6;

/**
 * The segments (first and last index) of the name parts an interpunct joins (约什·诺曼,
 * 卡尔·路德维希·冯·贝塔郎非): from the dot outwards, single characters, whatever they mean elsewhere
 * (约, 芳 are sounds here), and words the dictionary lists as names, up to a function word, a
 * number, a word with common senses (圣训 of 艾布·达吾德圣训集), six characters or the run's edge.
 * A character touching the dot belongs to the name even when it is a function word elsewhere (什).
 */
function dottedNameParts(
  segments: readonly string[],
  dotted: Dotted,
  functionWord: (i: number) => boolean,
  inCommonWord: (i: number) => boolean,
): Array<[number, number]> {
  const part = (from: number, step: 1 | -1): [number, number] | undefined => {
    let length = 0;
    let at = from;
    for (let i = from; i >= 0 && i < segments.length; i += step) {
      const segment = segments[i]!;
      // No function word touches the dot: a character there is a sound (什 of 约什·诺曼).
      const touchesDot = i === from;
      if (inCommonWord(i) || (functionWord(i) && !(touchesDot && segment.length === 1)) || length + segment.length > MAX_DOTTED_PART) break;
      length += segment.length;
      at = i;
    }
    if (length === 0) return undefined;
    return step === 1 ? [from, at] : [at, from];
  };
  const last = segments.length - 1;
  const leading = dotted.start ? part(0, 1) : undefined;
  const trailing = dotted.end ? part(last, -1) : undefined;
  // A run between two dots (路德维希 of 卡尔·路德维希·冯) is one part.
  if (leading && trailing && trailing[0] <= leading[1]) return [[0, last]];
  return [leading, trailing].filter((span): span is [number, number] => span !== undefined);
}

/** A name the dictionary knows only as someone's or somewhere's, written in characters typical of transliteration. */
function isSoundName(word: string, lexicon: Lexicon): boolean {
  if (!lexicon.isProperNoun(word)) return false;
  const shares = [...word].map((char) => lexicon.phoneticShare(char));
  return shares.every((share) => share >= MIN_PHONETIC_SHARE) && shares.reduce((sum, share) => sum + share, 0) / shares.length >= MIN_PHONETIC_RUN_SHARE;
}

/** A dictionary word with senses of its own: not a name or a transliteration, and with glosses the corpus meets. */
function isCommonWord(word: string, lexicon: Lexicon): boolean {
  return lexicon.hasWord(word) && !lexicon.isTransliteration(word) && !lexicon.isProperNoun(word) && (lexicon.glossesOf(word)?.length ?? 0) > 0;
}

/** Whether a name's English form is its parts' glosses, word for word (超级碗 "Super Bowl" of 超级 "super" and 碗 "bowl"). */
function namedByItsParts(word: string, parts: readonly string[], lexicon: Lexicon): boolean {
  const names = (lexicon.glossesOf(word) ?? []).filter((gloss) => gloss.name).map((gloss) => gloss.stem.split('_'));
  if (names.length === 0) return false;
  const partStems = new Set(parts.flatMap((part) => (lexicon.glossesOf(part) ?? []).map((gloss) => gloss.stem)));
  return names.some((name) => name.every((stem) => partStems.has(stem)));
}

/**
 * The names a run of transliteration characters holds: two names side by side (纽卡斯尔|诺桑) are
 * told apart by the dictionary names of three or more characters they contain.
 */
function splitNames(run: string, lexicon: Lexicon): string[] {
  const names: string[] = [];
  let rest = '';
  for (let start = 0; start < run.length; ) {
    let length = Math.min(lexicon.maxWordLength, run.length - start);
    while (length >= 3 && !lexicon.isProperNoun(run.slice(start, start + length))) length -= 1;
    if (length >= 3) {
      if (rest) names.push(rest);
      names.push(run.slice(start, start + length));
      rest = '';
      start += length;
    } else {
      rest += run[start];
      start += 1;
    }
  }
  if (rest) names.push(rest);
  return names;
}

/**
 * A transliterated name as one concept: its characters, pinyin and phonetic key, plus its
 * dictionary entry's English name when it has one; in a question, also the corpus's Western names
 * that sound like it.
 */
function transliterationConcept(name: string, lexicon: Lexicon, query: boolean): Concept {
  const c = lexicon.hasWord(name) ? chineseWordConcept(name, FEATURE_WEIGHTS.chineseWord, lexicon, true, query) : concept(FEATURE_WEIGHTS.chineseWord, [[`zh:${name}`, 1]]);
  const syllables = romaniseSyllables(name);
  const romanised = `py:${syllables.join('')}`;
  c.alternatives.set(romanised, FEATURE_WEIGHTS.pinyin);
  const keys = new Set([`zh:${name}`, romanised, ...(c.entityKeys ?? [])]);
  const skeleton = pinyinSkeleton(syllables);
  if (soundCount(skeleton) >= 2) {
    const key = `phz:${skeleton}`;
    c.alternatives.set(key, FEATURE_WEIGHTS.phonetic);
    keys.add(key);
    if (query) {
      for (const [match, similarity] of lexicon.phoneticMatches?.(key) ?? []) {
        c.alternatives.set(match, FEATURE_WEIGHTS.phonetic * similarity);
        keys.add(match);
      }
    }
  }
  c.entityKeys = keys;
  return c;
}

/**
 * Every character of a transliterated name is used for sounds at least this often (约 of 约什
 * 0.02) and on average this often (艾伦 0.17, 勒费弗 0.30): a run of characters no dictionary
 * word claims that passes both is a name (in running text, only function words fall below).
 */
const MIN_PHONETIC_SHARE = 0.02;
const MIN_PHONETIC_RUN_SHARE = 0.12;

/** Strength of a part of a word standing for the whole. */
const PART_STRENGTH = 0.5;

/** Strength of a two-character reading of a possibly three-character name (吳泳 for 吳泳銘). */
const SHORT_NAME_STRENGTH = 0.8;

/**
 * Keys of the family name a Chinese name starts with (`pyf:cai` for 蔡崇信), for an English text's
 * family name to identify it; zero strength, so they never match as words do.
 */
const FAMILY_NAME_PREFIX = 'pyf:';

/** The pinyin a capitalised English word (or a name typed in lower case) may be as one family name: itself when one pinyin syllable (Zhang), its readings in the older spelling (Tsai → cai, zai). */
function familyNameSyllables(token: { raw: string; lower: string }, syllableCount: number, lexicon: Lexicon, typedName: boolean): string[] {
  if (syllableCount === 1 && (typedName || /^[A-Z]/.test(token.raw))) return [token.lower];
  if (syllableCount === 0 && /^[A-Z][a-z]/.test(token.raw) && !lexicon.isEnglishWord(token.lower)) return wadeGilesSyllables(token.lower, lexicon.syllables);
  return [];
}

function chineseWordConcept(word: string, weight: number, lexicon: Lexicon, withGlosses: boolean, query: boolean): Concept {
  const c = concept(weight, [[`zh:${word}`, 1]]);
  const stored = withGlosses ? lexicon.glossesOf(word) : undefined;
  const glosses = stored && query ? withOtherForms(stored, lexicon) : stored;
  if (lexicon.isProperNoun(word)) {
    // A name written in characters (英華, 微軟) meets its romanisation or its English name (the
    // keys of its dictionary entry's name: "microsoft", "unit_state"), not any word of a description.
    const romanised = `py:${romanise(word)}`;
    c.alternatives.set(romanised, FEATURE_WEIGHTS.pinyin);
    c.entityKeys = new Set([`zh:${word}`, romanised, ...(glosses ?? []).filter((gloss) => gloss.name).map((gloss) => gloss.stem)]);
  }
  if (glosses) {
    addGlosses(c, glosses, 1);
  } else if (withGlosses && word.length >= 2) {
    // A word the dictionary lacks (第三次) is read through the dictionary words it is made of (第三),
    // or through its characters (最大, 写的). A part that is all of it but function characters (换了
    // is 换 said done, 写的 is 写) says all of it.
    const content = [...word].filter((char) => !CHINESE_STOPWORDS.has(char)).length;
    for (const part of dictionaryParts(word, lexicon)) {
      const whole = part.length === content;
      c.alternatives.set(`zh:${part}`, whole ? 1 : PART_STRENGTH);
      addGlosses(c, lexicon.glossesOf(part) ?? [], whole ? 1 : part.length / word.length);
    }
  }
  return c;
}

function addGlosses(c: Concept, glosses: GlossStem[], scale: number): void {
  c.glossShare = 1 / Math.sqrt(c.glosses.size + glosses.length);
  for (const { stem, share, name } of glosses) {
    // One word of a longer gloss ("technology" of "chief technology officer") says only part of
    // it; the key of a name says all of it ("unit_state" of 美国).
    const strength = name ? FEATURE_WEIGHTS.gloss : stem.includes('_') ? FEATURE_WEIGHTS.glossBigram : FEATURE_WEIGHTS.gloss;
    c.alternatives.set(stem, Math.max(c.alternatives.get(stem) ?? 0, strength * share * scale));
    c.glosses.add(stem);
  }
}

/**
 * A question's glosses with the other forms of each the corpus uses: 瑞士's "switzerland" is also
 * "swiss", 垄断's "monopol" (monopolize) also "monopoli" (monopoly); and, weakly, their synonyms.
 * A name's other forms are names too.
 */
function withOtherForms(glosses: GlossStem[], lexicon: Lexicon): GlossStem[] {
  const known = new Set(glosses.map((gloss) => gloss.stem));
  const extended = [...glosses];
  for (const { stem, share, name } of glosses) {
    if (share < 1) continue;
    for (const other of lexicon.relatedOf(stem) ?? []) {
      if (!known.has(other)) extended.push({ stem: other, share: share * FEATURE_WEIGHTS.related, name });
      known.add(other);
    }
    for (const other of lexicon.variantsOf(stem) ?? []) {
      if (!known.has(other)) extended.push({ stem: other, share: share * FEATURE_WEIGHTS.variant, name: false });
      known.add(other);
    }
    // A synonym the corpus uses for a gloss it does not (比赛 "match", the corpus's "game"), weakly.
    if (name) continue;
    for (const other of lexicon.synonymsOf(stem) ?? []) {
      if (!known.has(other)) extended.push({ stem: other, share: share * FEATURE_WEIGHTS.synonym, name: false });
      known.add(other);
    }
  }
  return extended;
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
  // Two characters the dictionary does not join (最大, 写的): each is a word, but a function word.
  if (parts.length === 0 && word.length === 2 && !lexicon.hasWord(word)) parts.push(...[...word].filter((char) => !CHINESE_STOPWORDS.has(char)));
  return parts;
}
