import { createArticleScoper, type ArticleScoper } from './answer/article-scope.js';
import { createCorpusQuestionAnswerer, type CorpusQuestionAnswerer, type CorpusReply } from './answer/corpus-questions.js';
import { createExtractiveAnswerer, shortAnswer, UNSURE_MIN_COVERAGE } from './answer/extractive.js';
import { createFollowUpResolver, type FollowUpResolver } from './answer/follow-up.js';
import { createQuoteGlosser, type QuoteGlosser } from './answer/gloss.js';
import { validateQuestion } from './answer/question.js';
import { detectAnswerKind, type AnswerKind } from './text/question-kind.js';
import { citeSpan, passageIdOf, type Answer, type Answerer, type AskOptions, type Passage, type Quote, type SourceInfo, type Tether } from './answer/types.js';
import { createQuoteVerifier, type QuoteVerifier } from './answer/verify-quotes.js';
import type { Article, Lang } from './corpus/types.js';
import { createCalibratedDecider, type AnswerDecider } from './decision/decide.js';
import { openIndex, type OpenIndexOptions } from './index/open.js';
import type { LoadedIndex } from './index/types.js';
import { loadAnswerModel, type AnswerModel } from './decision/model.js';
import { weighQuestion } from './ranking/question.js';
import { createLearnedRanker, type RankedSpan, type RankingQuery, type SpanRanker } from './ranking/ranker.js';
import { SentenceFeatureCache } from './ranking/sentences.js';
import { pickQuotes, QUOTES_PER_PAGE } from './ranking/quotes.js';
import { createCandidateRetriever, type CandidateRetriever } from './retrieval/candidates.js';
import { detectLang } from './text/script.js';
import { withoutSourceReferences } from './text/source-references.js';
import { PROJECT_ROOT, type Config } from './config.js';
import type { Logger } from './logger.js';

/** How many chunks retrieval hands to the ranking: each retriever's list, what fusion keeps, and seats per language. */
export const RETRIEVAL = { perRetriever: 20, keep: 10, perLanguage: 3, seatDepth: 60, headOfEach: 5, semanticOfEach: 2, paragraphsOfBest: 2 } as const;
/** Paragraphs handed to the answer writer (a chat model reads them around the quotes). */
const WRITER_PASSAGES = 5;

/** What the core is made of; entry points build it, tests may pass their own parts. */
export interface TetherDeps {
  index: LoadedIndex;
  /** The learned ranker and decision (models/answer-model.json). */
  model: AnswerModel;
  /** Stage 1, candidate chunks; hybrid (HNSW + BM25, rank-fused) when absent. */
  retriever?: CandidateRetriever;
  /** Stage 2, ranked spans; the model's ranker when absent. */
  ranker?: SpanRanker;
  /** Stage 3, answer / unsure / refuse; the model's calibrated decision when absent. */
  decider?: AnswerDecider;
  /** Stage 0, questions about the articles themselves and small talk, answered from metadata; built from the corpus when absent. */
  corpusQuestions?: CorpusQuestionAnswerer;
  /** Stage 0b, a follow-up read with the previous turn (a pronoun replaced by whom it means); built over the index when absent. */
  followUps?: FollowUpResolver;
  /** Stage 0c, the article a question names ("the English piece", its publication), to which retrieval is limited; built from the corpus when absent. */
  articleScoper?: ArticleScoper;
  /** Gloss lines under quotes in another language than the question; the dictionary's when absent. */
  glosser?: QuoteGlosser;
  /**
   * Stage 4 writes the answer: built around the extractive answerer (its fallback); the extractive one when
   * absent. `corpus` is every paragraph, for checking a chat model's quotes against the whole corpus.
   */
  createAnswerer?: (extractive: Answerer, corpus: Passage[]) => Answerer;
}

/** The stages of the answer path for one corpus, composed in one place. */
export interface AnswerPipeline {
  retriever: CandidateRetriever;
  ranker: SpanRanker;
  decider: AnswerDecider;
  verifier: QuoteVerifier;
}

/** The default stages over a loaded index and model (also what `npm run train` drives). */
export function createPipeline(deps: Pick<TetherDeps, 'index' | 'model' | 'retriever' | 'ranker' | 'decider'>): AnswerPipeline {
  const { index, model } = deps;
  return {
    retriever: deps.retriever ?? createCandidateRetriever(index, RETRIEVAL),
    ranker: deps.ranker ?? createLearnedRanker({ model: model.ranker, cache: new SentenceFeatureCache(index.analyzer, index.lexical), semantic: index.semantic }),
    decider: deps.decider ?? createCalibratedDecider(model.decision),
    verifier: createQuoteVerifier(index.corpus.articles),
  };
}

/**
 * A question as the stages read it: its words about the topic (not what it says of the source itself,
 * "the author thinks"), language and weighed concepts (with a follow-up's previous question).
 */
