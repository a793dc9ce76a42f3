import type { Article, ArticleMeta, Lang } from '../corpus/types.js';
import type { Confidence, Decision } from '../decision/decide.js';
import type { Gloss } from './gloss.js';

export type { Confidence, Decision } from '../decision/decide.js';

/** A verbatim span of an article with its citation: `text === fileText.slice(start, end)`. */
export interface CitedSpan {
  /** The article's id (its file name without extension). */
  articleId: string;
  /** The paragraph's id, `${articleId}:${paragraph}`: what `Tether.getPassage` takes. */
  passageId: string;
  /** Path of the source file relative to the project root. */
  source: string;
  title: string;
  lang: Lang;
  paragraph: number;
  /** UTF-16 offsets into the file's text as Node reads it. */
  start: number;
  end: number;
  text: string;
  /** 0..1: the ranker's estimate of the probability that the span holds the answer (quotes come best first). */
  score: number;
}

/** A numbered quote of an answer. */
export interface Quote extends CitedSpan {
  n: number;
  /** For a quote in another language than the question: matched terms and converted figures (never part of the quote). */
  gloss?: Gloss;
}

/** What Tether says to a question: a short answer and the quotes that ground it. */
export interface Answer {
  question: string;
  /** True when Tether answers (`confidence` is `answer`); otherwise `quotes` holds the nearest passages. */
  found: boolean;
  /**
   * `answer`: the quotes answer the question; `unsure`: they may answer it, shown as such;
   * `none`: the sources do not cover the question.
   */
  confidence: Confidence;
  answer: string;
  quotes: Quote[];
  /** The language of the question; labels and messages follow it. */
  lang: Lang;
  /** Which answerer wrote `answer`: `extractive`, or the chat model's name. */
  answeredBy: string;
  verification?: Verification;
  /**
   * Set when the reply did not come from retrieval: `corpus` for a question about the articles themselves
   * (answered from their metadata and bylines), `small-talk` for a greeting, thanks or "what can you do".
   */
  reply?: 'corpus' | 'small-talk';
  /** The question as Tether read it, when a follow-up's pronoun was replaced ("What other jobs does Wu Yongming have?"). */
  readAs?: string;
  /** The articles the question named ("the English piece", a publication), to which its quotes were limited. */
  scopedTo?: Array<{ source: string; title: string }>;
  /** The decision and the evidence it used, when asked for (`explain`). */
  decision?: Decision;
  timings_ms: { total: number };
}

/** A whole paragraph of an article, for quoting on request. */
export interface Passage extends CitedSpan {
  /** Stable id for buttons and autocomplete: the passage id. */
  id: string;
}

/** The id of an article's paragraph (1-based), as quotes carry it and `Tether.getPassage` takes it. */
export function passageIdOf(articleId: string, paragraph: number): string {
  return `${articleId}:${paragraph}`;
}

/** The span `start`–`end` of an article's paragraph, cited: the text is cut from the article by offset. */
export function citeSpan(article: Article, paragraph: number, start: number, end: number, score: number): CitedSpan {
  return {
    articleId: article.id,
    passageId: passageIdOf(article.id, paragraph),
    source: article.source,
    title: article.meta.title,
    lang: article.meta.lang,
    paragraph,
    start,
    end,
    text: article.text.slice(start, end),
    score,
  };
}

/** An article as listed by /sources. */
export interface SourceInfo extends Omit<ArticleMeta, 'notes'> {
  id: string;
  source: string;
  paragraphs: number;
}

/** Options for one question. */
export interface AskOptions {
  /** The previous turn of a conversation ("and why?"): it informs retrieval with less weight. */
  context?: string;
  /** Skip this many quotes (for "More quotes"); numbering continues from it. */
  offset?: number;
  /** How many quotes to return, 3 by default. */
  limit?: number;
  /** Called with the answer text so far while a chat model writes it. */
  onAnswerText?: (textSoFar: string) => void;
  signal?: AbortSignal;
  /** Include the decision and its evidence in the answer. */
  explain?: boolean;
}

/** The core, as every front end (CLI, Discord, eval) sees it. It never imports discord.js. */
export interface Tether {
  ask(question: string, options?: AskOptions): Promise<Answer>;
  /** Passages (whole paragraphs) that bear on a text: for /quote, its autocomplete, and "Find sources". */
  findPassages(text: string, options?: { limit?: number }): Promise<Passage[]>;
  /** A passage by its id, or undefined. */
  getPassage(id: string): Passage | undefined;
  listSources(): SourceInfo[];
}

/** The evidence an answerer works from: retrieval has already chosen and ranked it. */
export interface AnswerRequest {
  question: string;
  lang: Lang;
  /** Retrieved passages, best first; a chat model cites them as [1], [2], … in this order. */
  passages: Passage[];
  /** Ranked verbatim spans (sentences) drawn from `passages`, best first, numbered from 1. */
  quotes: Quote[];
  /** Whether the evidence is strong enough to answer (the calibrated decision said `answer`). */
  found: boolean;
  /** The decision: an answerer says "not sure" for `unsure` and "not covered" for `none`. */
  confidence: Confidence;
  /** The titles of the articles the question named, when only they were searched: "not covered" is said of them. */
  scope?: string[];
}

/** How a chat model's quotes fared against the sources; absent for the extractive answerer. */
export interface Verification {
  verified: number;
  repaired: number;
  dropped: number;
  citationsRemoved: number;
  /** Set when the extractive answer replaced the model's (timeout, 429, no citations, …). */
  fallbackReason?: string;
}

/** What an answerer returns; the core adds question, timings and language. */
export interface AnswerDraft {
  found: boolean;
  answer: string;
  quotes: Quote[];
  answeredBy: string;
  verification?: Verification;
}

/** Writes the answer from retrieved evidence: the offline extractive one, or a chat model. */
export interface Answerer {
  readonly name: string;
  answer(request: AnswerRequest, options?: { onAnswerText?: (textSoFar: string) => void; signal?: AbortSignal }): Promise<AnswerDraft>;
}
