import { describe, expect, it } from 'vitest';
import { createCalibratedDecider, DECISION_FEATURES, decisionSpans, decisionVector, languagePair, type DecisionModel, type DecisionSpan } from '../../src/decision/decide.js';
import type { RankedSpan } from '../../src/ranking/ranker.js';
import { RANKER_FEATURES, SPAN_FEATURES } from '../../src/ranking/spans.js';
import { chooseThresholds, decisionInputs, foldOf, heldOutScores, trainAnswerModel, trainDecision, TRAINING, type TrainingQuestion } from '../../src/training/train.js';

const span = (logit: number, place: string): DecisionSpan => ({ vector: SPAN_FEATURES.map(() => 0.5), logit, place });

describe('the decision inputs', () => {
  it('are the best span\'s features, its log-odds, its lead over the next span and over another paragraph\'s best, and how many next spans share its paragraph', () => {
    const x = decisionVector([span(2, 'a#1'), span(0.5, 'a#1'), span(0.2, 'b#3'), span(0.1, 'a#1')]);
    expect(x).toHaveLength(DECISION_FEATURES.length);
    const byName = Object.fromEntries(DECISION_FEATURES.map((name, i) => [name, x![i]]));
    expect(byName.topLogit).toBe(2);
    expect(byName.margin).toBe(1.5);
    expect(byName.agreement).toBe(0.5);
    expect(byName.coverage).toBe(0.5);
    // Its lead over the best span of another paragraph in its language: b#3's.
    expect(byName.paragraphMargin).toBe(1.8);
  });

  it('read past the first five spans for a rival paragraph when all five share the best one\'s', () => {
    const ranked = [span(3, 'a#1'), span(2.5, 'a#1'), span(2.4, 'a#1'), span(2.2, 'a#1'), span(2.1, 'a#1'), span(1, 'a#1'), span(0.5, 'c#2'), span(0.4, 'd#0')];
    const picked = decisionSpans(ranked, (s) => s);
    expect(picked.map((s) => s.place)).toEqual(['a#1', 'a#1', 'a#1', 'a#1', 'a#1', 'c#2']);
    const byName = Object.fromEntries(DECISION_FEATURES.map((name, i) => [name, decisionVector(picked)![i]]));
    expect(byName.paragraphMargin).toBe(2.5);
    expect(byName.agreement).toBe(1);
    // Five spans already holding a rival are read as they are; a single paragraph has none (the lead is capped at 5).
    expect(decisionSpans([...ranked.slice(0, 4), span(0, 'e#1'), span(-1, 'f#1')], (s) => s)).toHaveLength(5);
    expect(decisionVector([span(3, 'a#1'), span(1, 'a#1')])![DECISION_FEATURES.indexOf('paragraphMargin')]).toBe(5);
  });

  it('take no paragraph in the other language for a rival: it may tell the same thing', () => {
    const crossLanguage = SPAN_FEATURES.indexOf('crossLanguage');
    const inOtherLanguage = (logit: number, place: string): DecisionSpan => ({ ...span(logit, place), vector: SPAN_FEATURES.map((_, i) => (i === crossLanguage ? 1 : 0.5)) });
    const best = { ...span(3, 'en#4'), vector: SPAN_FEATURES.map((_, i) => (i === crossLanguage ? 0 : 0.5)) };
    const ranked = [best, inOtherLanguage(2.9, 'zh#7'), { ...best, logit: 1, place: 'en#9' }];
    expect(decisionVector(ranked)![DECISION_FEATURES.indexOf('paragraphMargin')]).toBe(2);
    expect(decisionVector(ranked.slice(0, 2))![DECISION_FEATURES.indexOf('paragraphMargin')]).toBe(5);
  });

  it('hold each span feature by name but the one that only tells sentences of a paragraph apart', () => {
    const best: DecisionSpan = { vector: SPAN_FEATURES.map((_, i) => i), logit: 1, place: 'a#1' };
    const x = decisionVector([best])!;
    const byName = Object.fromEntries(DECISION_FEATURES.map((name, i) => [name, x[i]]));
    for (const [i, name] of SPAN_FEATURES.entries()) expect(byName[name]).toBe(name === 'leadCoverage' ? undefined : i);
    expect(languagePair(x)).toBe('same');
    const crossLanguage = SPAN_FEATURES.indexOf('crossLanguage');
    expect(languagePair(decisionVector([{ ...best, vector: SPAN_FEATURES.map((_, i) => (i === crossLanguage ? 1 : 0)) }])!)).toBe('cross');
  });

  it('are undefined when nothing was retrieved', () => {
    expect(decisionVector([])).toBeUndefined();
  });
});

