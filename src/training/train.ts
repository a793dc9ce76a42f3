import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { TetherError } from '../errors.js';
import { confidenceOf, DECISION_FEATURES, decisionProbabilities, decisionSpans, decisionVector, languagePair, type DecisionThresholds, type LanguagePair } from '../decision/decide.js';
import type { DatasetCase, DatasetRun } from '../eval/datasets.js';
import { memoLexiconSources } from '../index/build-lexicon.js';
import { openIndex } from '../index/open.js';
import { logit, trainListwise, trainLogistic, type LinearModel } from '../ranking/linear.js';
import type { AnswerModel } from '../decision/model.js';
import { semanticEvidence } from '../ranking/ranker.js';
import { SentenceFeatureCache } from '../ranking/sentences.js';
import { pickQuotes, QUOTES_PER_PAGE } from '../ranking/quotes.js';
import { featureVector, RANKER_FEATURES, rankerVector, SPAN_FEATURES, spanCandidates, type SpanCandidate } from '../ranking/spans.js';
import { createCandidateRetriever } from '../retrieval/candidates.js';
import { rankingQuery, RETRIEVAL } from '../tether.js';

/** One training question with its candidate spans and which of them hold the answer. */
export interface TrainingQuestion {
  run: string;
  /** The question's article (`set:position`, shared by the parallel versions of an XQuAD article): folds split by it. */
  article: string;
  kind: string;
  answerable: boolean;
  /**
   * Another set's question asked of this corpus (about other articles altogether, as off-topic chat
   * is to a small corpus): it trains only whether the sources answer at all, not the ranking, the
   * chance that the best quote is right, or where the thresholds lie.
   */
  unrelated?: boolean;
  /** Each candidate's features, whether it holds an expected answer, its article and paragraph, and its sentences. */
  candidates: TrainingCandidate[];
}

/** A candidate span as training reads it. */
export interface TrainingCandidate {
  features: number[];
  correct: boolean;
  /** `articleId#paragraph`. */
  place: string;
  /** The article's sentences the span covers: how quotes are joined (`pickQuotes`). */
  sentences: number[];
}

/** Where `npm run train` keeps the questions it collected, for `--reuse`. */
const COLLECTED = ['.cache', 'training', 'questions.jsonl'] as const;

/** Saves collected training questions with the feature names they were computed for. */
export async function saveCollectedQuestions(root: string, questions: TrainingQuestion[]): Promise<void> {
  const file = path.join(root, ...COLLECTED);
  await mkdir(path.dirname(file), { recursive: true });
  // A line per question: the whole set as one JSON string would pass V8's string limit.
  await writeFile(file, [JSON.stringify(SPAN_FEATURES), ...questions.map((q) => JSON.stringify(q, roundNumber))].join('\n'));
}

// Five significant digits: far below what the models can tell apart, and a third of the file.
const roundNumber = (_key: string, value: unknown) => (typeof value === 'number' ? Number(value.toPrecision(5)) : value);

/** Reads the questions of the last collection; they must carry this version's features. */
export async function loadCollectedQuestions(root: string): Promise<TrainingQuestion[]> {
  const file = path.join(root, ...COLLECTED);
  const [header, ...lines] = (await readFile(file, 'utf8').catch(() => '')).split('\n');
  const questions = header && isDeepStrictEqual(JSON.parse(header), [...SPAN_FEATURES]) ? lines.map((line) => JSON.parse(line) as Partial<TrainingQuestion>) : [];
  if (questions.length === 0 || questions.some((q) => typeof q.article !== 'string' || q.candidates?.some((c) => !Array.isArray(c.sentences)))) {
    throw new TetherError('MODEL', `No training questions with this version's features in ${file}.`, { hint: 'Run `npm run train` without --reuse.' });
  }
  return questions as TrainingQuestion[];
}

/** Settings of a training run; recorded in the model file. */
export const TRAINING = {
  /** L2 penalty of both models (standardised features). */
  l2: 1,
  /** A shown answer must be right this often on held-out training articles (the target is 0.9; the rest is margin). */
  answerPrecision: 0.92,
  /** Folds of training articles for the thresholds: each fold is scored by models trained on the others. */
  folds: 5,
  /**
   * At most this share of answerable training questions may be refused outright ("none"): telling a user "not covered" when it is costs more
   * than a hedged "may answer it" (at 0.02, 2–5% of TEST questions per direction were; out-of-corpus questions are refused either way).
   * Questions in users' own words fall under it several times as often as the public sets' (at 0.01, 0.6% of TEST's answerable
   * questions but 4.3% of the casual and mixed sets'), so the line is drawn at the least sure half-percent.
   */
  answerableRefused: 0.005,
  /** Share of the decision's training weight given to questions that must be refused. */
  refusalWeight: 0.3,
  /** No threshold is set on fewer questions than this. */
  minQuestions: 300,
} as const;

