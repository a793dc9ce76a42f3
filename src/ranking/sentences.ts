import { growingCache } from '../cache.js';
import type { Article } from '../corpus/types.js';
import type { LexicalIndex } from '../index/lexical.js';
import type { FeatureLookup } from './question.js';
import type { TextAnalyzer } from '../text/analyzer.js';
import { extractConcepts, flattenConcepts } from '../text/features.js';
import { toSimplified } from '../text/script.js';

// Words that mark a cause or an explanation, in English and (Simplified) Chinese.
const REASON_CUE =
  /\b(?:because|since|due to|owing to|as a result|therefore|thus|hence|so that|lead to|led to|leads to|caus(?:e|ed|es)|reasons?|result(?:s|ed)? in|explain(?:s|ed)?|driven by|difficult|hard to)\b|因为|由于|导致|所以|因此|原因|源于|使得|造成|解释|意味着|在于|难以/iu;

/** A sentence's features that are figures, dates and (pinyin) names: what an answer may bring. */
export interface SentenceAnchors {
  number: string[];
  date: string[];
  person: string[];
}

/** The numbers, dates and names among a sentence's features, as what it may bring to an answer. */
export function anchorsOf(features: ReadonlySet<string>): SentenceAnchors {
  const anchors: SentenceAnchors = { number: [], date: [], person: [] };
  for (const feature of features) {
    if (isFigure(feature, features)) anchors.number.push(feature);
    else if (isDate(feature)) anchors.date.push(feature);
    else if (feature.startsWith('py:')) anchors.person.push(feature);
  }
  return anchors;
}

/** Whether a feature of a text is a figure: a number or a share, not an ordinal's number (第一站 "the first stop" gives o:1 and n:1), which ranks and counts nothing. */
export function isFigure(feature: string, features: ReadonlySet<string>): boolean {
  return /^(?:n|p):/.test(feature) && !(feature.startsWith('n:') && features.has(`o:${feature.slice(2)}`));
}

/** Whether a feature of a text is a date: a day, month, year, year and month, or time. */
export function isDate(feature: string): boolean {
  return /^(?:d|m|y|ym|t):/.test(feature);
}

/**
 * Features of each sentence (and paragraph, and article), read once and kept for the sentences and
 * paragraphs questions keep coming back to (bounded: a large corpus is not held whole).
 */
export class SentenceFeatureCache {
  private readonly sentences = growingCache<string, { features: Set<string>; anchors: SentenceAnchors; givesReason: boolean | undefined }>(50_000);
  private readonly groups = growingCache<string, Set<string>>(5_000);
  private readonly titles = new Map<string, Set<string>>();
  // Which articles hold a feature: few features are asked about, again and again.
  private readonly articlesWith = growingCache<string, Set<string>>(20_000);

  /** `lexical`, when given, holds the sentences' features as the build extracted them, and answers what a whole article names (see `article`). */
  constructor(
    private readonly analyzer: TextAnalyzer,
    private readonly lexical?: Pick<LexicalIndex, 'chunksWith' | 'sentenceFeatures'>,
  ) {}

  private text(article: Article, index: number): string {
    const sentence = article.sentences[index]!;
    return article.text.slice(sentence.start, sentence.end);
  }

  private entry(article: Article, index: number) {
    const key = `${article.id}:${index}`;
    let entry = this.sentences.get(key);
    if (!entry) {
      const stored = this.lexical?.sentenceFeatures(article.id, index);
      const features = stored ? new Set(stored) : new Set(flattenConcepts(extractConcepts(this.text(article, index), this.analyzer.lexicon, { namesNeedCapitals: true })).keys());
      entry = { features, anchors: anchorsOf(features), givesReason: undefined };
      this.sentences.set(key, entry);
    }
    return entry;
  }

  /** The set of features of an article's sentence (empty outside the article). */
  get(article: Article, index: number): Set<string> {
    return index >= 0 && index < article.sentences.length ? this.entry(article, index).features : EMPTY;
  }

