import { clausesOf, sentencesOf } from '../corpus/sentences.js';
import type { Span } from '../corpus/types.js';
import type { TextAnalyzer } from '../text/analyzer.js';
import { stemWord } from '../text/english.js';
import type { Concept } from '../text/features.js';
import { personNames } from './names.js';
import { labelsFor } from '../i18n.js';
import { detectAnswerKind, type AnswerKind } from '../text/question-kind.js';
import { figureOfAskedThing, presenceOf, profileOfPresence, weighQuestion, type FeaturePresence, type WeightedQuestion } from '../ranking/question.js';
import { isDate, isFigure } from '../ranking/sentences.js';
import type { Answerer, AnswerDraft, AnswerRequest, Quote } from './types.js';

/** Short answers longer than this are cut to the clauses that carry the answer. */
const SHORT_ANSWER_CHARS = 220;
/** Quotes the short answer may be drawn from: the best, or one close behind it that carries what was asked. */
const ANSWER_CANDIDATES = 3;

/**
 * The offline answerer: no model, nothing invented. The answer is the clauses of a top quote that
 * carry what the question asks for (a number, a date, a name, a reason), verbatim, with its
 * citation; the quotes are the ranked spans retrieval found. When unsure, it says so and offers the
 * closest clauses as what may answer it.
 */
export function createExtractiveAnswerer(deps: { analyzer: TextAnalyzer; sourceName: (source: string) => string }): Answerer {
  return {
    name: 'extractive',
    async answer(request: AnswerRequest): Promise<AnswerDraft> {
      const labels = labelsFor(request.lang);
      const best = request.quotes[0];
      if (!best || (!request.found && request.confidence !== 'unsure')) {
        const notCovered = request.scope ? labels.notCoveredIn(request.scope) : labels.notCovered;
        const answer = `${notCovered} ${request.quotes.length === 0 ? labels.noPassages : labels.nearest}`;
        return { found: false, answer, quotes: request.quotes, answeredBy: 'extractive' };
      }
      const short = shortAnswer(request.quotes, request.question, deps.analyzer);
      if (!request.found) {
        // Clauses that say little of the question are no lead worth offering.
        const closest = short.coverage >= UNSURE_MIN_COVERAGE ? ` ${labels.closest(`${short.text} [${short.quote.n}]`)}` : '';
        return { found: false, answer: `${labels.unsure}${closest}`, quotes: request.quotes, answeredBy: 'extractive' };
      }
      const answer = `${labels.according(deps.sourceName(short.quote.source), short.quote.paragraph)} ${short.text} [${short.quote.n}]`;
      return { found: true, answer, quotes: request.quotes, answeredBy: 'extractive' };
    },
  };
}

/** The short answer: verbatim clauses of one quote ("…" where cut) and the quote they come from. */
export interface ShortAnswer {
  text: string;
  quote: Quote;
  /** Share of the question's weight the clauses express (0..1). */
  coverage: number;
}

/** An unsure answer offers its closest clauses only when they express at least this share of the question. */
export const UNSURE_MIN_COVERAGE = 0.5;

const REASON_MARKERS =
  /\b(?:because|due to|since|as a result|owing to|so that|in order to|therefore|thus|the reason|which means|means that|caused by|led to|after all|so (?:we|it|they|that|the))\b|因為|因为|由於|由于|源於|源于|導致|导致|所以|因此|為了|为了|原因|在於|在于|意味|畢竟|毕竟/iu;
// A window that opens on "Therefore," states the consequence: its reason came before.
const CONSEQUENCE_OPENING = /^(?:therefore|thus|hence|so|as a result|consequently)\b[,\s]*|^(?:因此|所以|因而|於是|于是)[,，]?/iu;
// A sentence that opens on "Because" gives a reason in every clause of it.
const CAUSE_OPENING = /^(?:because|since)\b|^(?:因為|因为|由於|由于)/iu;
const YES_NO = /^(?:is|are|was|were|do|does|did|can|could|will|would|has|have|had|should|shall|may|might)\b|[嗎吗]\s*[?？]?$|是否|是不是|有沒有|有没有|會不會|会不会|能不能|可不可以/iu;

interface Candidate {
  text: string;
  quote: Quote;
  score: number;
  coverage: number;
}

/**
 * Picks the clauses that carry what the question asks for among the top quotes: coverage of the
 * question counts, but so does what the question does not already say (a clause that only restates
 * the question answers nothing): a number or date for "how much"/"when", a person's name for "who"
 * (whole, and on the side of the verb "who" stands on), a reason marker for "why". For a yes/no
 * question, the sentence that settles it, whole. A later quote wins only by a clear margin.
 */
