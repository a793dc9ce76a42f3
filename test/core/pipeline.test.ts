import { beforeAll, describe, expect, it } from 'vitest';
import { labelsFor } from '../../src/i18n.js';
import type { CorpusQuestionAnswerer, CorpusReply } from '../../src/answer/corpus-questions.js';
import type { Answerer } from '../../src/answer/types.js';
import { DECISION_FEATURES, type AnswerDecider, type Confidence } from '../../src/decision/decide.js';
import { openIndex } from '../../src/index/open.js';
import type { LoadedIndex } from '../../src/index/types.js';
import { loadAnswerModel, type AnswerModel } from '../../src/decision/model.js';
import { createTether, rankingQuery } from '../../src/tether.js';
import { makeTmpProject, REPO_ROOT } from '../support/corpus.js';
import { sharedProject } from '../support/shared.js';

// The stages of the answer path composed by createTether, each replaceable: the bilingual fixture's shared index.
let index: LoadedIndex;
let model: AnswerModel;

beforeAll(async () => {
  const project = sharedProject('bilingual');
  index = await openIndex({ corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root });
  model = await loadAnswerModel(REPO_ROOT);
});

const decideAlways = (confidence: Confidence): AnswerDecider => ({
  decide: () => ({ confidence, probability: 0.5, answerable: 0.5, thresholds: { answer: 0.6, unsure: 0.2 }, evidence: { coverage: 0.5 } }),
});

describe('the answer path', () => {
  it('shows quotes in the ranker\'s order, with its probabilities as scores', async () => {
    const answer = await createTether({ index, model }).ask('How much did the new bridge cost?');
    expect(answer.quotes.length).toBeGreaterThan(1);
    const scores = answer.quotes.map((quote) => quote.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(0);
    for (const score of scores) expect(score).toBeLessThanOrEqual(1);
  });

  it('renders the three decisions distinctly: answer, unsure ("may answer it"), none ("not covered")', async () => {
    const question = 'When did the library reopen?';
    const labels = labelsFor('en');
    const answered = await createTether({ index, model, decider: decideAlways('answer') }).ask(question);
    expect(answered).toMatchObject({ found: true, confidence: 'answer' });
    expect(answered.answer).toContain('[1]');
    const unsure = await createTether({ index, model, decider: decideAlways('unsure') }).ask(question);
    expect(unsure).toMatchObject({ found: false, confidence: 'unsure' });
    expect(unsure.answer.startsWith(labels.unsure)).toBe(true);
    expect(unsure.quotes.length).toBeGreaterThan(0);
    const none = await createTether({ index, model, decider: decideAlways('none') }).ask(question);
    expect(none).toMatchObject({ found: false, confidence: 'none' });
    expect(none.answer).toContain(labels.notCovered);
  });

  it('answers a question that only may be about the articles from their content when it can, from metadata when not', async () => {
    const metadata = (reference: CorpusReply['reference']): CorpusQuestionAnswerer => ({
      answer: () => ({ kind: 'corpus', answer: 'The article is titled Library.', quotes: [], known: true, reference }),
    });
    const question = 'When did the library reopen?';
    const content = await createTether({ index, model, corpusQuestions: metadata('implicit'), decider: decideAlways('answer') }).ask(question);
    expect(content).toMatchObject({ found: true, confidence: 'answer' });
    expect(content.reply).toBeUndefined();
    expect(content.quotes.length).toBeGreaterThan(0);
    for (const confidence of ['unsure', 'none'] as const) {
      const fallback = await createTether({ index, model, corpusQuestions: metadata('implicit'), decider: decideAlways(confidence) }).ask(question);
      expect(fallback).toMatchObject({ found: true, reply: 'corpus', answer: 'The article is titled Library.', quotes: [] });
    }
    const explicit = await createTether({ index, model, corpusQuestions: metadata('explicit'), decider: decideAlways('answer') }).ask(question);
    expect(explicit).toMatchObject({ reply: 'corpus', answer: 'The article is titled Library.' });
  });

  it('weighs a question by its topic, not by what it says of the source ("the writer thinks", "作者觉得")', () => {
    const concepts = (text: string) => rankingQuery(index, text, undefined).weighted.concepts.map(({ concept, weight }) => [[...concept.alternatives.keys()][0], weight]);
    expect(concepts('Why does the writer think the library closed?')).toEqual(concepts('Why does think the library closed?'));
    expect(concepts('Why does the writer think the library closed?')).not.toEqual(concepts('Why does the reader think the library closed?'));
    expect(concepts('作者为什么觉得图书馆关门了?')).toEqual(concepts('为什么觉得图书馆关门了?'));
    expect(rankingQuery(index, 'Why does the writer think the library closed?', undefined).weighted.kind).toBe('reason');
  });

  it('with explain, carries the decision and the evidence it weighed', async () => {
    const tether = createTether({ index, model });
    const plain = await tether.ask('When did the library reopen?');
    expect(plain.decision).toBeUndefined();
    const explained = await tether.ask('When did the library reopen?', { explain: true });
    expect(explained.decision?.confidence).toBe(explained.confidence);
    expect(Object.keys(explained.decision?.evidence ?? {})).toEqual([...DECISION_FEATURES]);
    expect([model.decision.thresholds.same, model.decision.thresholds.cross]).toContainEqual(explained.decision?.thresholds);
    // Both probabilities: the best quote right, and the sources answering at all.
    for (const p of [explained.decision?.probability, explained.decision?.answerable]) expect(p).toSatisfy((value: unknown) => typeof value === 'number' && value >= 0 && value <= 1);
  });

  it('drops a quote that is not verbatim, whoever wrote it', async () => {
    const tampering = (extractive: Answerer): Answerer => ({
      name: 'tampering',
      async answer(request) {
        const draft = await extractive.answer(request);
        return { ...draft, quotes: draft.quotes.map((quote, i) => (i === 0 ? { ...quote, text: `${quote.text} (and more)` } : quote)) };
      },
    });
    const honest = await createTether({ index, model }).ask('How much did the new bridge cost?');
    const answer = await createTether({ index, model, createAnswerer: tampering }).ask('How much did the new bridge cost?');
    expect(answer.quotes).toEqual(honest.quotes.slice(1));
  });

  it('never quotes a heading, even one that matches the question word for word', async () => {
    const project = await makeTmpProject('headings', {
      'harbour.txt': 'The harbour bridge\n\nThe harbour bridge opened in 1932 after eight years of work. It carries trains and cars.\n\nRainfall this year\n\nRainfall this year fell by a fifth.\n',
      'harbour.meta.json': JSON.stringify({ title: 'Harbour news', lang: 'en' }),
      'bridge.txt': '大橋\n\n市長說：「大橋已經通車。」\n',
      'bridge.meta.json': JSON.stringify({ title: '大橋新聞', lang: 'zh-Hant' }),
    });
    try {
      const own = await openIndex({ corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root, semanticSources: null });
      const answer = await createTether({ index: own, model }).ask('the harbour bridge?', { limit: 20 });
      const texts = answer.quotes.map((quote) => quote.text);
      expect(texts[0]).toContain('The harbour bridge opened in 1932');
      expect(texts).not.toContain('The harbour bridge');
      expect(texts).not.toContain('Rainfall this year');
      // A short sentence that ends inside a quotation is a sentence all the same.
      const quoted = await createTether({ index: own, model }).ask('市長說大橋通車了嗎？', { limit: 20 });
      expect(quoted.quotes.map((quote) => quote.text)).toContain('市長說：「大橋已經通車。」');
    } finally {
      await project.remove();
    }
  });
});
