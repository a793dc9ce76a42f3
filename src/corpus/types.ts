import type { Lang } from '../text/script.js';

/** Languages Tether tells apart (defined beside the script detection that tells them apart). */
export type { Lang };

/** A half-open range of UTF-16 offsets into an article's text as Node reads it. */
export interface Span {
  start: number;
  end: number;
}

/** What is known about an article, from its `.meta.json` sidecar or inferred from its text. */
export interface ArticleMeta {
  title: string;
  /** True when the title was written by the editors, not taken from the article. */
  titleEditorial: boolean;
  lang: Lang;
  publication: string | undefined;
  author: string | undefined;
  date: string | undefined;
  notes: string | undefined;
}

/** One source article: its verbatim text and where paragraphs and sentences lie in it. */
export interface Article {
  /** Stable id: the file name without extension. */
  id: string;
  /** Path relative to the project root, e.g. `corpus/alibaba-cloud-new-position.txt`. */
  source: string;
  text: string;
  meta: ArticleMeta;
  /** Non-empty paragraphs, in order; paragraph numbers are 1-based indexes into this. */
  paragraphs: Span[];
  sentences: Sentence[];
}

/** A sentence: a span that never crosses a paragraph and keeps its own end punctuation. */
export interface Sentence extends Span {
  /** 1-based paragraph number. */
  paragraph: number;
}

/** A retrieval unit: consecutive sentences of one paragraph. */
export interface Chunk extends Span {
  /** Stable id: `${articleId}:${start}-${end}`. */
  id: string;
  articleId: string;
  paragraph: number;
  /** Indexes into the article's `sentences`. */
  sentenceIndexes: number[];
  text: string;
}