export function shortAnswer(quotes: Quote[], question: string, analyzer: TextAnalyzer): ShortAnswer {
  const kind = detectAnswerKind(question);
  const weighted = weighQuestion(analyzer, question, kind);
  const questionConcepts = analyzer.queryConcepts(question);
  const questionKeys = new Set(questionConcepts.flatMap((c) => [...c.alternatives.keys()]));
  const askedNames = new Set(personNames(question, analyzer.lexicon).map((name) => name.toLowerCase()));
  const yesNo = YES_NO.test(question.trim());
  const whoFirst = /^\s*(?:who|whom|whose)\b/iu.test(question);
  const countsAsked = figureOfAskedThing(weighted);

  const first = quotes[0]!;
  let best: Candidate | undefined;
  for (const [rank, quote] of quotes.slice(0, ANSWER_CANDIDATES).entries()) {
    if (rank > 0 && quote.score < first.score * 0.8) break;
    const candidate = bestWindow(quote, { kind, weighted, questionKeys, askedNames, yesNo, whoFirst, analyzer, countsAsked });
    candidate.score -= rank * 0.15;
    if (!best || candidate.score > best.score) best = candidate;
  }
  const { text, quote, coverage } = best!;
  return { text, quote, coverage };
}

interface WindowContext {
  kind: AnswerKind;
  weighted: WeightedQuestion;
  questionKeys: Set<string>;
  askedNames: Set<string>;
  yesNo: boolean;
  whoFirst: boolean;
  analyzer: TextAnalyzer;
  countsAsked: ((clause: ReadonlySet<string>) => boolean) | undefined;
}

function bestWindow(quote: Quote, ctx: WindowContext): Candidate {
  const clauses = clausesOf(quote.text);
  // English text meets a Chinese question's words only through glosses and names: a window's share
  // is told against what English can say, as the ranking tells it, or what a window adds outweighs it.
  const writtenIn = quote.lang === 'en' ? ('en' as const) : undefined;
  // A window is scored from its clauses' facts: each clause is read once, not once per window holding it.
  const known = new Map<string, ClauseFacts>();
  const factsOf = (clause: string): ClauseFacts => {
    let facts = known.get(clause);
    if (!facts) {
      facts = clauseFacts(clause, ctx);
      known.set(clause, facts);
    }
    return facts;
  };
  const facts = clauses.map(factsOf);
  const starts = clauseStarts(quote.text, clauses);
  const sentenceSpans = sentencesOf(quote.text);
  const named = namedBefore(quote.text, sentenceSpans, starts, ctx);
  const causal = starts.map((start) => {
    const sentence = sentenceSpans.findLast((span) => span.start <= start);
    return sentence !== undefined && CAUSE_OPENING.test(quote.text.slice(sentence.start, sentence.end));
  });
  let best = { from: 0, to: clauses.length, score: -Infinity, coverage: 0 };
  for (let from = 0; from < clauses.length; from += 1) {
    for (let end = from + 1; end <= clauses.length; end += 1) {
      const limit = ctx.yesNo ? SHORT_ANSWER_CHARS * 1.5 : SHORT_ANSWER_CHARS;
      let length = clauses.slice(from, end).join(' ').length;
      if (length > limit && end > from + 1) break;
      // A list is shown whole, up to half the length limit past it: no window ends between its items ("such as Luckin," | "Huya,"), nor on a connective.
      let to = end;
      while (to < clauses.length && continuesList(clauses[to - 1]!, clauses[to]!) && length + clauses[to]!.length <= limit * 1.5) {
        length += clauses[to]!.length + 1;
        to += 1;
      }
      if (to < clauses.length && isConnective(clauses[to - 1]!)) continue;
      const text = clauses.slice(from, to).join(' ');
      const inherited = named.get(starts[from]!);
      const windowFacts = facts.slice(from, to);
      const scored = windowScore(text, inherited ? [inherited, ...windowFacts] : windowFacts, ctx, writtenIn, causal.slice(from, to).includes(true));
      const score = scored.score - (ctx.yesNo ? 0 : text.length / 5000) + (ctx.yesNo && from === 0 ? 0.1 : 0);
      if (score > best.score) best = { from, to, score, coverage: scored.coverage };
    }
  }
  // A short quote is shown whole unless a part of it carries the answer better; so is a short
  // sentence of a quote joined from several (the sentence, not a clause cut from it).
  const sentences = sentenceSpans.map((sentence) => quote.text.slice(sentence.start, sentence.end));
  const sentencesStart = sentenceSpans.map((sentence) => sentence.start);
  let whole: Candidate | undefined;
  for (const [i, text] of (sentences.length > 1 ? [quote.text, ...sentences] : [quote.text]).entries()) {
    if (text.length > SHORT_ANSWER_CHARS) continue;
    const wholeFacts = text === quote.text ? facts : clausesOf(text).map(factsOf);
    const inherited = i > 0 ? named.get(sentencesStart[i - 1]!) : undefined;
    const scored = windowScore(text, inherited ? [inherited, ...wholeFacts] : wholeFacts, ctx, writtenIn, CAUSE_OPENING.test(text));
    if (scored.score >= best.score - 0.05 && (!whole || scored.score > whole.score)) whole = { text, quote, ...scored };
  }
  if (whole) return whole;
  const start = quote.text.indexOf(clauses[best.from]!);
  const lastClause = clauses[best.to - 1]!;
  const end = quote.text.indexOf(lastClause, start) + lastClause.length;
  const excerpt = quote.text.slice(start, end).replace(/[,;:，；：、]$/u, '');
  return { text: `${best.from > 0 ? '…' : ''}${excerpt}${best.to < clauses.length ? '…' : ''}`, quote, score: best.score, coverage: best.coverage };
}

