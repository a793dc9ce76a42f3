import type { Article, Lang, Span } from '../corpus/types.js';
import { toSimplified } from '../text/script.js';
import { citeSpan, type Quote } from './types.js';
import { corpusPhrases, type SmallTalk } from '../i18n.js';

/** What a question about the corpus itself asks for. */
export type CorpusField = 'author' | 'editor' | 'publication' | 'date' | 'title' | 'language' | 'count' | 'overview';

/** Small talk Tether answers without retrieval (defined with its replies in src/i18n.ts). */
export type { SmallTalk };

/** A reply that comes from the corpus metadata (or is small talk), not from retrieval. */
export interface CorpusReply {
  /** `corpus`: a question about the articles themselves; `small-talk`: a greeting, thanks or "what can you do". */
  kind: 'corpus' | 'small-talk';
  /** The reply; `[n]` refers to `quotes[n - 1]`. A sidecar fact with no line in the text is marked as metadata. */
  answer: string;
  /** Verbatim lines of the articles (byline, title line, heading), by offset. */
  quotes: Quote[];
  /** False when the corpus knows none of what was asked ("No author is known for …"): the sources do not cover it. */
  known: boolean;
  /**
   * How the question pointed at the articles: `explicit` (an article noun; a publication or author
   * named; a follow-up of a question about them; nothing named but what it asks; small talk) or
   * only `implicit` (an article's whole title with nothing else named). A title is often its
   * subject's name (广茂铁路, Super Bowl 50), so an implicit reply stands only when retrieval finds
   * no answer.
   */
  reference: 'explicit' | 'implicit';
}

/** Stage 0 of the answer path: questions about the articles themselves and small talk, answered without retrieval. */
export interface CorpusQuestionAnswerer {
  /** The reply, or undefined when the question is about the articles' content (retrieval answers it). */
  answer(question: string, options: { lang: Lang; context?: string | undefined; maxQuotes?: number }): CorpusReply | undefined;
}

// ---------------------------------------------------------------------------------------------
// Recognising the question. Patterns run on lower-case Simplified text, so one pattern serves
// Traditional and Simplified Chinese.

const ARTICLE_NOUN =
  /\b(?:articles?|pieces?|commentar(?:y|ies)|stor(?:y|ies)|essays?|texts?|documents?|posts?|columns?|op-eds?|sources|corpus)\b|文章|[这那此哪两该本]篇|本文|该文|资料库|文档/u;
/** Words that may point at an article but as often at anything else: 篇 as a measure word (诗各多少篇), 原文 (the original wording). */
const ARTICLE_HINT = /篇|原文/u;
const ENGLISH_WORD = /\benglish\b|英文|英语/u;
const CHINESE_WORD = /\bchinese\b|\btraditional\b|\bsimplified\b|中文|汉语|华文|繁体|简体/u;

