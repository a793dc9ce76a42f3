import { describe, expect, it } from 'vitest';
import type { Article, Chunk } from '../../src/corpus/types.js';
import type { WeightedQuestion } from '../../src/ranking/question.js';
import { anchorsOf, leadingSubject, type SentenceFeatureCache } from '../../src/ranking/sentences.js';
import { spanCandidates } from '../../src/ranking/spans.js';
import type { RetrievedChunk } from '../../src/retrieval/candidates.js';
import type { Concept } from '../../src/text/features.js';

// One sentence per paragraph: a report names its subject once, then goes on about it.
const PARAGRAPHS = ['Wu Yongming set the cloud strategy.', 'Public cloud first means profit over revenue.', 'Revenue grew two percent.'];

// A paragraph's sentences are split at ". " here.
function report(paragraphs: readonly string[]): Article {
  const text = paragraphs.join('\n');
  const paragraphSpans = paragraphs.map((paragraph, i) => {
    const start = text.indexOf(paragraph);
    return { start, end: start + paragraph.length, paragraph: i + 1 };
  });
  const sentences = paragraphSpans.flatMap(({ start, paragraph }) => {
    const parts = paragraphs[paragraph - 1]!.split(/(?<=\.) /);
    return parts.map((part) => {
      const at = text.indexOf(part, start);
      return { start: at, end: at + part.length, paragraph };
    });
  });
  return { id: 'report', source: 'corpus/report.txt', text, meta: { lang: 'en', title: 'Report' } as Article['meta'], paragraphs: paragraphSpans, sentences };
}

// The words of a text, as a stand-in for the analyzer's features.
const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]+/g));