// A sentence that opens with a pronoun speaks of someone the sentence before it named: "Wang Jian
// regarded … as the third wave. His analogy is that …".
const PRONOUN_OPENING = /^(?:he|his|him|she|her|they|their|it|its)\b|^[他她它其]/iu;

/** Where each clause starts in the text it was cut from. */
function clauseStarts(text: string, clauses: readonly string[]): number[] {
  let at = 0;
  return clauses.map((clause) => {
    const start = text.indexOf(clause, at);
    at = start + clause.length;
    return start;
  });
}

/**
 * The names of the sentence before each sentence that opens with a pronoun, keyed by where that
 * sentence starts: a window from there speaks of them, as a reader takes it.
 */
function namedBefore(text: string, sentences: readonly Span[], clauseStartsAt: readonly number[], ctx: WindowContext): Map<number, ClauseFacts> {
  const named = new Map<number, ClauseFacts>();
  for (const [i, sentence] of sentences.entries()) {
    if (i === 0 || !clauseStartsAt.includes(sentence.start) || !PRONOUN_OPENING.test(text.slice(sentence.start, sentence.end))) continue;
    const previous = sentences[i - 1]!;
    const names = ctx.analyzer.passageConcepts(text.slice(previous.start, previous.end)).filter((c) => !c.phrase && c.entityKeys !== undefined);
    if (names.length === 0) continue;
    // The names stand in for the pronoun: what they say of the question counts, and they bring nothing new.
    named.set(sentence.start, { presence: presenceOf(ctx.weighted, featuresOf(names)), content: 0, fresh: 0, newNumber: false, newDate: false, newName: false, countsAsked: false });
  }
  return named;
}

/** Whether `next` is one more item of a list `clause` is in ("such as Luckin," then "Huya,"; 淘天集團、 then 菜鳥). */
function continuesList(clause: string, next: string): boolean {
  if (/、$/u.test(clause)) return true;
  if (!/,$/u.test(clause)) return false;
  return next.split(/\s+/u).length <= 4 && (/,$/u.test(next) || /^(?:and|or)\s/iu.test(next));
}

const CONNECTIVE = /^(?:after all|however|in fact|of course|indeed|besides|moreover|meanwhile|instead|therefore|thus|hence|still|yet|also|then|so|but|and|or|because|since)\s*,$|^(?:畢竟|毕竟|然而|不過|不过|其實|其实|因此|所以|而且|此外|但是|但|因為|因为|由於|由于)[,，]$/iu;

/** A clause that is only a connective ("after all,", "however,"): it says what comes next, so no window ends on it. */
function isConnective(clause: string): boolean {
  return CONNECTIVE.test(clause);
}

/** What a window's score reads of one of its clauses. */
interface ClauseFacts {
  /** Which of the question's features the clause holds. */
  presence: FeaturePresence;
  /** Its content concepts, and how many of them the question does not have. */
  content: number;
  fresh: number;
  /** Whether it brings a figure, or a date, that the question does not. */
  newNumber: boolean;
  newDate: boolean;
  /** Whether it names something the question does not: a proper noun's pinyin key (北京, 张勇), or a capitalised word inside an English clause. */
  newName: boolean;
  /** Whether its figure counts the thing the question asks how many of (`figureOfAskedThing`). */
  countsAsked: boolean;
}

