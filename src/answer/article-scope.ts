import type { Article } from '../corpus/types.js';
import { splitRemark } from './corpus-questions.js';
import { toSimplified } from '../text/script.js';

// A question about the articles' content may name the one it means: "What does the English piece
// say about the outage?", "According to New Position, why was the spin-off stopped?", "中文那篇怎麼說…".
// Its quotes should come from that article, and the naming words are no part of the topic: left in,
// "English" and "New Position" weighed the most of all its words, and the other article, in the other
// language, answered (or nothing did). An article's title alone does not scope a question: a title is
// often its subject's name (广茂铁路, Super Bowl 50), asked about wherever it is written.

/** Which articles a question names, and the question as retrieval should read it. */
export interface ArticleScope {
  /** Ids of the articles the question names; undefined when it names none, or every one. */
  articles: ReadonlySet<string> | undefined;
  /** The question with each naming replaced by a plain reference to the source ("the article", 文中), which the topic then drops. */
  text: string;
}

/** Reads which article a question about the corpus's content means. */
export interface ArticleScoper {
  scope(question: string): ArticleScope;
}

type LanguageGroup = 'en' | 'zh' | 'zh-Hant' | 'zh-Hans';

const HAN = /\p{Script=Han}/u;

// "the English piece", "this Chinese-language article", "the Traditional Chinese one".
const ENGLISH_NAMING =
  /\b(?:the|this|that)\s+(english|(?:traditional\s+|simplified\s+)?chinese)(?:[- ]language)?\s+(?:articles?|pieces?|one|version|report|story|text|commentary|source|post)\b(?![-'’])/giu;
// 英文那篇, 中文的文章, 繁體版裡; 版 only where no noun follows (not 英文版主题曲). Both scripts: a question is read in Simplified when OpenCC keeps its length.
const CHINESE_NAMING =
  /(英文|英語|英语|中文|繁體|繁体|簡體|简体)(?:的)?(?:那篇|這篇|这篇|文章|報導|报道|原文|稿子|(?:版本|版)(?=[裡里中說说提寫写怎為为認认講讲覺觉呢嗎吗的?？,，。\s]|$))(?:文章)?(?:裡|里|中)?/gu;

function groupOfWord(word: string): LanguageGroup {
  const lower = word.toLowerCase();
  if (/english|英/u.test(lower)) return 'en';
  if (/traditional|繁/u.test(lower)) return 'zh-Hant';
  if (/simplified|[簡简]/u.test(lower)) return 'zh-Hans';
  return 'zh';
}

function inGroup(article: Article, group: LanguageGroup): boolean {
  const { lang } = article.meta;
  return group === 'zh' ? lang !== 'en' : lang === group;
}

/** A publication's name without the metadata's remark ("銀杏科技 (most likely: …)"), unless too short to tell from an ordinary word. */
function nameOf(value: string | undefined): string | undefined {
  const name = value === undefined ? undefined : splitRemark(value).value;
  return name && (HAN.test(name) ? name.length >= 2 : name.replace(/\s+/g, '').length >= 5) ? name : undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/** A publication's name as a question may write it: either script, any spacing and case, maybe with an article noun ("the New Position piece", 銀杏科技的文章). */
function publicationPattern(name: string): RegExp {
  const chars = [...toSimplified(name).replace(/\s+/g, '')].map(escape).join('\\s*');
  return new RegExp(`(?:\\bthe\\s+)?${chars}(?:['’]s)?(?:\\s+(?:articles?|pieces?|report|story|commentary)\\b)?(?:的?(?:文章|那篇|报道|報導))?(?:里|裡|中)?`, 'giu');
}

/**
 * Builds the reader over the corpus's articles: a question names an article by its language with an
 * article noun ("the English piece", 中文那篇) or by its publication (from the metadata), in either script.
 */
export function createArticleScoper(articles: readonly Article[]): ArticleScoper {
  const publications = articles.flatMap((article) => {
    const name = nameOf(article.meta.publication);
    return name ? [{ id: article.id, pattern: publicationPattern(name) }] : [];
  });
  return {
    scope(question) {
      // Matched in Simplified, cut from the question as written: OpenCC's Traditional → Simplified keeps every character's place.
      const simplified = toSimplified(question);
      const text = simplified.length === question.length ? simplified : question;
      const named = new Set<string>();
      const cuts: Array<{ start: number; end: number }> = [];
      for (const pattern of [ENGLISH_NAMING, CHINESE_NAMING]) {
        for (const match of text.matchAll(pattern)) {
          const group = groupOfWord(match[1]!);
          const ids = articles.filter((article) => inGroup(article, group)).map((article) => article.id);
          if (ids.length === 0) continue;
          for (const id of ids) named.add(id);
          cuts.push({ start: match.index, end: match.index + match[0].length });
        }
      }
      for (const { id, pattern } of publications) {
        for (const match of text.matchAll(pattern)) {
          named.add(id);
          cuts.push({ start: match.index, end: match.index + match[0].length });
        }
      }
      if (named.size === 0 || named.size === articles.length) return { articles: undefined, text: question };
      let rewritten = '';
      let at = 0;
      for (const { start, end } of cuts.sort((a, b) => a.start - b.start)) {
        if (start < at) continue;
        // 文中 where Chinese surrounds the naming, else "the article": a reference to the source, which `withoutSourceReferences` drops.
        rewritten += `${question.slice(at, start)}${HAN.test(question.slice(Math.max(0, start - 1), end + 1)) ? '文中' : 'the article'}`;
        at = end;
      }
      return { articles: named, text: `${rewritten}${question.slice(at)}` };
    },
  };
}