  /** A sentence's figures, dates and names (none outside the article). */
  anchors(article: Article, index: number): SentenceAnchors {
    return index >= 0 && index < article.sentences.length ? this.entry(article, index).anchors : NO_ANCHORS;
  }

  /** Whether a sentence states a cause or a reason ("because", 導致). */
  givesReason(article: Article, index: number): boolean {
    if (index < 0 || index >= article.sentences.length) return false;
    const entry = this.entry(article, index);
    // Read on demand: only "why" questions ask, and a Chinese sentence needs OpenCC's tables (a cold ask's ~15 ms).
    if (entry.givesReason === undefined) {
      entry.givesReason = REASON_CUE.test(toSimplified(this.text(article, index)));
    }
    return entry.givesReason;
  }

  /**
   * The features of what a paragraph's first sentence opens with, up to its first clause break or
   * copula: where an encyclopedia or a report names its subject ("黑边天竺鲷，俗名…", "Super Bowl 50
   * was…"), which the sentences after it then leave out or call "it" (本鱼体呈银灰色).
   */
  leadSubject(article: Article, paragraph: number): Set<string> {
    const key = `${article.id}#${paragraph}^`;
    let features = this.groups.get(key);
    if (!features) {
      const index = article.sentences.findIndex((sentence) => sentence.paragraph === paragraph);
      const opening = index < 0 ? '' : leadingSubject(this.text(article, index));
      features = new Set(flattenConcepts(extractConcepts(opening, this.analyzer.lexicon, { namesNeedCapitals: true })).keys());
      this.groups.set(key, features);
    }
    return features;
  }

  /** The features of all sentences of a paragraph. */
  paragraph(article: Article, paragraph: number): Set<string> {
    return this.group(`${article.id}#${paragraph}`, article, (sentence) => sentence.paragraph === paragraph);
  }

  /**
   * The features of a whole article, its title included: what the article as a whole names. With
   * the lexical index, looked up there feature by feature (which articles' chunks hold it), so no
   * article is read whole to answer a question.
   */
  article(article: Article): FeatureLookup {
    const { lexical } = this;
    if (!lexical) return this.group(`${article.id}#*`, article, () => true, article.meta.title);
    return {
      has: (feature) => {
        let articles = this.articlesWith.get(feature);
        if (!articles) {
          articles = new Set(lexical.chunksWith(feature).map(articleIdOfChunk));
          this.articlesWith.set(feature, articles);
        }
        return articles.has(article.id) || this.titleFeatures(article).has(feature);
      },
    };
  }

  // Read only for a feature the article's text lacks: a Chinese title's features need pinyin-pro's phrase tables (~25 ms on first use).
  private titleFeatures(article: Article): Set<string> {
    let title = this.titles.get(article.id);
    if (!title) {
      title = new Set(this.analyzer.documentFeatures(article.meta.title).keys());
      this.titles.set(article.id, title);
    }
    return title;
  }

  private group(key: string, article: Article, member: (sentence: Article['sentences'][number]) => boolean, title?: string): Set<string> {
    let features = this.groups.get(key);
    if (!features) {
      features = new Set<string>(title === undefined ? [] : this.analyzer.documentFeatures(title).keys());
      article.sentences.forEach((sentence, index) => {
        if (member(sentence)) for (const feature of this.get(article, index)) features!.add(feature);
      });
      this.groups.set(key, features);
    }
    return features;
  }
}

const EMPTY: Set<string> = new Set();
const NO_ANCHORS: SentenceAnchors = { number: [], date: [], person: [] };

const LEAD_SUBJECT = /^.{0,40}?(?=[,，、;；:：(（]|\s(?:is|was|are|were|has|had|have|became)\s|[是为為係]|$)/su;

/** A sentence's opening up to its first clause break, bracket or copula, at most 40 characters (else empty): where it names its subject. */
export function leadingSubject(sentence: string): string {
  return LEAD_SUBJECT.exec(sentence)?.[0] ?? '';
}

/** The article of a chunk id (`article:start-end`). */
function articleIdOfChunk(id: string): string {
  return id.slice(0, id.lastIndexOf(':'));
}