export function rankingQuery(index: LoadedIndex, text: string, context: string | undefined, kind: AnswerKind = detectAnswerKind(text)): RankingQuery {
  const topic = withoutSourceReferences(text);
  return { text: topic, lang: detectLang(text), weighted: weighQuestion(index.analyzer, topic, kind, context) };
}

/** Builds the core over a loaded index: retrieve → rank → decide → write → verify. */
export function createTether(deps: TetherDeps): Tether {
  const { index } = deps;
  const articleBySource = new Map(index.corpus.articles.map((article) => [article.source, article]));
  const extractive = createExtractiveAnswerer({ analyzer: index.analyzer, sourceName: (source) => shortName(articleBySource.get(source)) });
  const corpusPassages = index.corpus.articles.flatMap((article) =>
    // Not retrieved for this question: no evidence score of its own.
    article.paragraphs.map((span, i): Passage => ({ id: passageIdOf(article.id, i + 1), ...citeSpan(article, i + 1, span.start, span.end, 0) })),
  );
  const answerer = deps.createAnswerer?.(extractive, corpusPassages) ?? extractive;
  const { retriever, ranker, decider, verifier } = createPipeline(deps);
  const articles = new Map(index.corpus.articles.map((article) => [article.id, article]));
  const corpusQuestions = deps.corpusQuestions ?? createCorpusQuestionAnswerer(index.corpus.articles);
  const articleScoper = deps.articleScoper ?? createArticleScoper(index.corpus.articles);
  const glosser = deps.glosser ?? createQuoteGlosser(index.analyzer);
  const withGloss = (question: string, lang: Lang) => (quote: Quote): Quote => {
    const gloss = glosser.gloss(question, lang, quote);
    return gloss ? { ...quote, gloss } : quote;
  };

  const toQuote = (span: RankedSpan, n: number): Quote => ({ n, ...citeSpan(span.article, span.paragraph, span.start, span.end, roundScore(span.probability)) });

  const paragraphPassage = (article: Article, paragraph: number, score: number): Passage | undefined => {
    const span = article.paragraphs[paragraph - 1];
    if (!span) return undefined;
    return { id: passageIdOf(article.id, paragraph), ...citeSpan(article, paragraph, span.start, span.end, score) };
  };

  /** Ranked spans of the retrieved chunks, best first, and the first `passageCount` paragraphs they lie in. */
  const search = async (text: string, context: string | undefined, kind?: AnswerKind, passageCount = 0, articles?: ReadonlySet<string>) => {
    const query = rankingQuery(index, text, context, kind);
    const retrieved = await retriever.retrieve(context ? `${query.text}\n${context}` : query.text, { articles });
    if (context) {
      // A follow-up's own words also retrieve alone: the previous question's, read with them, crowd out what
      // only the follow-up asks ("那這個部門直接向誰匯報?" after the department's question). Those come after.
      const taken = new Set(retrieved.map((candidate) => candidate.chunk.id));
      for (const candidate of await retriever.retrieve(query.text, { articles })) {
        if (!taken.has(candidate.chunk.id)) retrieved.push({ ...candidate, fusedRank: retrieved.length });
      }
    }
    const spans = ranker.rank(query, retrieved);
    const passages: Passage[] = [];
    const seen = new Set<string>();
    for (const span of spans) {
      if (passages.length >= passageCount) break;
      const passage = paragraphPassage(span.article, span.paragraph, roundScore(span.probability));
      if (passage && !seen.has(passage.id)) {
        seen.add(passage.id);
        passages.push(passage);
      }
    }
    return { query, spans, passages };
  };

  /**
   * A question as retrieval reads it: limited to the article it names, else to the one its previous
   * question named ("…the English piece…?" then "and about the spin-off?"), each naming cut from the words.
   */
  const scoped = (text: string, context: string | undefined) => {
    const scope = articleScoper.scope(text);
    const previous = context === undefined ? undefined : articleScoper.scope(context);
    return { text: scope.text, context: previous?.text, articles: scope.articles ?? previous?.articles };
  };

  const followUps =
    deps.followUps ??
    createFollowUpResolver({
      lexicon: index.analyzer.lexicon,
      // The previous answer's short answer first (where "who" was answered), then its quotes.
      // What the previous answer showed: its short answer and quotes when it answered; when unsure, only
      // the closest clauses it offered; nothing when it found nothing (a guess would put words in its mouth).
      answerTexts: async (question, previousContext) => {
        // As that answer was searched: in the article its question named.
        const { text, context, articles } = scoped(question, previousContext);
        const { query, spans } = await search(text, context, undefined, 0, articles);
        const quotes = pickQuotes(spans, QUOTES_PER_PAGE).map(toQuote);
        const { confidence } = decider.decide(query, spans);
        if (quotes.length === 0 || confidence === 'none') return [];
        const short = shortAnswer(quotes, question, index.analyzer);
        if (confidence === 'answer') return [short.text, ...quotes.map((quote) => quote.text)];
        return short.coverage >= UNSURE_MIN_COVERAGE ? [short.text] : [];
      },
    });

  return {
    async ask(rawQuestion: string, options: AskOptions = {}): Promise<Answer> {
      const startedAt = performance.now();
      const question = validateQuestion(rawQuestion);
      const lang = detectLang(question);
      const offset = Math.max(0, options.offset ?? 0);
      const limit = Math.max(1, options.limit ?? QUOTES_PER_PAGE);
      // Later pages ("More quotes") of a reply from metadata have nothing more to show.
      const direct = corpusQuestions.answer(question, { lang, context: options.context, maxQuotes: offset + limit });
      const directReply = (reply: CorpusReply): Answer => ({
        question,
        found: reply.known,
        confidence: reply.known ? 'answer' : 'none',
        answer: reply.answer,
        quotes: reply.quotes.slice(offset, offset + limit),
        lang,
        answeredBy: reply.kind === 'corpus' ? 'corpus-metadata' : 'small-talk',
        reply: reply.kind,
        timings_ms: { total: Math.round((performance.now() - startedAt) * 100) / 100 },
      });
      if (direct?.reference === 'explicit') return directReply(direct);
      const resolved = await followUps.resolve(question, options.context);
      const scope = scoped(resolved.text, resolved.context);
      const named = scope.articles;
      const scopedTo = named && index.corpus.articles.filter((article) => named.has(article.id)).map((article) => ({ source: article.source, title: article.meta.title }));
      const { query, spans, passages } = await search(scope.text, scope.context, resolved.kind, WRITER_PASSAGES, named);
      const decision = decider.decide(query, spans);
      const found = decision.confidence === 'answer';
      // An article named only by its title ("广茂铁路的出处是什么?") may be asked about its subject: the content's answer, when there is one.
      if (direct && !found) return directReply(direct);
      const quotes = pickQuotes(spans, offset + limit)
        .slice(offset)
        .map((span, i) => toQuote(span, offset + i + 1));
      // Later pages of quotes ("More quotes") never call a chat model again.
      const writer = offset > 0 ? extractive : answerer;
      const draft = verifier.verify(
        await writer.answer(
          { question: resolved.text, lang, passages, quotes, found, confidence: decision.confidence, ...(scopedTo ? { scope: scopedTo.map((article) => article.title) } : {}) },
          { onAnswerText: options.onAnswerText, signal: options.signal },
        ),
      );
      return {
        question,
        found: draft.found,
        confidence: draft.found ? 'answer' : decision.confidence === 'answer' ? 'unsure' : decision.confidence,
        answer: draft.answer,
        quotes: draft.quotes.map(withGloss(resolved.text, lang)),
        lang,
        answeredBy: draft.answeredBy,
        ...(resolved.rewritten ? { readAs: resolved.text } : {}),
        ...(scopedTo ? { scopedTo } : {}),
        ...(draft.verification ? { verification: draft.verification } : {}),
        ...(options.explain ? { decision } : {}),
        timings_ms: { total: Math.round((performance.now() - startedAt) * 100) / 100 },
      };
    },

    async findPassages(text: string, options: { limit?: number } = {}): Promise<Passage[]> {
      if (!/[\p{L}\p{N}]/u.test(text)) return [];
      // "/quote the Chinese article on Musk": passages of the article it names.
      const scope = scoped(validateQuestion(text.slice(0, 2000)), undefined);
      const { passages } = await search(scope.text, undefined, undefined, options.limit ?? QUOTES_PER_PAGE, scope.articles);
      return passages;
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

/** A source's name in running text: its publication without remarks, else its title. */
function shortName(article: Article | undefined): string {
  if (!article) return '';
  const publication = article.meta.publication?.replace(/\s*\([^)]*\)\s*$/, '').trim();
  return publication || article.meta.title;
}

/** Options for opening the core from disk. */
export type OpenTetherOptions = OpenIndexOptions & Omit<TetherDeps, 'index' | 'model'> & { model?: AnswerModel };

/** Opens (building when needed) the index, loads the committed answer model and builds the core over them. */
export async function openTether(options: OpenTetherOptions): Promise<Tether> {
  const [index, model] = await Promise.all([openIndex(options), options.model ?? loadAnswerModel(PROJECT_ROOT)]);
  return createTether({ ...options, index, model });
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
          createAnswerer: (fallback: Answerer, corpus: Passage[]) =>
            chat.createLlmAnswerer({ chatModel: chat.createChatModel(llm), fallback, logger: options.logger, timeoutMs: llm.timeoutMs, corpus, endpoint: llm.baseUrl }),
        }
      : {}),
  });
}