describe('the thresholds', () => {
  it('answer from where shown answers are right often enough, over enough questions, and refuse few answerable ones', () => {
    // 1000 questions with p spread evenly; the best spans of those above 0.5 are right 95% of the time, below 30%.
    // A quarter have no answer: they are the less answerable-looking (q) ones, whatever their p.
    const scored = Array.from({ length: 1000 }, (_, i) => {
      const p = i / 1000;
      const answerable = i % 4 !== 0;
      return { p, q: answerable ? 0.3 + 0.7 * ((i * 37) % 1000) / 1000 : 0.4 * ((i * 37) % 1000) / 1000, topCorrect: p >= 0.5 ? i % 20 !== 0 : i % 10 < 3, answerable };
    });
    const { answer, unsure } = chooseThresholds(scored);
    const shown = scored.filter((s) => s.p >= answer);
    expect(shown.length).toBeGreaterThanOrEqual(TRAINING.minQuestions);
    expect(shown.filter((s) => s.topCorrect).length / shown.length).toBeGreaterThanOrEqual(TRAINING.answerPrecision);
    // Lower thresholds would show answers that are right less often: 0.5 is where precision falls.
    expect(answer).toBeGreaterThan(0.3);
    expect(answer).toBeLessThan(0.6);
    // Refusing outright reads whether a question looks answerable, not whether its best span is right.
    const answerable = scored.filter((s) => s.answerable);
    expect(answerable.filter((s) => s.q < unsure).length / answerable.length).toBeLessThanOrEqual(TRAINING.answerableRefused);
    expect(unsure).toBeGreaterThan(0.29);
    // Most of the 250 without an answer look less answerable than that.
    expect(scored.filter((s) => !s.answerable && s.q < unsure).length).toBeGreaterThan(150);
  });

  it('are not chosen on a few dozen questions', () => {
    const few = Array.from({ length: 40 }, (_, i) => ({ p: i / 40, q: i / 40, topCorrect: true, answerable: true }));
    expect(() => chooseThresholds(few)).toThrow(/need/);
  });
});

describe('the calibrated decider', () => {
  // Models of one feature each: the best span right with the coverage, the question answerable with the best span's log-odds.
  const linear = (feature: string) => ({ features: [...DECISION_FEATURES], mean: DECISION_FEATURES.map(() => 0), scale: DECISION_FEATURES.map(() => 1), weights: DECISION_FEATURES.map((name) => (name === feature ? 10 : 0)), bias: -5 });
  const model: DecisionModel = { ...linear('coverage'), answerable: linear('topLogit'), thresholds: { same: { answer: 0.9, unsure: 0.5 }, cross: { answer: 0.9, unsure: 0.5 } } };
  const ranked = (coverage: number, logit: number) => [{ features: Object.fromEntries(SPAN_FEATURES.map((name) => [name, name === 'coverage' ? coverage : 0])), logit, article: { id: 'a' }, paragraph: 0 }] as unknown as RankedSpan[];
  const decide = (coverage: number, logit: number) => createCalibratedDecider(model).decide({} as never, ranked(coverage, logit));

  it('answers when the best quote is likely right, else shows passages while the sources likely hold an answer, else refuses', () => {
    expect(decide(0.9, 0)).toMatchObject({ confidence: 'answer' });
    expect(decide(0.2, 0.9)).toMatchObject({ confidence: 'unsure' });
    const refused = decide(0.2, 0.1);
    expect(refused.confidence).toBe('none');
    expect(refused.probability).toBeLessThan(0.5);
    expect(refused.answerable).toBeLessThan(refused.thresholds.unsure);
  });

  it('refuses outright when nothing was retrieved', () => {
    expect(createCalibratedDecider(model).decide({} as never, [])).toMatchObject({ confidence: 'none', probability: 0, answerable: 0 });
  });
});

