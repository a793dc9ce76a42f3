import type { Document } from '@langchain/core/documents';
import type { BaseRetriever } from '@langchain/core/retrievers';
import { createExtractiveAnswerer } from './answer/extractive.js';
import { detectAnswerKind, validateQuestion } from './answer/question.js';
import { pickDisjoint, rankSpans, SentenceFeatureCache, weighQuestion, type ScoredSpan } from './answer/spans.js';
import type { Answer, Answerer, AskOptions, Passage, Quote, SourceInfo, Tether } from './answer/types.js';
import type { Article, Chunk, Lang } from './corpus/types.js';
import { openIndex, type OpenIndexOptions } from './index/open.js';
import type { LoadedIndex } from './index/types.js';
import { createHybridRetriever } from './retrieval/hybrid.js';
import { detectLang } from './text/script.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/**
 * Share of the question the best quote must cover (IDF-weighted; for an English quote, of what
 * English could express) for Tether to answer rather than say the sources do not cover it.
 * Calibrated with `npm run eval` (see the README): answerable questions' best quotes cover 0.39 to
 * 1 on the dev set and three sets of our own (72 questions); unanswerable ones not refused by the
 * rules below, at most 0.30.
 */
export const FOUND_THRESHOLD = 0.33;

/**
 * Largest share of a question's weight that may fall on words the corpus never uses in any form
 * (word, gloss, synonym, pinyin): above it the question is about something else ("What is the
 * price of bitcoin?"). One unbridged word of a two-word question weighs up to about 0.6 in a small
 * corpus, and an answerable dev question at most 0.26; unanswerable ones reach 0.82 and 1.
 */
const MAX_UNKNOWN_SHARE = 0.75;

/** Chunks taken from retrieval to look for quotes in. */
const CANDIDATE_CHUNKS = 10;
/** Chunks of each corpus language always looked at, however retrieval ranked them. */
const MIN_CHUNKS_PER_LANGUAGE = 3;
/** Quotes shown per answer. */
const DEFAULT_QUOTES = 3;

/** What the core is made of; entry points build it, tests may pass their own parts. */
export interface TetherDeps {
  index: LoadedIndex;
  /** Builds the answerer around the extractive one (its fallback); the extractive answerer when absent. */
  createAnswerer?: (extractive: Answerer) => Answerer;
  /** Retrieval over the index; hybrid (HNSW + BM25, rank-fused) when absent. */
  retriever?: BaseRetriever;
  /** Share of the question a quote must cover to count as an answer. */
  foundThreshold?: number;
}

