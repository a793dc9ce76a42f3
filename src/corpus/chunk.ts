import type { Article, Chunk } from './types.js';

/** How articles are cut into retrieval units; recorded in the index manifest. */
export interface ChunkingOptions {
  /** Largest chunk, in weighted characters (a Chinese character weighs 3, about one English word). */
  maxSize: number;
  /** Sentences repeated at the start of the next chunk when a paragraph is split. */
  overlapSentences: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { maxSize: 700, overlapSentences: 1 };

const HAN_GLOBAL = /\p{Script=Han}/gu;

/** Size of a text in weighted characters: Chinese characters carry about three letters' meaning. */
export function weightedLength(text: string): number {
  const han = text.match(HAN_GLOBAL)?.length ?? 0;
  return text.length + 2 * han;
}

/**
 * Cuts an article into chunks of whole consecutive sentences of one paragraph, so a chunk never
 * starts with the previous sentence's punctuation and its offsets point into the article's text.
 */
export function chunkArticle(article: Article, options: ChunkingOptions = DEFAULT_CHUNKING): Chunk[] {
  const chunks: Chunk[] = [];
  const byParagraph = new Map<number, number[]>();
  article.sentences.forEach((sentence, index) => {
    const list = byParagraph.get(sentence.paragraph) ?? [];
    list.push(index);
    byParagraph.set(sentence.paragraph, list);
  });

  for (const [paragraph, indexes] of byParagraph) {
    let first = 0;
    while (first < indexes.length) {
      let last = first;
      while (last + 1 < indexes.length && sizeOf(article, indexes, first, last + 1) <= options.maxSize) last += 1;
      const sentenceIndexes = indexes.slice(first, last + 1);
      const start = article.sentences[sentenceIndexes[0]!]!.start;
      const end = article.sentences[sentenceIndexes.at(-1)!]!.end;
      chunks.push({
        id: `${article.id}:${start}-${end}`,
        articleId: article.id,
        paragraph,
        start,
        end,
        sentenceIndexes,
        text: article.text.slice(start, end),
      });
      if (last + 1 >= indexes.length) break;
      first = Math.max(first + 1, last + 1 - options.overlapSentences);
    }
  }
  return chunks;
}

function sizeOf(article: Article, indexes: number[], first: number, last: number): number {
  const start = article.sentences[indexes[first]!]!.start;
  const end = article.sentences[indexes[last]!]!.end;
  return weightedLength(article.text.slice(start, end));
}
