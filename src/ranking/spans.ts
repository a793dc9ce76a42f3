import type { Article, Lang } from '../corpus/types.js';
import { CLOSING_PUNCTUATION } from '../corpus/sentences.js';
import type { RetrievedChunk } from '../retrieval/candidates.js';
import { conceptShares, distinctiveCoverage, entityShare, presenceOf, profileOfPresence, type FeaturePresence, type WeightedQuestion } from './question.js';
import type { SentenceAnchors, SentenceFeatureCache } from './sentences.js';
import type { AnswerKind } from '../text/question-kind.js';

/** How much a statement in the previous paragraph counts for a sentence that may give its reason. */
const NEXT_PARAGRAPH_REASON = 0.6;

/** A candidate quote: one sentence or a few consecutive ones of a retrieved chunk, with the evidence for it. */
export interface SpanCandidate {
  article: Article;
  start: number;
  end: number;
  paragraph: number;
  sentenceIndexes: number[];
  /** IDF-weighted share of the question's concepts the span expresses, 0..1. */
  coverage: number;
  /** Coverage judged against what the span's language can express, with the statement it explains for "why". */
  evidence: number;
  /** What the ranking and the decision read, by name (see SPAN_FEATURES). */
  features: SpanFeatures;
}

/**
 * The features of a candidate span, in a fixed order: the learned ranker's and the decision's
 * inputs. Shares are 0..1; ranks enter as 1/(1+rank).
 */
export const SPAN_FEATURES = [
  'coverage',
  'evidence',
  'coverageDirect',
  'coverageGloss',
  'coverageName',
  'neighbourhoodCoverage',
  'paragraphCoverage',
  'leadCoverage',
  'coverageGap',
  'distinctiveCoverage',
  'entitiesSpan',
  'entitiesParagraph',
  'entitiesNearby',
  'entitiesArticle',
  'questionHasEntities',
  'answersKind',
  'focusMet',
  'newNumber',
  'newDate',
  'newName',
  'asksNumber',
  'asksDate',
  'asksPerson',
  'asksPlace',
  'asksReason',
  'reasonCue',
  'inheritedCoverage',
  'fusedRank',
  'vectorRank',
  'lexicalRank',
  'lexicalScoreShare',
  'viaParagraph',
  'sentencePosition',
  'length',
  'twoSentences',
  'crossLanguage',
  'unknownShare',
  'questionConcepts',
  'semantic',
  'semanticGap',
  'wordAlignment',
  'wordAlignmentGap',
] as const;

/** One named feature. */
export type SpanFeatureName = (typeof SPAN_FEATURES)[number];
/** A candidate's feature values by name. */
export type SpanFeatures = Record<SpanFeatureName, number>;

const CROSS_LANGUAGE = SPAN_FEATURES.indexOf('crossLanguage');

/**
 * What the ranker reads: the span's features, then each again times `crossLanguage` (0 for a span
 * in the question's language), so a quote in the other language weighs its evidence with weights
 * of its own: a gloss match there is most of what there is, while in the same language it is weak.
 */
export const RANKER_FEATURES = [...SPAN_FEATURES, ...SPAN_FEATURES.filter((name) => name !== 'crossLanguage').map((name) => `${name}:crossLanguage`)];

/** A span's feature vector (SPAN_FEATURES order) as the ranker reads it (RANKER_FEATURES order). */
export function rankerVector(x: readonly number[]): number[] {
  const cross = x[CROSS_LANGUAGE]!;
  // One array, filled in place: the ranker builds one per candidate span, every question.
  const vector = new Array<number>(2 * x.length - 1);
  for (let i = 0; i < x.length; i += 1) {
    vector[i] = x[i]!;
    if (i !== CROSS_LANGUAGE) vector[x.length + i - (i > CROSS_LANGUAGE ? 1 : 0)] = x[i]! * cross;
  }
  return vector;
}

/** The values of a feature record in SPAN_FEATURES order. */
export function featureVector(features: SpanFeatures): number[] {
  return SPAN_FEATURES.map((name) => features[name]);
}

/** What word vectors say of the question and an article's sentences, when the index has them. */
export interface SemanticEvidence {
  /** Similarity of the question to each sentence of the article, in sentence order. */
  similarities(article: Article): ArrayLike<number>;
  /** How closely the question's words are met, word by word, by some sentences of the article (0..1). */
  alignment(article: Article, sentenceIndexes: readonly number[]): number;
}