describe('held-out scores', () => {
  it('keep an article in one fold, the same at every retraining', () => {
    expect(foldOf('xquad:12', 2)).toBe(foldOf('xquad:12', 2));
    const folds = new Set(Array.from({ length: 40 }, (_, i) => foldOf(`cmrc:${i}`, 2)));
    expect([...folds].sort()).toEqual([0, 1]);
  });

  it('score each question by models trained without its article', () => {
    // Per article, the right span is the one with the higher first feature, except in article "odd:1", where it is the lower.
    const question = (article: string, flip: boolean, i: number): TrainingQuestion => ({
      run: article.split(':')[0]!,
      article,
      kind: 'en-en',
      answerable: true,
      candidates: [0.9, 0.1].map((first, c) => ({ features: SPAN_FEATURES.map((_, f) => (f === 0 ? first : (i % 7) / 7)), correct: (c === 0) !== flip, place: `${article}#${c}`, sentences: [c] })),
    });
    const articles = Array.from({ length: 12 }, (_, a) => `set:${a}`);
    const questions = articles.flatMap((article) => Array.from({ length: 40 }, (_, i) => question(article, false, i)));
    const scores = heldOutScores(questions, 2);
    expect(scores).toHaveLength(questions.length);
    expect(new Set(scores.map((s) => s.fold))).toEqual(new Set([0, 1]));
    // Models trained on consistent articles rank every held-out question's right span first.
    expect(scores.every((s) => s.topCorrect)).toBe(true);
  });

  it('count the first quote shown right when a span joined to it holds the answer', () => {
    // A ranker that reads the first feature only: the spans rank in the order given.
    const ranker = { features: [...RANKER_FEATURES], mean: RANKER_FEATURES.map(() => 0), scale: RANKER_FEATURES.map(() => 1), weights: RANKER_FEATURES.map((_, i) => (i === 0 ? 1 : 0)), bias: 0 };
    const candidate = (first: number, place: string, sentence: number, correct: boolean) => ({ features: SPAN_FEATURES.map((_, f) => (f === 0 ? first : 0.5)), correct, place, sentences: [sentence] });
    const question = (second: ReturnType<typeof candidate>): TrainingQuestion => ({ run: 'set', article: 'set:1', kind: 'en-en', answerable: true, candidates: [candidate(0.9, 'a#2', 7, false), second] });
    // The next sentence of the paragraph is joined to the best span: the quote holds the answer.
    expect(decisionInputs(ranker, question(candidate(0.5, 'a#2', 8, true)))?.topCorrect).toBe(true);
    // A sentence of another paragraph, or further on, is a quote of its own.
    expect(decisionInputs(ranker, question(candidate(0.5, 'a#3', 8, true)))?.topCorrect).toBe(false);
    expect(decisionInputs(ranker, question(candidate(0.5, 'a#2', 9, true)))?.topCorrect).toBe(false);
  });
});

describe('training the decision', () => {
  // A ranker that reads the first feature only: the spans rank in the order given.
  const ranker = { features: [...RANKER_FEATURES], mean: RANKER_FEATURES.map(() => 0), scale: RANKER_FEATURES.map(() => 1), weights: RANKER_FEATURES.map((_, i) => (i === 0 ? 1 : 0)), bias: 0 };
  const EVIDENCE = SPAN_FEATURES.indexOf('evidence');
  const CROSS_LANGUAGE = SPAN_FEATURES.indexOf('crossLanguage');
  // Questions whose best span's evidence is `evidence`; its quote right when `right`.
  const question = (i: number, evidence: number, answerable: boolean, right: boolean, unrelated = false): TrainingQuestion => ({
    run: 'set',
    article: `set:${i % 10}`,
    kind: answerable ? 'en-en' : 'none',
    answerable,
    ...(unrelated ? { unrelated } : {}),
    candidates: [0.9, 0.1].map((first, c) => ({
      features: SPAN_FEATURES.map((_, f) => (f === 0 ? first : f === EVIDENCE ? evidence : ((i * 7 + f) % 11) / 11)),
      correct: answerable && (c === 0) === right,
      place: `a#${i}-${c}`,
      sentences: [c],
    })),
  });
  const own = [
    ...Array.from({ length: 120 }, (_, i) => question(i, i % 10 !== 0 ? 0.6 + (i % 5) / 10 : 0.2 + (i % 5) / 10, true, i % 10 !== 0)),
    ...Array.from({ length: 60 }, (_, i) => question(i, 0.1 + (i % 5) / 10, false, false)),
  ];
  // Another set's questions whose best spans look like those of answered questions: the sources hold no answer to them all the same.
  const unrelated = Array.from({ length: 60 }, (_, i) => question(i, 0.6 + (i % 5) / 10, false, false, true));

  it('learns whether the best quote is right from the corpora\'s own questions only, and whether the sources answer from another set\'s too', () => {
    const without = trainDecision(ranker, own).model;
    const withUnrelated = trainDecision(ranker, [...own, ...unrelated]).model;
    const { answerable: answerableWithout, ...rightWithout } = without;
    const { answerable: answerableWith, ...rightWith } = withUnrelated;
    expect(rightWith).toEqual(rightWithout);
    expect(answerableWith).not.toEqual(answerableWithout);
  });

  it('keeps the answer thresholds where the corpora\'s own questions put them', () => {
    // Enough questions of each language pair for thresholds (TRAINING.minQuestions answerable ones each).
    const many = (questions: TrainingQuestion[]) =>
      [0, 1].flatMap((cross) => Array.from({ length: 3 }, (_, copy) => copy).flatMap((copy) => questions.map((q) => ({ ...q, article: `${q.article}-${copy}`, candidates: q.candidates.map((c) => ({ ...c, features: c.features.map((v, f) => (f === CROSS_LANGUAGE ? cross : v)) })) }))));
    const without = trainAnswerModel(many(own), {});
    const withUnrelated = trainAnswerModel(many([...own, ...unrelated]), {});
    for (const pair of ['same', 'cross'] as const) expect(withUnrelated.decision.thresholds[pair].answer).toBe(without.decision.thresholds[pair].answer);
    expect(withUnrelated.ranker).toEqual(without.ranker);
  });
});
