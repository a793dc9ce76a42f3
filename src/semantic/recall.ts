import type { Article } from '../corpus/types.js';
import { articleFileStem, type DatasetCase } from '../eval/datasets.js';
import { foldForMatching } from '../text/script.js';

/** Scores every sentence of an article for a question: higher is more likely to answer it. */
export type SentenceScorer = (question: string, article: Article) => ArrayLike<number>;

/** Sentence recall of one scorer over a set of cases. */
export interface SentenceRecall {
  /** Cases whose answering sentence was found in the corpus. */
  cases: number;
  /** Cases left out: the answer text is not in the paragraph the dataset names. */
  unlocated: number;
  /** Share of cases whose answering sentence ranks first, in the top 3, in the top 10. */
  at1: number;
  at3: number;
  at10: number;
  /** Mean number of sentences per article the cases were ranked among. */
  meanSentences: number;
}

/**
 * The sentences of `article` that answer a case: those overlapping the first place where one of
 * its expected answers occurs in the paragraph the dataset names (case and width folded).
 */
export function answeringSentences(article: Article, dataCase: Pick<DatasetCase, 'paragraph' | 'expect'>): number[] {
  const paragraph = article.paragraphs[dataCase.paragraph];
  if (!paragraph) return [];
  const fold = (text: string) => foldForMatching(text).toLowerCase();
  const body = fold(article.text.slice(paragraph.start, paragraph.end));
  let best: { start: number; end: number } | undefined;
  for (const answer of dataCase.expect) {
    const folded = fold(answer.trim());
    if (folded === '') continue;
    const at = body.indexOf(folded);
    if (at >= 0 && (!best || at < best.start)) best = { start: paragraph.start + at, end: paragraph.start + at + folded.length };
  }
  if (!best) return [];
  const { start, end } = best;
  return article.sentences.flatMap((s, i) => (s.paragraph === dataCase.paragraph + 1 && s.start < end && s.end > start ? [i] : []));
}

/** Where a case's article is in a dataset corpus: its id is its file stem. */
export function caseArticle(articles: readonly Article[], dataCase: Pick<DatasetCase, 'position' | 'title'>): Article | undefined {
  const id = articleFileStem(dataCase.position, dataCase.title);
  return articles.find((article) => article.id === id);
}

/** Sentence recall@1/3/10 of each scorer within the answer's own article. */
export function sentenceRecall(
  articles: readonly Article[],
  cases: ReadonlyArray<Pick<DatasetCase, 'question' | 'paragraph' | 'expect' | 'position' | 'title'>>,
  scorers: Record<string, SentenceScorer>,
): Record<string, SentenceRecall> {
  const hits = Object.fromEntries(Object.keys(scorers).map((name) => [name, { at1: 0, at3: 0, at10: 0 }]));
  let located = 0;
  let unlocated = 0;
  let sentences = 0;
  for (const dataCase of cases) {
    const article = caseArticle(articles, dataCase);
    const answering = article ? new Set(answeringSentences(article, dataCase)) : new Set<number>();
    if (!article || answering.size === 0) {
      unlocated += 1;
      continue;
    }
    located += 1;
    sentences += article.sentences.length;
    for (const [name, scorer] of Object.entries(scorers)) {
      const scores = scorer(dataCase.question, article);
      const order = Array.from({ length: article.sentences.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
      const rank = order.findIndex((i) => answering.has(i));
      const tally = hits[name]!;
      if (rank === 0) tally.at1 += 1;
      if (rank >= 0 && rank < 3) tally.at3 += 1;
      if (rank >= 0 && rank < 10) tally.at10 += 1;
    }
  }
  const share = (n: number) => (located === 0 ? 0 : n / located);
  return Object.fromEntries(
    Object.entries(hits).map(([name, tally]) => [
      name,
      { cases: located, unlocated, at1: share(tally.at1), at3: share(tally.at3), at10: share(tally.at10), meanSentences: located === 0 ? 0 : sentences / located },
    ]),
  );
}