/**
 * Every sentence, and every pair of consecutive sentences, of the retrieved chunks, with its
 * features. For a "why" question the sentences after a matching one are candidates too: an
 * explanation usually follows the statement it explains.
 */
export function spanCandidates(
  question: WeightedQuestion,
  questionLang: Lang,
  retrieved: RetrievedChunk[],
  cache: SentenceFeatureCache,
  semantic?: SemanticEvidence,
): SpanCandidate[] {
  const wantsReason = question.kind === 'reason';
  const maxLexical = Math.max(0, ...retrieved.map((r) => r.lexicalScore ?? 0));
  // Which of the question's features each sentence holds, read once: spans are matched by OR-ing them.
  const presenceMemo = new Map<string, FeaturePresence>();
  const presence = (article: Article, index: number): FeaturePresence => {
    const key = `${article.id}:${index}`;
    let value = presenceMemo.get(key);
    if (value === undefined) {
      value = presenceOf(question, cache.get(article, index));
      presenceMemo.set(key, value);
    }
    return value;
  };
  const coverageMemo = new Map<string, number>();
  const sentenceCoverage = (article: Article, index: number): number => {
    const key = `${article.id}:${index}`;
    let value = coverageMemo.get(key);
    if (value === undefined) {
      value = profileOfPresence(question, [presence(article, index)]).coverage;
      coverageMemo.set(key, value);
    }
    return value;
  };

  const seen = new Map<string, { retrieved: RetrievedChunk; indexes: number[] }>();
  const add = (from: RetrievedChunk, indexes: number[]) => {
    const key = `${from.article.id}:${indexes.join(',')}`;
    if (!seen.has(key)) seen.set(key, { retrieved: from, indexes });
  };
  for (const from of retrieved) {
    const indexes = from.chunk.sentenceIndexes;
    indexes.forEach((index, i) => {
      add(from, [index]);
      if (i + 1 < indexes.length) add(from, [index, indexes[i + 1]!]);
      if (wantsReason) {
        for (let next = index + 1; next <= index + 3 && next < from.article.sentences.length; next += 1) add(from, [next]);
      }
    });
  }

  // Paragraph- and article-level evidence is shared by every candidate in them: computed once each.
  const memo = <T>(map: Map<string, T>, key: string, compute: () => T): T => {
    let value = map.get(key);
    if (value === undefined) {
      value = compute();
      map.set(key, value);
    }
    return value;
  };
  const paragraphMemo = new Map<string, { coverage: number; entities: number; nearby: number }>();
  const articleMemo = new Map<string, number>();
  const anchorMemo = new Map<string, NewAnchors>();
  const leadMemo = new Map<string, FeaturePresence>();
  const questionHasEntities = question.concepts.some(({ concept }) => concept.entityKeys) ? 1 : 0;
  // An answer usually brings something the question does not have: a figure, a date, a name.
  const asked = new Set(question.concepts.flatMap(({ concept }) => [...concept.alternatives.keys()]));
  const askedWords = new Set(question.concepts.flatMap(({ concept }) => [...concept.alternatives.keys()].filter((key) => /^[a-z]/.test(key))));
  const candidates: SpanCandidate[] = [];
  for (const { retrieved: from, indexes } of seen.values()) {
    const { article } = from;
    const first = article.sentences[indexes[0]!]!;
    const last = article.sentences[indexes.at(-1)!]!;
    // A span of sentences from another paragraph than the chunk's (a "why" follower) is still one paragraph's.
    if (last.paragraph !== first.paragraph) continue;
    if (isHeading(article.text.slice(first.start, last.end))) continue;
    const sentencePresences = indexes.map((index) => presence(article, index));
    const profile = profileOfPresence(question, sentencePresences);
    if (indexes.length > 1 && profile.coverage < Math.max(...indexes.map((index) => sentenceCoverage(article, index))) + 0.1) continue;

    const writtenIn = article.meta.lang === 'en' ? ('en' as const) : undefined;
    const before = indexes[0]! - 1;
    // A reason may open the paragraph after the statement it explains: that statement counts, for less.
    const previous = (back: number) => {
      const paragraph = article.sentences[indexes[0]! - back]?.paragraph;
      const factor = paragraph === first.paragraph ? 1 : paragraph === first.paragraph - 1 ? NEXT_PARAGRAPH_REASON : 0;
      return factor > 0 ? factor * sentenceCoverage(article, indexes[0]! - back) : 0;
    };
    const inherited = wantsReason ? Math.max(previous(1), 0.7 * previous(2), 0.5 * previous(3)) : 0;
    const evidenceFeatures = wantsReason && before >= 0 ? [...sentencePresences, presence(article, before)] : sentencePresences;
    const evidence = writtenIn || evidenceFeatures !== sentencePresences ? profileOfPresence(question, evidenceFeatures, writtenIn).coverage : profile.coverage;
    const neighbourhood = [...sentencePresences];
    for (const i of [before, indexes.at(-1)! + 1]) if (article.sentences[i]?.paragraph === first.paragraph) neighbourhood.push(presence(article, i));
    const paragraphEvidence = memo(paragraphMemo, `${article.id}#${first.paragraph}`, () => {
      const paragraphFeatures = [presenceOf(question, cache.paragraph(article, first.paragraph))];
      const entities = profileOfPresence(question, paragraphFeatures).entities;
      // A report names its subject once and goes on about it in the paragraphs that follow.
      const withPrevious = () => [...paragraphFeatures, presenceOf(question, cache.paragraph(article, first.paragraph - 1))];
      const nearby = first.paragraph > 1 && entities < 1 ? profileOfPresence(question, withPrevious()).entities : entities;
      return { coverage: profileOfPresence(question, paragraphFeatures, writtenIn).coverage, entities, nearby };
    });
    const text = article.text.slice(first.start, last.end);
    const brings = indexes
      .map((index) => memo(anchorMemo, `${article.id}:${index}`, () => newAnchors(cache.anchors(article, index), asked)))
      .reduce((a, b) => ({ number: a.number || b.number, date: a.date || b.date, person: a.person || b.person }));
    const firstOfParagraph = article.sentences.findIndex((sentence) => sentence.paragraph === first.paragraph);
    // A paragraph names its subject as its first sentence opens and then says "it" or nothing
    // (本鱼体呈银灰色): the span read with that subject, as a reader reads it.
    const subject = () => memo(leadMemo, `${article.id}#${first.paragraph}`, () => presenceOf(question, cache.leadSubject(article, first.paragraph)));
    const lead = indexes[0] === firstOfParagraph ? profile.coverage : profileOfPresence(question, [...sentencePresences, subject()]).coverage;
    // A name the question does not give: a person's, a place's (py: keys are any proper noun's, 北京 and 张勇 alike;
    // an English name mostly has none, "Kony Ealy", so a capitalised word counts there).
    const newName = brings.person || hasNewCapitalisedName(text, askedWords);

    candidates.push({
      article,
      start: first.start,
      end: last.end,
      paragraph: first.paragraph,
      sentenceIndexes: indexes,
      coverage: profile.coverage,
      evidence,
      features: {
        coverage: profile.coverage,
        evidence,
        coverageDirect: profile.direct,
        coverageGloss: profile.gloss,
        coverageName: profile.name,
        neighbourhoodCoverage: profileOfPresence(question, neighbourhood).coverage,
        paragraphCoverage: paragraphEvidence.coverage,
        leadCoverage: lead,
        coverageGap: 0,
        distinctiveCoverage: 0,
        entitiesSpan: profile.entities,
        entitiesParagraph: paragraphEvidence.entities,
        entitiesNearby: paragraphEvidence.nearby,
        entitiesArticle: memo(articleMemo, article.id, () => entityShare(question, cache.article(article))),
        questionHasEntities,
        focusMet: profile.focus,
        answersKind: bringsAsked(question.kind, brings, newName) ? 1 : 0,
        newNumber: brings.number ? 1 : 0,
        newDate: brings.date ? 1 : 0,
        newName: newName ? 1 : 0,
        asksNumber: question.kind === 'number' ? 1 : 0,
        asksDate: question.kind === 'date' ? 1 : 0,
        asksPerson: question.kind === 'person' ? 1 : 0,
        asksPlace: question.kind === 'place' ? 1 : 0,
        asksReason: wantsReason ? 1 : 0,
        reasonCue: wantsReason && indexes.some((index) => cache.givesReason(article, index)) ? 1 : 0,
        inheritedCoverage: inherited,
        fusedRank: 1 / (1 + from.fusedRank),
        vectorRank: from.vectorRank === undefined ? 0 : 1 / (1 + from.vectorRank),
        lexicalRank: from.lexicalRank === undefined ? 0 : 1 / (1 + from.lexicalRank),
        viaParagraph: from.viaParagraph ? 1 : 0,
        lexicalScoreShare: maxLexical > 0 ? (from.lexicalScore ?? 0) / maxLexical : 0,
        sentencePosition: 1 / (1 + indexes[0]! - firstOfParagraph),
        length: Math.log1p(text.length) / 6,
        twoSentences: indexes.length > 1 ? 1 : 0,
        crossLanguage: article.meta.lang.slice(0, 2) === questionLang.slice(0, 2) ? 0 : 1,
        unknownShare: question.unknownShare,
        questionConcepts: Math.log1p(question.concepts.length) / 3,
        semantic: semantic ? Math.max(...indexes.map((index) => semantic.similarities(article)[index] ?? 0)) : 0,
        semanticGap: 0,
        wordAlignment: semantic ? semantic.alignment(article, indexes) : 0,
        wordAlignmentGap: 0,
      },
    });
  }
  // Which of the question's concepts the candidate sentences share, and which few of them hold.
  const sentences = [...seen.values()].filter(({ indexes }) => indexes.length === 1).map(({ retrieved: from, indexes }) => presence(from.article, indexes[0]!));
  const shares = conceptShares(question, sentences);
  const bestCoverage = Math.max(0, ...candidates.map((c) => c.coverage));
  const bestSemantic = Math.max(0, ...candidates.map((c) => c.features.semantic));
  const bestAlignment = Math.max(0, ...candidates.map((c) => c.features.wordAlignment));
  for (const candidate of candidates) {
    candidate.features.coverageGap = candidate.coverage - bestCoverage;
    // Across languages the shares are of gloss matches, which say less of a sentence than its own words.
    if (candidate.features.crossLanguage === 0) candidate.features.distinctiveCoverage = distinctiveCoverage(question, candidate.sentenceIndexes.map((index) => presence(candidate.article, index)), shares);
    candidate.features.semanticGap = candidate.features.semantic - bestSemantic;
    candidate.features.wordAlignmentGap = candidate.features.wordAlignment - bestAlignment;
  }
  return candidates;
}