/**
 * Runs retrieval and candidate generation for every case of the runs (the same stages as `ask`,
 * before ranking) and labels each candidate by whether it contains an expected answer.
 */
export async function collectTrainingQuestions(runs: DatasetRun[], onProgress: (message: string) => void): Promise<TrainingQuestion[]> {
  const questions: TrainingQuestion[] = [];
  // The dictionaries are read once for every index the runs build (most of a build's time).
  const lexiconSources = memoLexiconSources();
  for (const run of runs) {
    const startedAt = performance.now();
    const index = await openIndex({ root: run.root, corpusDir: run.corpusDir, indexDir: run.indexDir, lexiconSources, onProgress });
    const retriever = createCandidateRetriever(index, RETRIEVAL);
    const cache = new SentenceFeatureCache(index.analyzer, index.lexical);
    for (const testCase of run.cases) questions.push(await collect(testCase, run.name, index, retriever, cache));
    onProgress(`${run.name}: ${run.cases.length} questions in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  }
  return questions;
}

async function collect(
  testCase: DatasetCase,
  run: string,
  index: Parameters<typeof rankingQuery>[0],
  retriever: ReturnType<typeof createCandidateRetriever>,
  cache: SentenceFeatureCache,
): Promise<TrainingQuestion> {
  const query = rankingQuery(index, testCase.question, testCase.context);
  const semantic = index.semantic && semanticEvidence(index.semantic, query.text);
  const candidates: SpanCandidate[] = spanCandidates(query.weighted, query.lang, await retriever.retrieve(query.text), cache, semantic);
  const answerable = testCase.kind !== 'none';
  return {
    run,
    article: `${run.split('-')[0]}:${testCase.position}`,
    kind: testCase.kind,
    answerable,
    ...(testCase.refusal === 'unrelated' ? { unrelated: true } : {}),
    candidates: candidates.map((candidate) => {
      const text = candidate.article.text.slice(candidate.start, candidate.end);
      return {
        features: featureVector(candidate.features),
        correct: answerable && testCase.expect.some((expected) => text.includes(expected)),
        place: `${candidate.article.id}#${candidate.paragraph}`,
        sentences: candidate.sentenceIndexes,
      };
    }),
  };
}

/** Trains the span ranker on every answerable question with a right candidate: which of its candidates are right, against the others. */
export function trainRanker(questions: TrainingQuestion[]): LinearModel {
  const groups = questions
    .filter((question) => question.answerable)
    .map((question) => ({ rows: question.candidates.map((c) => rankerVector(c.features)), correct: question.candidates.map((c) => c.correct) }));
  return trainListwise([...RANKER_FEATURES], groups, { l2: TRAINING.l2 });
}

/** A question's candidates ordered by the ranker, as `ask` orders them. */
export function rankWith(ranker: LinearModel, question: TrainingQuestion): Array<TrainingCandidate & { logit: number }> {
  return question.candidates.map((c) => ({ ...c, logit: logit(ranker, rankerVector(c.features)) })).sort((a, b) => b.logit - a.logit);
}

/**
 * The decision's inputs for a question, from the ranker's ordering (undefined when retrieval found
 * nothing), and whether the first quote shown holds the answer: the best span with the spans joined
 * to it (`pickQuotes`), right when one of the candidates within it is.
 */
export function decisionInputs(ranker: LinearModel, question: TrainingQuestion): { x: number[]; topCorrect: boolean } | undefined {
  const ranked = rankWith(ranker, question);
  const x = decisionVector(decisionSpans(ranked, (span) => ({ vector: span.features, logit: span.logit, place: span.place })));
  if (!x) return undefined;
  const spans = ranked.map((candidate) => {
    const separator = candidate.place.lastIndexOf('#');
    return { article: { id: candidate.place.slice(0, separator) }, paragraph: Number(candidate.place.slice(separator + 1)), start: 0, end: 0, sentenceIndexes: candidate.sentences, coverage: candidate.features[COVERAGE]!, correct: candidate.correct };
  });
  const [first] = pickQuotes(spans, QUOTES_PER_PAGE);
  const within = (span: (typeof spans)[number]) => span.article.id === first?.article.id && span.sentenceIndexes.every((index) => first.sentenceIndexes.includes(index));
  return { x, topCorrect: spans.some((span) => span.correct && within(span)) };
}

const COVERAGE = SPAN_FEATURES.indexOf('coverage');

/** A question as the decision saw it: its probabilities (best span right, answerable), whether its best span was right, whether it had an answer, and its language pair. */
interface Scored {
  p: number;
  q: number;
  topCorrect: boolean;
  answerable: boolean;
  /** Another set's question (`TrainingQuestion.unrelated`). */
  unrelated: boolean;
  pair: LanguagePair;
}