// Only what span candidates read of the cache.
function fakeCache(): SentenceFeatureCache {
  const text = (article: Article, index: number) => article.text.slice(article.sentences[index]!.start, article.sentences[index]!.end);
  const sentence = (article: Article, index: number) => words(text(article, index));
  const cache = {
    get: sentence,
    paragraph: (article: Article, paragraph: number) => new Set(article.sentences.flatMap((s, i) => (s.paragraph === paragraph ? [...sentence(article, i)] : []))),
    leadSubject: (article: Article, paragraph: number) => words(leadingSubject(text(article, article.sentences.findIndex((s) => s.paragraph === paragraph)))),
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

function featuresOf(paragraphs: readonly string[], paragraph: number, sentenceOfParagraph = 0) {
  const article = report(paragraphs);
  const first = article.sentences.findIndex((sentence) => sentence.paragraph === paragraph);
  const span = spanCandidates(question, 'en', retrievedAll(article), fakeCache()).find((c) => c.sentenceIndexes.join() === String(first + sentenceOfParagraph));
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

  it('reads a sentence with the subject its paragraph opens with', () => {
    const paragraphs = ['Wu Yongming, the group CEO, runs the cloud too. He put public cloud first.'];
    // "He put public cloud first." meets public and first itself, and Wu where the paragraph opens.
    expect(featuresOf(paragraphs, 1, 1)).toMatchObject({ coverage: 0.5, leadCoverage: 1 });
    expect(featuresOf(paragraphs, 1, 0)).toMatchObject({ coverage: 0.5, leadCoverage: 0.5 });
    // The rest of the first sentence is not its subject.
    const late = ['The group CEO, Wu Yongming, runs the cloud too. He put public cloud first.'];
    expect(featuresOf(late, 1, 1)).toMatchObject({ coverage: 0.5, leadCoverage: 0.5 });
  });

  it('weighs each word of the question by how few candidate sentences say it', () => {
    // wu and public are in two of the three sentences (each weighs a third), first in one (two thirds).
    const paragraphs = ['Wu Yongming runs the public cloud.', 'Wu Yongming spoke on the public cloud.', 'Putting profit first was the rule.'];
    expect(featuresOf(paragraphs, 1)).toMatchObject({ coverage: 0.75 });
    expect(featuresOf(paragraphs, 1).distinctiveCoverage).toBeCloseTo((2 / 3 + 1 / 3) / (2 / 3 + 1 / 3 + 2 / 3));
    expect(featuresOf(paragraphs, 3)).toMatchObject({ coverage: 0.25 });
    expect(featuresOf(paragraphs, 3).distinctiveCoverage).toBeCloseTo(2 / 3 / (5 / 3));
    // A word every sentence says still counts, for a twentieth of its weight.
    const everywhere = ['Wu Yongming runs the public cloud.', 'Wu Yongming put the public cloud first.'];
    expect(featuresOf(everywhere, 2).distinctiveCoverage).toBe(1);
    expect(featuresOf(everywhere, 1).distinctiveCoverage).toBeCloseTo((2 * 0.05 + 0.05) / (2 * 0.05 + 0.05 + 0.5));
    // Across languages words are met through glosses: the feature is left to spans in the question's language.
    const across = spanCandidates(question, 'zh-Hans', retrievedAll(report(paragraphs)), fakeCache());
    expect(across.map((span) => span.features.distinctiveCoverage)).toEqual(across.map(() => 0));
    expect(across.some((span) => span.features.coverage > 0)).toBe(true);
  });

  it('marks a span of a chunk kept only through its paragraph', () => {
    const article = report(PARAGRAPHS);
    const retrieved = retrievedAll(article).map((chunk, i) => (i === 1 ? { ...chunk, vectorRank: undefined, lexicalRank: undefined, viaParagraph: true } : chunk));
    const spans = spanCandidates(question, 'en', retrieved, fakeCache());
    const viaParagraph = (sentence: number) => spans.find((span) => span.sentenceIndexes.join() === String(sentence))?.features.viaParagraph;
    expect([viaParagraph(0), viaParagraph(1), viaParagraph(2)]).toEqual([0, 1, 0]);
  });
});

describe('leadingSubject', () => {
  it('is what a sentence opens with, up to a clause break, a bracket or a copula', () => {
    expect(leadingSubject('黑边天竺鲷，俗名大目侧仔，为辐鳍鱼纲鲈形目的一种。')).toBe('黑边天竺鲷');
    expect(leadingSubject('溪银汉鱼为银汉鱼科的其中一种。')).toBe('溪银汉鱼');
    expect(leadingSubject('鑫诺卫星通信有限公司（简称鑫诺卫星公司）成立于1994年。')).toBe('鑫诺卫星通信有限公司');
    expect(leadingSubject('Super Bowl 50 was an American football game.')).toBe('Super Bowl 50');
    expect(leadingSubject('However, some people close to Alibaba Cloud commented.')).toBe('However');
  });

  it('is nothing when the sentence runs on past forty characters without a break', () => {
    expect(leadingSubject('The top management change is more or less transmitted to the business level.')).toBe('The top management change');
    expect(leadingSubject('Probably no year in the history of this company saw as much turmoil as last year did.')).toBe('');
  });
});

describe('what a span brings', () => {
  // "阿里云国际业务现在谁在管?" ("who runs Alibaba Cloud's international business now?"): 阿里 read as its gloss "alibaba".
  const whoRuns: WeightedQuestion = { concepts: [{ concept: concept('alibaba'), weight: 1 }, { concept: concept('intern'), weight: 2 }], total: 3, unknownShare: 0, kind: 'person' };
  const broughtBy = (person: string[]) => {
    const article = report(['The new international business department of Alibaba was set up.']);
    const cache = Object.assign(fakeCache(), { anchors: () => ({ number: [], date: [], person }) });
    return spanCandidates(whoRuns, 'zh-Hans', retrievedAll(article), cache)[0]!.features;
  };

  it('brings no one new where its only name is one the question says in the other script', () => {
    expect(broughtBy(['py:alibaba'])).toMatchObject({ answersKind: 0 });
    expect(broughtBy(['py:alibaba', 'py:wuyongming'])).toMatchObject({ answersKind: 1, newName: 1 });
  });

  it('answers "who" with a name the question does not give, an English one by its capitals', () => {
    const brought = (sentence: string) => spanCandidates(whoRuns, 'zh-Hans', retrievedAll(report([sentence])), fakeCache())[0]!.features;
    expect(brought('The unit is now run by Kony Ealy.')).toMatchObject({ asksPerson: 1, answersKind: 1, newName: 1 });
    expect(brought('The unit is now run by the group of Alibaba.')).toMatchObject({ asksPerson: 1, answersKind: 0, newName: 0 });
  });

  it('answers "where" with a name the question does not give, as "who": py: keys are any proper noun\'s (北京, 张勇)', () => {
    const whereRuns: WeightedQuestion = { ...whoRuns, kind: 'place' };
    const brought = (person: string[], sentence: string) => {
      const cache = Object.assign(fakeCache(), { anchors: () => ({ number: [], date: [], person }) });
      return spanCandidates(whereRuns, 'en', retrievedAll(report([sentence])), cache)[0]!.features;
    };
    expect(brought(['py:hangzhou'], 'The business is run from there.')).toMatchObject({ asksPlace: 1, asksPerson: 0, answersKind: 1 });
    expect(brought([], 'The business is run from offices in Hangzhou.')).toMatchObject({ asksPlace: 1, answersKind: 1 });
    expect(brought(['py:alibaba'], 'The business is run from there.')).toMatchObject({ asksPlace: 1, answersKind: 0 });
  });
});

describe('anchorsOf', () => {
  it('counts figures, not the number of an ordinal', () => {
    // 第一站 gives o:1 and n:1; 3亿 beside it is still a figure, and so is a round quantity.
    expect(anchorsOf(new Set(['o:1', 'n:1'])).number).toEqual([]);
    expect(anchorsOf(new Set(['o:1', 'n:1', 'n:300000000', 'n:~2', 'p:15.9'])).number).toEqual(['n:300000000', 'n:~2', 'p:15.9']);
    expect(anchorsOf(new Set(['y:2023', 'd:11-12', 'py:wuyongming'])).number).toEqual([]);
  });
});