/** Builds the core over a loaded index. */
export function createTether(deps: TetherDeps): Tether {
  const { index } = deps;
  const articleBySource = new Map(index.corpus.articles.map((article) => [article.source, article]));
  const extractive = createExtractiveAnswerer({ featurizer: index.featurizer, sourceName: (source) => shortName(articleBySource.get(source)) });
  const answerer = deps.createAnswerer?.(extractive) ?? extractive;
  const retriever = deps.retriever ?? createHybridRetriever(index, { k: 2 * CANDIDATE_CHUNKS });
  const threshold = deps.foundThreshold ?? FOUND_THRESHOLD;
  const articles = new Map(index.corpus.articles.map((article) => [article.id, article]));
  const chunks = new Map(index.chunks.map((chunk) => [chunk.id, chunk]));
  const sentenceFeatures = new SentenceFeatureCache(index.featurizer);

  const languages = new Set(index.corpus.articles.map((article) => baseLanguage(article.meta.lang)));
  /**
   * The best fused chunks, plus the best few of each corpus language that did not make it: a
   * question's own language always matches more words, so the other language's answer needs a seat.
   */
  const retrieve = async (query: string): Promise<Array<{ chunk: Chunk; article: Article }>> => {
    const documents: Document[] = await retriever.invoke(query);
    const ranked = documents.flatMap((document) => {
      const chunk = chunks.get(String(document.metadata.id));
      const article = chunk && articles.get(chunk.articleId);
      return chunk && article ? [{ chunk, article }] : [];
    });
    const picked = ranked.slice(0, CANDIDATE_CHUNKS);
    for (const language of languages) {
      const missing = MIN_CHUNKS_PER_LANGUAGE - picked.filter((c) => baseLanguage(c.article.meta.lang) === language).length;
      if (missing > 0) picked.push(...ranked.slice(CANDIDATE_CHUNKS).filter((c) => baseLanguage(c.article.meta.lang) === language).slice(0, missing));
    }
    return picked;
  };

  const toQuote = (span: ScoredSpan, n: number): Quote => ({
    n,
    source: span.article.source,
    title: span.article.meta.title,
    lang: span.article.meta.lang,
    paragraph: span.paragraph,
    start: span.start,
    end: span.end,
    text: span.article.text.slice(span.start, span.end),
    score: roundScore(span.evidence),
  });

  const paragraphPassage = (article: Article, paragraph: number, score: number): Passage | undefined => {
    const span = article.paragraphs[paragraph - 1];
    if (!span) return undefined;
    return {
      id: `${article.id}:${paragraph}`,
      source: article.source,
      title: article.meta.title,
      lang: article.meta.lang,
      paragraph,
      start: span.start,
      end: span.end,
      text: article.text.slice(span.start, span.end),
      score,
    };
  };

  /** Ranked spans of the retrieved chunks and the paragraphs they lie in, best first. */
  const search = async (text: string, context: string | undefined) => {
    const kind = detectAnswerKind(text);
    const question = weighQuestion(index.featurizer, text, kind, context);
    const retrieved = await retrieve(context ? `${text}\n${context}` : text);
    const spans = rankSpans(question, retrieved, sentenceFeatures);
    const passages: Passage[] = [];
    const seen = new Set<string>();
    for (const span of spans) {
      const passage = paragraphPassage(span.article, span.paragraph, roundScore(span.coverage));
      if (passage && !seen.has(passage.id)) {
        seen.add(passage.id);
        passages.push(passage);
      }
    }
    return { spans, passages, question };
  };

  return {
    async ask(rawQuestion: string, options: AskOptions = {}): Promise<Answer> {
      const startedAt = performance.now();
      const question = validateQuestion(rawQuestion);
      const lang = detectLang(question);
      const offset = Math.max(0, options.offset ?? 0);
      const limit = Math.max(1, options.limit ?? DEFAULT_QUOTES);
      const { spans, passages, question: weighed } = await search(question, options.context);
      const best = spans[0];
      // Also refused: a question whose main words the corpus never uses, one naming something the
      // passage never mentions, or one asking "how much" / "when" of a passage with no number or date.
      const asksForAnchor = weighed.kind === 'number' || weighed.kind === 'date';
      const found =
        best !== undefined &&
        best.evidence >= threshold &&
        weighed.unknownShare < MAX_UNKNOWN_SHARE &&
        best.entitiesMatched &&
        (!asksForAnchor || best.answersKind);
      const quotes = pickDisjoint(spans, offset + limit)
        .slice(offset)
        .map((span, i) => toQuote(span, offset + i + 1));
      // Later pages of quotes ("More quotes") never call a chat model again.
      const writer = offset > 0 ? extractive : answerer;
      const draft = await writer.answer(
        { question, lang, passages: passages.slice(0, 5), quotes, found },
        { onAnswerText: options.onAnswerText, signal: options.signal },
      );
      return {
        question,
        found: draft.found,
        answer: draft.answer,
        quotes: draft.quotes,
        lang,
        answeredBy: draft.answeredBy,
        ...(draft.verification ? { verification: draft.verification } : {}),
        timings_ms: { total: Math.round((performance.now() - startedAt) * 100) / 100 },
      };
    },

    async findPassages(text: string, options: { limit?: number } = {}): Promise<Passage[]> {
      if (!/[\p{L}\p{N}]/u.test(text)) return [];
      const { passages } = await search(validateQuestion(text.slice(0, 2000)), undefined);
      return passages.slice(0, options.limit ?? DEFAULT_QUOTES);
    },

    getPassage(id: string): Passage | undefined {
      const separator = id.lastIndexOf(':');
      const article = articles.get(id.slice(0, separator));
      const paragraph = Number(id.slice(separator + 1));
      return article && Number.isInteger(paragraph) ? paragraphPassage(article, paragraph, 1) : undefined;
    },

    listSources(): SourceInfo[] {
      return index.corpus.articles.map(({ id, source, meta: { notes: _notes, ...meta }, paragraphs }) => ({
        id,
        source,
        ...meta,
        paragraphs: paragraphs.length,
      }));
    },
  };
}

function roundScore(coverage: number): number {
  return Math.round(Math.min(1, coverage) * 1000) / 1000;
}

function baseLanguage(lang: Lang): string {
  return lang.slice(0, 2);
}

/** A source's name in running text: its publication without remarks, else its title. */
function shortName(article: Article | undefined): string {
  if (!article) return '';
  const publication = article.meta.publication?.replace(/\s*\([^)]*\)\s*$/, '').trim();
  return publication || article.meta.title;
}

/** Options for opening the core from disk. */
export type OpenTetherOptions = OpenIndexOptions & Omit<TetherDeps, 'index'>;

/** Opens (building when needed) the index and builds the core over it. */
export async function openTether(options: OpenTetherOptions): Promise<Tether> {
  const index = await openIndex(options);
  return createTether({ ...options, index });
}

/**
 * Opens the core as the settings say: the configured embedder and, when set, the chat model. For
 * entry points (CLI, bot, scripts), which pass their logger and where build progress goes.
 */
export async function openConfiguredTether(config: Config, options: { logger: Logger; onProgress?: (message: string) => void }): Promise<Tether> {
  const { llm, embeddings } = config;
  // The OpenAI client takes about half a second to import: only when configured.
  const external = embeddings.kind === 'openai' ? (await import('./embeddings/openai.js')).createOpenAiEmbeddings(embeddings) : undefined;
  const chat = llm ? await import('./answer/llm.js') : undefined;
  return openTether({
    root: config.root,
    corpusDir: config.corpusDir,
    indexDir: config.indexDir,
    onProgress: options.onProgress,
    ...(external ? { embeddings: { embeddings: external, identity: external.identity() } } : {}),
    ...(chat && llm
      ? {
          createAnswerer: (fallback: Answerer) =>
            chat.createLlmAnswerer({ chatModel: chat.createChatModel(llm), fallback, logger: options.logger, timeoutMs: llm.timeoutMs }),
        }
      : {}),
  });
}