function clauseFacts(clause: string, ctx: WindowContext): ClauseFacts {
  const concepts = ctx.analyzer.passageConcepts(clause);
  const content = concepts.filter((c) => !c.phrase && c.weight >= 1);
  const features = featuresOf(concepts);
  return {
    presence: presenceOf(ctx.weighted, features),
    content: content.length,
    fresh: content.filter((c) => ![...c.alternatives.keys()].some((key) => ctx.questionKeys.has(key))).length,
    // A figure, not an ordinal's number (第一站 ranks; it counts nothing), as a ranked span's `newNumber` reads it.
    newNumber: [...features].some((key) => !ctx.questionKeys.has(key) && isFigure(key, features)),
    newDate: [...features].some((key) => !ctx.questionKeys.has(key) && isDate(key)),
    newName:
      [...features].some((key) => key.startsWith('py:') && !ctx.questionKeys.has(key) && !ctx.questionKeys.has(key.slice('py:'.length))) ||
      [...clause.matchAll(INNER_CAPITALISED)].some(([word]) => !CALENDAR_WORD.test(word) && !ctx.questionKeys.has(stemWord(word.toLowerCase()))),
    countsAsked: ctx.countsAsked?.(features) ?? false,
  };
}

// A capitalised word after the first of an English clause: a name, most of the time. (A ranked
// span's `newName` reads capitals its own way, with the weight its training gave it.)
const INNER_CAPITALISED = /(?<=\S\s+)[A-Z][\p{L}'-]+/gu;
// Days and months are capitalised too, and name no one and nowhere.
const CALENDAR_WORD = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)$/;

// The features of a clause's concepts, for as long as the analyzer keeps the concepts.
const featuresOfConcepts = new WeakMap<readonly Concept[], Set<string>>();

function featuresOf(concepts: readonly Concept[]): Set<string> {
  let features = featuresOfConcepts.get(concepts);
  if (!features) {
    features = new Set(concepts.flatMap((c) => [...c.alternatives.keys()]));
    featuresOfConcepts.set(concepts, features);
  }
  return features;
}

/** How well a window (its text and its clauses' facts) answers: the question's coverage plus what it adds of the kind asked for. */
function windowScore(text: string, clauses: readonly ClauseFacts[], ctx: WindowContext, writtenIn: 'en' | undefined, inCausalSentence = false): { score: number; coverage: number } {
  const coverage = profileOfPresence(ctx.weighted, clauses.map((clause) => clause.presence), writtenIn).coverage;
  // The share of the window's content concepts that the question does not already have.
  let content = 0;
  let fresh = 0;
  for (const clause of clauses) {
    content += clause.content;
    fresh += clause.fresh;
  }
  const novelty = content === 0 ? 0 : fresh / content;
  let evidence = 0;
  // A figure beside the thing asked for answers "how many employees"; one elsewhere, less.
  if (ctx.kind === 'number') evidence = clauses.some((clause) => clause.countsAsked) ? 1 : clauses.some((clause) => clause.newNumber) ? (ctx.countsAsked ? 0.5 : 1) : 0;
  else if (ctx.kind === 'date') evidence = clauses.some((clause) => clause.newDate) ? 1 : 0;
  else if (ctx.kind === 'reason') evidence = inCausalSentence || REASON_MARKERS.test(text.replace(CONSEQUENCE_OPENING, '')) ? 1 : 0;
  else if (ctx.kind === 'person') evidence = personEvidence(text, ctx);
  // "Where" is answered by the clause that names a place the question does not.
  else if (ctx.kind === 'place') evidence = clauses.some((clause) => clause.newName) ? 1 : 0;
  else evidence = Math.min(1, novelty * 1.5);
  // A question in the quote ("But what is Huawei's style of play?") asks; it does not answer.
  const asks = /[?？]\s*$/u.test(text) ? 0.4 : 0;
  // Saying nothing the question did not already say answers nothing.
  const restates = novelty < 0.2 ? 0.3 : 0;
  return { score: coverage + 0.6 * evidence - asks - restates, coverage };
}

/** A name the question does not already give; more when it stands where "who" stood (before the verb, or after). */
function personEvidence(text: string, ctx: WindowContext): number {
  const names = personNames(text, ctx.analyzer.lexicon).filter((name) => !ctx.askedNames.has(name.toLowerCase()));
  if (names.length === 0) return 0;
  if (!ctx.whoFirst) return 1;
  // "Who replaced Daniel Zhang?": the answer is named before the verb, "Daniel Zhang has replaced X" names the wrong one.
  const asked = [...ctx.askedNames];
  const askedAt = asked.map((name) => text.toLowerCase().indexOf(name)).filter((at) => at >= 0);
  if (askedAt.length === 0) return 1;
  const firstAsked = Math.min(...askedAt);
  return names.some((name) => text.indexOf(name) < firstAsked) ? 1 : 0.3;
}