// "Published in March" asks for a date, "published in Nature" for a publication.
const MONTH_NAMES = 'january|february|march|april|may|june|july|august|september|october|november|december';
const FIELD_PATTERNS: Array<[CorpusField, RegExp]> = [
  ['count', /\bhow many (?:articles|sources|documents|texts|pieces|stories|files)\b|(?:几|多少)篇|多少(?:文章|资料|来源|份)|几份/u],
  [
    'date',
    new RegExp(String.raw`(?:\bwhen\b|\bwhat (?:date|day|year|month)\b|\bdated?\b|时候|何时|哪天|哪一天|哪年|日期|时间).*(?:\bpublish|\bwritten\b|\bwrite\b|\breleased?\b|\bcame out\b|\bcome out\b|\bposted\b|\bappear|\bdated?\b|发表|发布|刊|出版|写|发的)|\bpublication date\b|\b(?:published|written|released|posted) (?:in|on) (?:\d|(?:${MONTH_NAMES})\b)|(?:发表|发布|出版|刊登|写作)(?:的)?(?:时间|日期)|\d+年(?:\d+月)?(?:\d+日)?(?:发表|发布|出版|刊登)`, 'u'),
  ],
  ['editor', /\beditors?\b|\bedited\b|编辑|责编/u],
  ['author', /\bwho (?:wrote|writes|authored|penned)\b|\bauthors?\b|\bwriters?\b|\bbyline\b|\bwritten by\b|\bjournalists?\b|\breporters?\b|作者|谁写|撰文|撰稿|执笔|记者/u],
  [
    'publication',
    new RegExp(String.raw`\bpublications?\b|\bpublishers?\b|\boutlets?\b|\bmedia\b|\bmagazine\b|\bnewspaper\b|\bwebsite\b|\bwho published\b|\bpublished by\b|\bpublished (?:in|on) (?!\d|(?:${MONTH_NAMES})\b)|\bwhere (?:was|is|did)\b.*\b(?:published|come from|appear)|媒体|出处|刊物|出自|公众号|发表在|刊登在|刊发|哪家`, 'u'),
  ],
  ['title', /\btitles?\b|\bheadlines?\b|\bcalled\b|\bnamed\b|标题|题目|题为|叫什么|篇名/u],
  ['language', /\blanguages?\b|什么语言|哪种语言|语言|什么文字/u],
];

const OVERVIEW =
  /\bwhat (?:articles|sources|documents|texts)\b|\bwhich (?:articles|sources|documents) (?:do|are|have)\b|\blist (?:the |all |your |of )?(?:articles|sources|documents)\b|\bwhat (?:does|do) (?:each|the|both|these|your|all the)(?: [\w-]+)? (?:articles?|pieces?|sources?|documents?)(?: each)? (?:cover|discuss|talk about|say)\s*$|\bwhat (?:is|are) (?:the|each|this|these|both|your)(?: [\w-]+)? (?:articles?|pieces?|commentar(?:y|ies)|sources?|documents?)(?: each)? about\s*$|\bsummar(?:y|ize|ise)\b|\boverview\b|\btl;?dr\b|\bgist\b|\bin a nutshell\b|有哪些(?:文章|资料|来源)|哪些文章|(?:文章|篇|资料)(?:分别|各自|都|主要)?(?:是)?(?:在)?(?:讲|说|写|谈|介绍)(?:了)?(?:些)?(?:什么|啥)(?:内容)?$|总结|概括|摘要|概述|主要内容/u;

/** Question and function words, pronouns: what a question may hold besides its field and still name nothing ("who wrote it?", "标题是什么?"). */
const NAMES_NOTHING =
  /\b(?:who|whom|whose|whos|what|whats|when|which|where|is|was|are|were|it|its|the|this|that|these|those|they|them|of|by|for|in|on|a|an|do|does|did|please|tell|me|us|can|you|name|one|ones)\b|['’]s\b|什么|啥|名字|是|谁|哪|的|吗|呢|了|它|这|那|又|也|还|有|一共|请问|请|一下|呀|啊|吧|个/gu;

const SUMMARY_WORD = /\bsummar(?:y|ize|ise)\b|\boverview\b|\btl;?dr\b|\bgist\b|\bin a nutshell\b|总结|概括|摘要|概述/u;

/** A question that leans on the previous one: "and …?", "what about …?", "那…呢?", a bare pronoun. */
const LEANING = /^(?:and|also|what about|how about|and what about|same for)\b|\b(?:it|its|this one|that one|the other one|the other)\b|^那|呢$|它|这篇|那篇|另一篇/u;

const SMALL_TALK: Array<[SmallTalk, RegExp]> = [
  [
    'greeting',
    /^(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)|hi there|hello there|hey there|你好|您好|嗨|哈喽|哈啰|早安|早上好|晚上好|下午好|大家好|在吗)(?: (?:tether|there|bot|everyone))?$/u,
  ],
  [
    'thanks',
    /^(?:(?:ok(?:ay)?|great|cool|nice|perfect|awesome)[ ,]*)?(?:thanks?|thank you|thx|ty|cheers|many thanks|谢谢|多谢|感谢|谢了|谢啦)(?: (?:a lot|so much|very much|tether|again|you|你|您))*$/u,
  ],
  ['farewell', /^(?:bye|goodbye|bye bye|see you|see ya|再见|拜拜)$/u],
  [
    'capabilities',
    /^(?:help|what can you do|what do you do|who are you|what are you|what is tether|how do (?:i|you) (?:use|work)(?: (?:this|you|it))?|how does this work|what can i ask(?: you)?|what do you know(?: about)?|what are you for|你(?:能|可以|会)(?:做|干)(?:些)?什么|你是谁|你是什么|怎么用|(?:我)?(?:能|可以)问(?:你)?(?:些)?什么|你知道(?:些)?什么|帮助|使用说明)$/u,
  ],
];

