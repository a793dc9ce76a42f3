import { describe, expect, it } from 'vitest';
import type { Article, Chunk } from '../../src/corpus/types.js';
import type { WeightedQuestion } from '../../src/ranking/question.js';
import type { SentenceFeatureCache } from '../../src/ranking/sentences.js';
import { spanCandidates } from '../../src/ranking/spans.js';
import type { RetrievedChunk } from '../../src/retrieval/candidates.js';
import type { Concept } from '../../src/text/features.js';

// One sentence per paragraph: a report names its subject once, then goes on about it.
const PARAGRAPHS = ['Wu Yongming set the cloud strategy.', 'Public cloud first means profit over revenue.', 'Revenue grew two percent.'];

function report(paragraphs: readonly string[]): Article {
  const text = paragraphs.join('\n');
  const spans = paragraphs.map((paragraph, i) => {
    const start = text.indexOf(paragraph);
    return { start, end: start + paragraph.length, paragraph: i + 1 };
  });
  return { id: 'report', source: 'corpus/report.txt', text, meta: { lang: 'en', title: 'Report' } as Article['meta'], paragraphs: spans, sentences: spans };
}

// The words of a text, as a stand-in for the analyzer's features.
const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]+/g));

// Only what span candidates read of the cache.
function fakeCache(): SentenceFeatureCache {
  const sentence = (article: Article, index: number) => words(article.text.slice(article.sentences[index]!.start, article.sentences[index]!.end));
  const cache = {
    get: sentence,
    paragraph: (article: Article, paragraph: number) => new Set(article.sentences.flatMap((s, i) => (s.paragraph === paragraph ? [...sentence(article, i)] : []))),
    article: (article: Article) => words(article.text),
    anchors: () => ({ number: [], date: [], person: [] }),
    givesReason: () => false,
  };
  return cache as unknown as SentenceFeatureCache;
}

function concept(word: string, entity = false): Concept {
  return { weight: 1, alternatives: new Map([[word, 1]]), phrase: false, entityKeys: entity ? new Set([word]) : undefined, glosses: new Set(), glossShare: 1 };
}

// "What does Wu Yongming's public cloud first mean?"
const question: WeightedQuestion = {
  concepts: [
    { concept: concept('wu', true), weight: 2 },
    { concept: concept('public'), weight: 1 },
    { concept: concept('first'), weight: 1 },
  ],
  total: 4,
  unknownShare: 0,
  kind: 'any',
};

function retrievedAll(article: Article): RetrievedChunk[] {
  return article.sentences.map((sentence, i): RetrievedChunk => {
    const chunk: Chunk = { id: `report:${i}`, articleId: article.id, paragraph: sentence.paragraph, sentenceIndexes: [i], start: sentence.start, end: sentence.end, text: article.text.slice(sentence.start, sentence.end) };
    return { chunk, article, fusedRank: i, vectorRank: i, lexicalRank: i, lexicalScore: 1 };
  });
}

function featuresOf(paragraphs: readonly string[], paragraph: number) {
  const article = report(paragraphs);
  const span = spanCandidates(question, 'en', retrievedAll(article), fakeCache()).find((c) => c.paragraph === paragraph);
  if (!span) throw new Error(`no span in paragraph ${paragraph}`);
  return span.features;
}

describe('span features', () => {
  it('finds the names of the question in the paragraph before the span’s, apart from its own paragraph', () => {
    expect(featuresOf(PARAGRAPHS, 2)).toMatchObject({ entitiesSpan: 0, entitiesParagraph: 0, entitiesNearby: 1 });
    expect(featuresOf(PARAGRAPHS, 1)).toMatchObject({ entitiesSpan: 1, entitiesParagraph: 1, entitiesNearby: 1 });
  });

  it('looks back one paragraph only', () => {
    expect(featuresOf(PARAGRAPHS, 3)).toMatchObject({ entitiesParagraph: 0, entitiesNearby: 0 });
    const unnamed = ['Someone set the cloud strategy.', ...PARAGRAPHS.slice(1)];
    expect(featuresOf(unnamed, 2)).toMatchObject({ entitiesParagraph: 0, entitiesNearby: 0 });
  });
});