/**
 * Trains the decision: will the best span be right (every question but the unrelated ones), and does
 * the corpus hold an answer at all (every question)?
 */
export function trainDecision(ranker: LinearModel, questions: TrainingQuestion[]): { model: LinearModel & { answerable: LinearModel }; scored: Scored[] } {
  const inputs = questions.flatMap((question) => {
    const input = decisionInputs(ranker, question);
    return input ? [{ ...input, question }] : [];
  });
  type Input = (typeof inputs)[number];
  const fit = (rows: Input[], label: (input: Input) => boolean) => {
    const refusals = rows.filter((i) => !i.question.answerable).length;
    const answerables = rows.length - refusals;
    const weights = rows.map((i) => (i.question.answerable ? (1 - TRAINING.refusalWeight) / Math.max(1, answerables) : TRAINING.refusalWeight / Math.max(1, refusals)) * rows.length);
    return trainLogistic([...DECISION_FEATURES], rows.map((i) => i.x), rows.map((i) => (label(i) ? 1 : 0)), { l2: TRAINING.l2, rowWeights: weights });
  };
  const model = { ...fit(inputs.filter((i) => !i.question.unrelated), (i) => i.topCorrect), answerable: fit(inputs, (i) => i.question.answerable) };
  return { model, scored: inputs.map((i) => scoredBy(model, i, i.question)) };
}

/** A question as a decision model scores it: both probabilities (the best span right, `p`; the question answerable, `q`), with what it is. */
function scoredBy(model: LinearModel & { answerable: LinearModel }, input: { x: number[]; topCorrect: boolean }, question: TrainingQuestion): Scored {
  const { probability, answerable } = decisionProbabilities(model, input.x);
  return { p: probability, q: answerable, topCorrect: input.topCorrect, answerable: question.answerable, unrelated: question.unrelated === true, pair: languagePair(input.x) };
}

/** A question scored by models that never saw its article, with the fold it was held out in. */
export interface HeldOutScore extends Scored {
  fold: number;
}

/** The fold of an article: a stable hash of its key, so a retraining holds out the same articles. */
export function foldOf(article: string, folds: number): number {
  let hash = 2166136261;
  for (let i = 0; i < article.length; i += 1) hash = Math.imul(hash ^ article.charCodeAt(i), 16777619) >>> 0;
  return hash % folds;
}

/**
 * Every question's decision probability from a ranker and decision trained without its article
 * (k-fold by article): what the thresholds are chosen on, as a new corpus would be scored.
 */
export function heldOutScores(questions: TrainingQuestion[], folds: number = TRAINING.folds): HeldOutScore[] {
  const scores: HeldOutScore[] = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const held = questions.filter((q) => foldOf(q.article, folds) === fold);
    if (held.length === 0) continue;
    const ranker = trainRanker(questions.filter((q) => foldOf(q.article, folds) !== fold));
    const { model } = trainDecision(ranker, questions.filter((q) => foldOf(q.article, folds) !== fold));
    for (const question of held) {
      const input = decisionInputs(ranker, question);
      if (input) scores.push({ ...scoredBy(model, input, question), fold });
    }
  }
  return scores;
}

/**
 * The thresholds, from held-out probabilities: `answer` is the lowest probability of the best span
 * being right from which shown answers are right at least TRAINING.answerPrecision of the time (over
 * at least TRAINING.minQuestions of them); `unsure` the highest probability of being answerable below
 * which at most TRAINING.answerableRefused of answerable questions fall.
 */
export function chooseThresholds(scored: Array<Pick<Scored, 'p' | 'q' | 'topCorrect' | 'answerable'>>): DecisionThresholds {
  const sorted = [...scored].sort((a, b) => b.p - a.p);
  let right = 0;
  let answer = 1;
  sorted.forEach((item, i) => {
    if (item.topCorrect) right += 1;
    const shown = i + 1;
    if (shown >= TRAINING.minQuestions && right / shown >= TRAINING.answerPrecision) answer = item.p;
  });
  const answerable = scored.filter((s) => s.answerable).map((s) => s.q).sort((a, b) => a - b);
  if (answerable.length < TRAINING.minQuestions) throw new Error(`only ${answerable.length} answerable training questions: need ${TRAINING.minQuestions}`);
  const unsure = answerable[Math.floor(TRAINING.answerableRefused * answerable.length)] ?? 0;
  return { answer: round(answer), unsure: round(unsure) };
}