/** Lower-case Simplified text for matching, trimmed of closing punctuation. */
function normalise(text: string): string {
  return toSimplified(text.normalize('NFKC'))
    .toLowerCase()
    .replace(/[\s?!.。！？~～,，、…:：;；'"“”‘’()（）\p{Extended_Pictographic}]+$/u, '')
    .replace(/^[\s,，、…'"“”‘’()（）]+/u, '')
    .replace(/\s+/g, ' ');
}

/** What small talk a whole message is, if it is nothing else ("hi", "thanks!", "what can you do?"). */
export function recogniseSmallTalk(question: string): SmallTalk | undefined {
  const text = normalise(question).replace(/[!,.，。！]+/gu, ' ').trim().replace(/\s+/g, ' ');
  return SMALL_TALK.find(([, pattern]) => pattern.test(text))?.[0];
}

/** The fields a question asks about the articles themselves (in the order they should be answered). */
export function corpusFieldsOf(question: string): CorpusField[] {
  const text = normalise(question);
  if (OVERVIEW.test(text) && !/\babout\b.*\babout\b|关于/u.test(text)) {
    if (!SUMMARY_WORD.test(text) || ARTICLE_NOUN.test(text) || wordCount(text) <= 3) return ['overview'];
  }
  const fields = FIELD_PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([field]) => field);
  // "When was it published?" asks for a date, not a publication; "who wrote" beats "written".
  if (fields.includes('date')) return ['date'];
  if (fields.includes('count')) return ['count'];
  return fields;
}

/**
 * The words of the fields, article nouns and languages, each to the end of an English word
 * (`\bpublish` matches "published"), not what a pattern's `.*` spans ("when were Luther's works published").
 */
const ASKING_WORDS = [OVERVIEW, ...FIELD_PATTERNS.map(([, pattern]) => pattern), ARTICLE_NOUN, ARTICLE_HINT, ENGLISH_WORD, CHINESE_WORD].map(
  (pattern) => new RegExp(`(?:${pattern.source.replaceAll('.*', '|')})[a-z]*`, 'gu'),
);

/** Whether a question holds nothing but what it asks of the articles and which ("who wrote it?", "中文那篇的标题是什么?"; not "沼鹿又叫什么?"). */
function namesNothingElse(text: string): boolean {
  const rest = ASKING_WORDS.reduce((left, words) => left.replace(words, ' '), text);
  return !/[\p{L}\p{N}]/u.test(rest.replace(NAMES_NOTHING, ' '));
}

/** Whether a question is nothing but an article's naming: its language with an article noun, or its publication (as `normalise` writes them). */
function namesOnlyAnArticle(text: string, publications: readonly string[]): boolean {
  let rest = text;
  for (const name of publications) if (rest.includes(name)) rest = rest.replaceAll(name, ' ');
  const named = rest !== text || ((ENGLISH_WORD.test(text) || CHINESE_WORD.test(text)) && ARTICLE_NOUN.test(text));
  return named && namesNothingElse(rest);
}

/** Whether a date question states a year ("published in 1937", "1937年发表") that no article's date holds. */
function statesAnotherYear(text: string, fields: CorpusField[], articles: ArticleFacts[]): boolean {
  if (!fields.includes('date')) return false;
  const years = text.match(/(?<!\d)\d{4}(?!\d)/gu) ?? [];
  return years.length > 0 && !articles.some((facts) => years.some((year) => facts.date?.value.includes(year)));
}

function wordCount(text: string): number {
  return (text.match(/[\p{L}\p{N}]+/gu) ?? []).reduce((n, word) => n + (/\p{Script=Han}/u.test(word) ? Math.ceil(word.length / 2) : 1), 0);
}

// ---------------------------------------------------------------------------------------------
// What the corpus knows of each article.

interface Fact {
  value: string;
  /** A remark of the metadata ("most likely: it names itself in the text"). */
  remark: string | undefined;
  /** Where the text says it, if it does. */
  line: Span | undefined;
}

interface ArticleFacts {
  article: Article;
  title: Fact;
  author: Fact | undefined;
  editor: Fact | undefined;
  publication: Fact | undefined;
  date: Fact | undefined;
  headings: Span[];
  /** Distinctive words of the title, for "the piece about …", as patterns that match a word beginning with one. */
  titleWords: RegExp[];
  /** Publication, author and title as `compact` writes them, worked out once: a question is compared with every article's. */
  compacted: { publication: string | undefined; author: string | undefined; title: string; titleParts: string[] };
}

const BYLINE = /^\s*(?:撰文|作者|文|记者|記者|by|written by|author|text)\s*[|｜:：]\s*(.+?)\s*$/iu;
const EDITOR_LINE = /^\s*(?:编辑|編輯|责编|責編|editor|edited by)\s*[|｜:：]\s*(.+?)\s*$/iu;

/** Lines of a text with their offsets, trimmed. */
function linesOf(text: string): Span[] {
  const lines: Span[] = [];
  let start = 0;
  for (const line of text.split('\n')) {
    const lead = line.length - line.trimStart().length;
    const trimmed = line.trim();
    if (trimmed) lines.push({ start: start + lead, end: start + lead + trimmed.length });
    start += line.length + 1;
  }
  return lines;
}

const compact = (text: string) => toSimplified(text).replace(/\s+/g, '').toLowerCase();

/** A short line holding `value` (a byline, a masthead), else the first sentence that does. */
function findLine(article: Article, value: string, lines: Span[]): Span | undefined {
  const want = compact(value);
  if (want.length < 2) return undefined;
  const short = lines.find((line) => line.end - line.start <= 60 && compact(article.text.slice(line.start, line.end)).includes(want));
  if (short) return short;
  return article.sentences.find((sentence) => compact(article.text.slice(sentence.start, sentence.end)).includes(want));
}

/** Splits a metadata value into its name and a remark in parentheses: "銀杏科技 (most likely: …)". */
export function splitRemark(raw: string): { value: string; remark: string | undefined } {
  const match = /^(.*?)\s*\(([^)]*)\)\s*$/u.exec(raw.trim());
  return match && match[1] ? { value: match[1].trim(), remark: match[2]?.trim() } : { value: raw.trim(), remark: undefined };
}

function factsOf(article: Article): ArticleFacts {
  const lines = linesOf(article.text);
  const lineText = (line: Span) => article.text.slice(line.start, line.end);
  const bylineOf = (pattern: RegExp) => {
    const line = lines.slice(0, 12).find((l) => pattern.test(lineText(l)));
    return line ? { value: pattern.exec(lineText(line))?.[1] ?? '', remark: undefined, line } : undefined;
  };
  const { meta } = article;

  let author: Fact | undefined;
  let editor: Fact | undefined;
  if (meta.author) {
    const { value, remark } = splitRemark(meta.author);
    const editorRemark = remark ? /\beditors?\s*[:：]\s*(.+)$/iu.exec(remark) : null;
    author = { value, remark: editorRemark ? undefined : remark, line: findLine(article, value, lines) };
    if (editorRemark?.[1]) editor = { value: editorRemark[1].trim(), remark: undefined, line: findLine(article, editorRemark[1], lines) };
  }
  author ??= bylineOf(BYLINE);
  editor ??= bylineOf(EDITOR_LINE);

  const publication = meta.publication ? splitRemark(meta.publication) : undefined;
  const date = meta.date ? { value: meta.date, remark: undefined } : undefined;
  const titleLine = meta.titleEditorial
    ? undefined
    : lines.find((line) => {
        const text = compact(lineText(line));
        const title = compact(meta.title);
        return text === title || (text.includes(title) && text.length <= title.length + 12);
      });

  // Section headings: short lines standing alone as paragraphs, without end punctuation, after the title.
  const headings = article.paragraphs.filter((p) => {
    const text = article.text.slice(p.start, p.end);
    return (
      p.start !== titleLine?.start &&
      !text.includes('\n') &&
      text.length <= (/\p{Script=Han}/u.test(text) ? 20 : 60) &&
      /[\p{L}]/u.test(text) &&
      !/[.。!?！？:：;；,，]$|[|｜]|^[-—]/u.test(text) &&
      !BYLINE.test(text) &&
      !EDITOR_LINE.test(text)
    );
  });

  return {
    article,
    title: { value: meta.title, remark: undefined, line: titleLine },
    author,
    editor,
    publication: publication ? { ...publication, line: findLine(article, publication.value, lines) } : undefined,
    date: date ? { ...date, line: findLine(article, date.value, lines) } : undefined,
    headings,
    titleWords: [],
    compacted: { publication: publication && compact(publication.value), author: author && compact(author.value), title: compact(meta.title), titleParts: titleParts(meta.title) },
  };
}

/** A title and its clauses as `compact` writes them ("阿里雲,暫停裂土封王": 阿里云, 暂停裂土封王), whole title first: what a question may name an article by. */
function titleParts(title: string): string[] {
  const whole = compact(title);
  const clauses = whole.split(/[,，:：;；、|｜!！?？]+/u).filter((part) => part !== whole && part.length >= (/\p{Script=Han}/u.test(part) ? 2 : 4));
  return whole.length >= 4 ? [whole, ...clauses] : clauses;
}

const STOP = new Set('the and for with from that this into about after before over under year cloud a an of in on at to its their'.split(' '));

/** Words of each title no other article's title, publication or author shares. */
function addTitleWords(all: ArticleFacts[]): void {
  const wordsOf = (facts: ArticleFacts) =>
    new Set(
      [facts.title.value, facts.publication?.value ?? '', facts.author?.value ?? '']
        .join(' ')
        .toLowerCase()
        .match(/[a-z][a-z-]{3,}/g)
        ?.filter((word) => !STOP.has(word)) ?? [],
    );
  const sets = all.map(wordsOf);
  all.forEach((facts, i) => {
    facts.titleWords = [...sets[i]!].filter((word) => sets.every((other, j) => j === i || !other.has(word))).map((word) => new RegExp(`\\b${word}`));
  });
}

// ---------------------------------------------------------------------------------------------
// Which articles a question means.

/**
 * The articles a question names (by language, publication, author, title), best first; empty when
 * none. `named` says how: `explicit` by its publication or author; `implicit` by its whole title
 * with nothing else named around it (a title may be its subject's name: "广茂铁路又叫什么?", while
 * "广茂铁路由哪家公司管理运营?" asks about the railway); undefined when only a language or a word of
 * a title points at them ("the Chinese one", "the piece about costs"), which picks an article but
 * does not by itself make a question one about the articles (加拿大中文电台 is a radio station).
 */
function referencedArticles(question: string, all: ArticleFacts[]): ArticleFacts[] & { named?: CorpusReply['reference'] } {
  const text = normalise(question);
  const compactText = compact(question);
  const scores = all.map((facts) => {
    // A language (2) picks articles; a publication or an author (3) names them.
    let named = 0;
    const zh = facts.article.meta.lang !== 'en';
    if (zh ? CHINESE_WORD.test(text) : ENGLISH_WORD.test(text)) named += 2;
    for (const fact of [facts.compacted.publication, facts.compacted.author]) {
      if (fact && fact.length >= 2 && compactText.includes(fact)) named += 3;
    }
    // The whole title, else a clause of it ("阿里云的作者是谁?").
    const part = facts.compacted.titleParts.find((p) => compactText.includes(p));
    const titleHits = facts.titleWords.filter((word) => word.test(text)).length;
    return { named, part, score: named + (part === undefined ? 0 : part === facts.compacted.title ? 4 : 1) + Math.min(1, titleHits * 0.5) };
  });
  const best = Math.max(0, ...scores.map((s) => s.score));
  const found: ArticleFacts[] & { named?: CorpusReply['reference'] } = best === 0 ? [] : all.filter((_, i) => scores[i]!.score === best);
  const foundScores = scores.filter((s) => best > 0 && s.score === best);
  if (foundScores.some((s) => s.named >= 3)) found.named = 'explicit';
  else if (foundScores.some(({ part }) => part !== undefined && namesNothingElse(withoutTitle(text, part)))) found.named = 'implicit';
  return found;
}

/** `text` with a title (or a part of one) taken out, however it is spaced there (`title` as `compact` writes it). */
function withoutTitle(text: string, title: string): string {
  const pattern = new RegExp([...title.normalize('NFKC')].map((char) => char.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')).join('\\s*'), 'u');
  return text.replace(pattern, ' ');
}

// ---------------------------------------------------------------------------------------------
// The reply, in the question's language (its words are in src/i18n.ts).

/**
 * Builds the stage over the loaded articles: recognises questions about the corpus (author, editor,
 * publication, date, title, language, how many articles, what each covers) and small talk in English,
 * Traditional and Simplified Chinese, and answers them from the sidecars and the texts. A fact the text
 * states (a byline, a title line, a masthead) is quoted by offset; one only the sidecar knows is stated
 * and marked as metadata, never shown as a quote.
 */
export function createCorpusQuestionAnswerer(articles: Article[]): CorpusQuestionAnswerer {
  // Read from the articles on the first question about them: most questions are about their content.
  let known: ArticleFacts[] | undefined;
  // A question that is only a publication's name asks what its article covers: the names as `normalise` writes them.
  const publications = [...new Set(articles.flatMap((article) => (article.meta.publication ? [normalise(splitRemark(article.meta.publication).value)] : [])))];
  const facts = (): ArticleFacts[] => {
    if (!known) {
      known = articles.map(factsOf);
      addTitleWords(known);
    }
    return known;
  };

  const reply = (question: string, lang: Lang, context: string | undefined, maxQuotes: number): CorpusReply | undefined => {
    const smallTalk = recogniseSmallTalk(question);
    if (smallTalk) return smallTalkReply(smallTalk, lang, facts());

    let fields = corpusFieldsOf(question);
    const text = normalise(question);
    const previous = context?.split('\n').map((line) => line.trim()).filter(Boolean).at(-1);
    const leans = LEANING.test(text);
    const previousFields = previous && leans ? corpusFieldsOf(previous) : [];
    // "And who edited it?" after a question about an article; "那英文那篇呢?" after one about a field.
    if (fields.length === 0 && previousFields.length > 0 && wordCount(text) <= 8) fields = previousFields;
    // An article named and nothing asked ("the English article?", "中文那篇", "New Position"): what it covers.
    if (fields.length === 0 && !previous && namesOnlyAnArticle(text, publications)) fields = ['overview'];
    if (fields.length === 0) return undefined;
    const all = facts();
    let targets: ArticleFacts[] & { named?: CorpusReply['reference'] } = referencedArticles(question, all);
    const previousTargets = previous && leans && previousFields.length > 0 ? referencedArticles(previous, all) : [];
    const explicit = ARTICLE_NOUN.test(text) || targets.named === 'explicit' || previousFields.length > 0 || namesNothingElse(text);
    // "What article was published in 1937?" of articles not dated 1937 asks what a text says: retrieval first.
    const reference = !explicit ? targets.named : statesAnotherYear(text, fields, targets.length > 0 ? targets : all) ? 'implicit' : 'explicit';
    if (!reference) return undefined;
    if (fields.includes('count')) targets = all;
    else if (targets.length === 0) targets = previousTargets.length > 0 ? previousTargets : all;
    // Named by its title, an article is not asked its title ("扬子克拉通又叫什么?" asks for another name)
    // nor what it says ("《战栗游戏》的主要内容是什么?" is the content's); "《三遂平妖传》的作者是谁?" of
    // one without a known author asks for the novel's: the text may say.
    if (reference === 'implicit') fields = fields.filter((field) => !['title', 'overview', 'count'].includes(field) && targets.some((facts) => knows(facts, field)));
    if (fields.length === 0) return undefined;
    return { ...corpusReply(fields, targets, lang, maxQuotes, targets.length < all.length), reference };
  };

  return {
    answer(question, { lang, context, maxQuotes }) {
      return reply(question, lang, context, maxQuotes ?? Infinity);
    },
  };
}

/** Collects quotes as a reply cites them: `[n]` markers in order, at most `max` (a line past it is not cited). */
function quoteCollector(max: number) {
  const quotes: Quote[] = [];
  return {
    quotes,
    cite(facts: ArticleFacts, span: Span | undefined): string {
      if (!span) return '';
      const { article } = facts;
      const existing = quotes.find((q) => q.source === article.source && q.start === span.start && q.end === span.end);
      if (existing) return ` [${existing.n}]`;
      if (quotes.length >= max) return '';
      const paragraph = article.paragraphs.findIndex((p) => p.start <= span.start && span.end <= p.end) + 1;
      const n = quotes.length + 1;
      // A line that states the asked fact: certain, not a ranker's estimate.
      quotes.push({ n, ...citeSpan(article, Math.max(1, paragraph), span.start, span.end, 1) });
      return ` [${n}]`;
    },
  };
}

/** Whether the metadata or the text states an article's `field` (a title, language or count always is). */
function knows(facts: ArticleFacts, field: CorpusField): boolean {
  return field === 'author' || field === 'editor' || field === 'publication' || field === 'date' ? facts[field] !== undefined : true;
}

/** `oneOfThem`: the question named some of the articles ("tl;dr of the English article"), so the overview is of those, not of what Tether answers from. */
function corpusReply(fields: CorpusField[], targets: ArticleFacts[], lang: Lang, maxQuotes: number, oneOfThem = false): Omit<CorpusReply, 'reference'> {
  const p = corpusPhrases(lang);
  const { quotes, cite } = quoteCollector(maxQuotes);
  const lines: string[] = [];
  const metadataNote = (fact: Fact) => (fact.line ? '' : ` (${p.metadata})`);
  let known = false;

  for (const field of fields) {
    if (field === 'count' || field === 'overview') {
      lines.push(field === 'count' ? p.count(targets.length) : oneOfThem ? p.namedOverview(targets.length) : p.overview(targets.length));
      for (const facts of targets) lines.push(`- ${describeArticle(facts, lang, cite, field === 'overview')}`);
      continue;
    }
    for (const facts of targets) {
      const ref = p.article(facts.title.value);
      const langName = p.langName[facts.article.meta.lang];
      if (knows(facts, field)) known = true;
      if (field === 'author') {
        const f = facts.author;
        lines.push(f ? p.author(ref, f.value, `${cite(facts, f.line)}${metadataNote(f)}`) : p.noAuthor(ref));
      } else if (field === 'editor') {
        const f = facts.editor;
        lines.push(f ? p.editor(ref, f.value, `${cite(facts, f.line)}${metadataNote(f)}`) : p.noEditor(ref));
      } else if (field === 'publication') {
        const f = facts.publication;
        lines.push(f ? p.publication(ref, f.value, `${cite(facts, f.line)}${f.remark ? p.remark(f.remark) : metadataNote(f)}`) : p.noPublication(ref));
      } else if (field === 'date') {
        const f = facts.date;
        lines.push(f ? p.date(ref, f.value, `${cite(facts, f.line)}${metadataNote(f)}`) : p.noDate(ref));
      } else if (field === 'title') {
        lines.push(
          facts.title.line ? p.title(langName, facts.title.value, cite(facts, facts.title.line)) : p.editorialTitle(langName, facts.title.value),
        );
      } else {
        lines.push(p.language(ref, langName));
      }
    }
  }
  if (fields.some((field) => field === 'count' || field === 'overview')) known = true;
  return { kind: 'corpus', answer: lines.join('\n'), quotes, known };
}

/** One article in a list: its title (quoted when the text has it), language, publication, author, date, sections. */
function describeArticle(facts: ArticleFacts, lang: Lang, cite: (facts: ArticleFacts, span: Span | undefined) => string, withSections: boolean): string {
  const p = corpusPhrases(lang);
  const { meta } = facts.article;
  const parts = [p.langName[meta.lang], facts.publication?.value, facts.author?.value, facts.date?.value].filter(Boolean);
  const titleCite = facts.title.line ? cite(facts, facts.title.line) : '';
  const head = `${p.article(facts.title.value)}${titleCite} (${parts.join(', ')})`;
  if (!withSections || facts.headings.length === 0) return head;
  const sections = facts.headings.slice(0, 6).map((span) => `「${facts.article.text.slice(span.start, span.end)}」${cite(facts, span)}`);
  return `${head}; ${p.sections}: ${sections.join(', ')}`;
}

/** Topics of a title for example questions: the parts after a colon, or the title's clauses. */
function titleTopics(title: string): string[] {
  const afterColon = title.split(/[:：]/u).slice(1).join(':').trim();
  const parts = (afterColon || title)
    .split(/\s*(?:,|，|、|;|；|\band\b)\s*/u)
    .map((part) => part.trim())
    .filter((part) => part.length >= 2);
  return parts.length > 0 ? parts : [title];
}

function smallTalkReply(kind: SmallTalk, lang: Lang, all: ArticleFacts[]): CorpusReply {
  const p = corpusPhrases(lang);
  const lines = [p.smallTalk[kind]];
  if (kind === 'farewell') return { kind: 'small-talk', answer: lines[0]!, quotes: [], known: true, reference: 'explicit' };
  lines.push(p.knows(all.length));
  for (const facts of all.slice(0, 8)) {
    const { meta } = facts.article;
    lines.push(`- ${p.article(facts.title.value)} (${[p.langName[meta.lang], facts.publication?.value].filter(Boolean).join(', ')})`);
  }
  const examples: string[] = [];
  for (const facts of all) {
    const topics = titleTopics(facts.title.value);
    // The longest topic says most: "the cancelled spin-off" rather than "AI".
    const topic = topics.reduce((longest, t) => (t.length > longest.length ? t : longest), '');
    if (topic && examples.length < 2) examples.push(p.exampleAbout(topic));
  }
  const first = all.find((facts) => facts.author) ?? all[0];
  if (first) examples.push(p.exampleWho(first.title.value));
  lines.push(`${p.tryAsking} ${examples.map((example) => `“${example}”`).join(' · ')}`);
  return { kind: 'small-talk', answer: lines.join('\n'), quotes: [], known: true, reference: 'explicit' };
}
