import type { ChunkRange } from './load.js';
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
const HAN_RUNS = /\p{Script=Han}+/gu;

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

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
  const sizeOf = weightedLengths(article.text);

  for (const [paragraph, indexes] of byParagraph) {
    let first = 0;
    while (first < indexes.length) {
      const start = article.sentences[indexes[first]!]!.start;
      let last = first;
      while (last + 1 < indexes.length && sizeOf(start, article.sentences[indexes[last + 1]!]!.end) <= options.maxSize) last += 1;
      const sentenceIndexes = indexes.slice(first, last + 1);
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

/** A chunk's runs of sentences, as an index keeps them. */
export function chunkRanges(chunks: readonly Chunk[]): ChunkRange[] {
  return chunks.map((chunk) => ({ first: chunk.sentenceIndexes[0]!, last: chunk.sentenceIndexes.at(-1)! }));
}

/**
 * An article's chunks from the runs of sentences an index derived them as (`chunkRanges`), or
 * undefined when a run does not fit the article's sentences (a damaged index).
 */
export function chunksFromRanges(article: Article, ranges: readonly ChunkRange[]): Chunk[] | undefined {
  const chunks: Chunk[] = [];
  for (const { first, last } of ranges) {
    const head = article.sentences[first];
    const tail = article.sentences[last];
    if (!head || !tail || last < first || head.paragraph !== tail.paragraph) return undefined;
    const sentenceIndexes = Array.from({ length: last - first + 1 }, (_, i) => first + i);
    chunks.push({
      id: `${article.id}:${head.start}-${tail.end}`,
      articleId: article.id,
      paragraph: head.paragraph,
      start: head.start,
      end: tail.end,
      sentenceIndexes,
      text: article.text.slice(head.start, tail.end),
    });
  }
  return chunks.length > 0 ? chunks : undefined;
}

/**
 * `weightedLength` of any span of a text, in constant time: Han characters are counted once for the
 * whole text (prefix sums), not again for every sentence a growing chunk tries to take in (that
 * made chunking quadratic in a paragraph's sentences: a fifth of opening a thousand-article index).
 * Spans must not cut a surrogate pair, as sentence boundaries never do.
 */
function weightedLengths(text: string): (start: number, end: number) => number {
  const hanBefore = new Int32Array(text.length + 1);
  // Runs of Han characters, not one match each: Chinese text is mostly such runs.
  for (const match of text.matchAll(HAN_RUNS)) {
    const run = match[0];
    for (let i = 0; i < run.length; i += 1) if (!isLowSurrogate(run.charCodeAt(i))) hanBefore[match.index + i + 1] = 1;
  }
  for (let i = 1; i <= text.length; i += 1) hanBefore[i]! += hanBefore[i - 1]!;
  return (start, end) => end - start + 2 * (hanBefore[end]! - hanBefore[start]!);
}