/** Trains both models and returns the model file's content. */
export function trainAnswerModel(questions: TrainingQuestion[], trainedOn: Record<string, unknown>): AnswerModel {
  const ranker = trainRanker(questions);
  const { model: decision, scored } = trainDecision(ranker, questions);
  const heldOut = heldOutScores(questions);
  // Chosen on the questions of the corpora's own collections: the unrelated ones only train `answerable`.
  const own = heldOut.filter((s) => !s.unrelated);
  const thresholds = { same: chooseThresholds(own.filter((s) => s.pair === 'same')), cross: chooseThresholds(own.filter((s) => s.pair === 'cross')) };
  return {
    version: 1,
    trainedOn: {
      ...trainedOn,
      questions: questions.length,
      settings: TRAINING,
      fit: fitSummary(ranker, questions, scored, thresholds),
      heldOut: heldOutSummary(heldOut, thresholds),
    },
    ranker: roundModel(ranker),
    decision: { ...roundModel(decision), answerable: roundModel(decision.answerable), thresholds },
  };
}

/**
 * The thresholds on the held-out probabilities they were chosen on: per language pair, how many
 * answerable questions are answered, how often rightly in each fold, and how many questions without
 * an answer are refused outright (the corpora's own, and apart, the unrelated ones).
 */
function heldOutSummary(scores: HeldOutScore[], byPair: Record<LanguagePair, DecisionThresholds>) {
  const summary: Record<string, { answered: number; answeredRight: number[]; refusalsRefusedOutright: number; unrelatedRefusedOutright: number }> = {};
  for (const pair of ['same', 'cross'] as const) {
    const mine = scores.filter((s) => s.pair === pair && !s.unrelated);
    const unrelated = scores.filter((s) => s.pair === pair && s.unrelated);
    const shown = mine.filter((s) => s.p >= byPair[pair].answer);
    const folds = [...new Set(mine.map((s) => s.fold))].sort((a, b) => a - b);
    summary[pair] = {
      answered: share(mine.filter((s) => s.answerable && s.p >= byPair[pair].answer).length, mine.filter((s) => s.answerable).length),
      answeredRight: folds.map((fold) => {
        const inFold = shown.filter((s) => s.fold === fold);
        return share(inFold.filter((s) => s.topCorrect).length, inFold.length);
      }),
      refusalsRefusedOutright: share(mine.filter((s) => !s.answerable && confidenceOf(s.p, s.q, byPair[pair]) === 'none').length, mine.filter((s) => !s.answerable).length),
      unrelatedRefusedOutright: share(unrelated.filter((s) => confidenceOf(s.p, s.q, byPair[pair]) === 'none').length, unrelated.length),
    };
  }
  return summary;
}

function share(n: number, of: number): number {
  return Math.round((1000 * n) / Math.max(1, of)) / 1000;
}

/** How the models do on their own training questions: for the record, not a measure of quality. */
function fitSummary(ranker: LinearModel, questions: TrainingQuestion[], allScored: Scored[], byPair: Record<LanguagePair, DecisionThresholds>) {
  const answerable = questions.filter((q) => q.answerable);
  const scored = allScored.filter((s) => !s.unrelated);
  const unrelated = allScored.filter((s) => s.unrelated);
  const hitWithin = (k: number) => answerable.filter((q) => rankWith(ranker, q).slice(0, k).some((c) => c.correct)).length;
  const answered = (s: Scored) => confidenceOf(s.p, s.q, byPair[s.pair]) === 'answer';
  const refused = (s: Scored) => confidenceOf(s.p, s.q, byPair[s.pair]) === 'none';
  const shown = scored.filter(answered);
  return {
    answerable: answerable.length,
    refusals: questions.filter((q) => !q.answerable && !q.unrelated).length,
    unrelated: unrelated.length,
    candidateRecall: share(answerable.filter((q) => q.candidates.some((c) => c.correct)).length, answerable.length),
    hitAt1: share(hitWithin(1), answerable.length),
    hitAt3: share(hitWithin(3), answerable.length),
    answered: share(shown.length, scored.length),
    answeredRight: share(shown.filter((s) => s.topCorrect).length, shown.length),
    answerableRefused: share(scored.filter((s) => s.answerable && refused(s)).length, scored.filter((s) => s.answerable).length),
    refusalsAnswered: share(scored.filter((s) => !s.answerable && answered(s)).length, scored.filter((s) => !s.answerable).length),
    refusalsRefusedOutright: share(scored.filter((s) => !s.answerable && refused(s)).length, scored.filter((s) => !s.answerable).length),
    unrelatedRefusedOutright: share(unrelated.filter(refused).length, unrelated.length),
  };
}

function roundModel(model: LinearModel): LinearModel {
  const r = (values: number[]) => values.map((v) => Number(v.toPrecision(6)));
  return { features: model.features, mean: r(model.mean), scale: r(model.scale), weights: r(model.weights), bias: Number(model.bias.toPrecision(6)) };
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