// A sentence may end inside a quotation or brackets ("…自然。」", "（見下文。）").
const SENTENCE_END = new RegExp(`(?:[.!?。！？]["${CLOSING_PUNCTUATION}]*|[”"])$`, 'u');

/**
 * Whether a span is a heading or a byline: short and unpunctuated. Never the quote that answers a
 * question about the content (questions about the articles themselves are answered from their
 * metadata), and the public sets the ranker learns from have none, so it could not learn to pass
 * them over: on the realistic questions they stood first on semantic similarity alone.
 */
function isHeading(text: string): boolean {
  return text.length < 25 && !SENTENCE_END.test(text);
}

/** Whether a span brings what its question's kind asks for: a figure, a date, a name (someone's or a place's, told apart by neither). */
function bringsAsked(kind: AnswerKind, brings: NewAnchors, newName: boolean): boolean {
  switch (kind) {
    case 'number':
    case 'date':
      return brings[kind];
    case 'person':
    case 'place':
      return newName;
    default:
      return false;
  }
}

/** What a sentence brings that the question does not have: a figure, a date, a (pinyin) name. */
interface NewAnchors {
  number: boolean;
  date: boolean;
  person: boolean;
}

function newAnchors(anchors: SentenceAnchors, asked: ReadonlySet<string>): NewAnchors {
  const unasked = (features: readonly string[]) => features.some((feature) => !asked.has(feature));
  // A name the question says in the other script is asked too: 阿里 is "Alibaba" (its gloss), so py:alibaba brings no one new.
  const unaskedName = anchors.person.some((feature) => !asked.has(feature) && !asked.has(feature.slice('py:'.length)));
  return { number: unasked(anchors.number), date: unasked(anchors.date), person: unaskedName };
}

// A capitalised word inside an English sentence (not its first word): a name, most of the time.
const INNER_CAPITALISED = /(?<=[a-z,;:]\s+)[A-Z][\p{L}'-]+/gu;

/** Whether an English span names someone or something (a capitalised word) that the question does not. */
function hasNewCapitalisedName(text: string, askedWords: ReadonlySet<string>): boolean {
  for (const [word] of text.matchAll(INNER_CAPITALISED)) {
    const lower = word.toLowerCase();
    let asked = false;
    for (const stem of askedWords) {
      if (lower.startsWith(stem)) {
        asked = true;
        break;
      }
    }
    if (!asked) return true;
  }
  return false;
}
