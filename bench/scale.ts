import { Document } from '@langchain/core/documents';
import { LocalEmbeddings } from '../src/embeddings/local.js';
import { computeFeatureStats, NO_STATS, TextAnalyzer } from '../src/text/analyzer.js';
import { createVectorStore, documentsInMemory, HNSW_PARAMETERS, storeGraphs } from '../src/index/hnsw.js';
import type { Lexicon } from '../src/text/lexicon.js';
import { exactNearest, recallAtK, tieAwareRecallAtK, toSparseRows, type SparseRows } from './recall.js';
import { roundMs, summariseLatencies, type LatencySummary } from './stats.js';
import { createRandom, syntheticChunks, syntheticQueries, type SentencePool } from './synthetic.js';

/** Settings of one scale run. */
export interface ScaleRunOptions {
  /** Synthetic chunks to index. */
  chunks: number;
  pool: SentencePool;
  lexicon: Lexicon;
  /** Search breadth set after the build, as the app does after every load. */
  efSearch: number;
  /** Synthetic queries (added to `extraQueries`) for latency and recall. */
  queries: number;
  /** Real questions asked too (the dev set). */
  extraQueries?: string[];
  /** Times each query is searched for the latency figures. */
  rounds: number;
  k: number;
  /** ef values tried, in order, when recall stays below `recallTarget`; empty for none. */
  efSweep: number[];
  recallTarget: number;
  seed: number;
  onProgress?: (message: string) => void;
}

/** Latency and recall of the index at one search breadth. */
export interface EfPoint {
  ef: number;
  recallAt10: number;
  strictRecallAt10: number;
  search: LatencySummary;
}

/** What a scale run measured. */
export interface ScaleResult {
  chunks: number;
  queries: number;
  dimensions: number;
  /** Distinct features seen in the synthetic chunks, and the mean non-zero coordinates per vector. */
  features: number;
  meanNonZero: number;
  generateMs: number;
  /** Build = features + stats + vectors + HNSW insert (`createVectorStore`, as the index build). */
  buildMs: { total: number; features: number; stats: number; vectorise: number; hnswInsert: number };
  hnsw: { space: 'cosine'; m: number; efConstruction: number; efSearch: number; graphs: number };
  /** HNSW search through the vector store (`similaritySearchVectorWithScore`), query vector given. */
  search: LatencySummary;
  /** Embedding the query text (`embedQuery`). */
  embedQuery: LatencySummary;
  /** Tie-aware recall@k against the exact scan (a hit counts when as similar as the exact k-th). */
  recallAt10: number;
  /** Recall@k by ids only: ties at the k-th place count as misses. */
  strictRecallAt10: number;
  exactScanMs: number;
  /** Recall and latency at larger ef, tried when recall fell short. */
  efSweep: EfPoint[];
  heapUsedMb: number;
}

interface QueryVector {
  vector: number[];
}

/**
 * Builds an HNSW index over `chunks` synthetic chunks the way `buildIndex` does (built-in embedder
 * with feature statistics of these chunks, LangChain HNSWLib `addVectors`, then `setEf`), and
 * measures build time, search latency and recall@k against an exact cosine scan.
 */
export async function runScale(options: ScaleRunOptions): Promise<ScaleResult> {
  const progress = options.onProgress ?? (() => {});
  const random = createRandom(options.seed);

  let startedAt = performance.now();
  const texts = syntheticChunks(options.pool, options.chunks, random);
  const queryTexts = [...(options.extraQueries ?? []), ...syntheticQueries(options.pool, options.queries, random)];
  const generateMs = performance.now() - startedAt;

  const buildStartedAt = performance.now();
  const reader = new TextAnalyzer({ lexicon: options.lexicon, stats: NO_STATS });
  const bags = texts.map((text) => reader.documentFeatures(text));
  const featuresMs = performance.now() - buildStartedAt;

  startedAt = performance.now();
  const stats = computeFeatureStats(bags);
  const embedder = new LocalEmbeddings({ analyzer: new TextAnalyzer({ lexicon: options.lexicon, stats }) });
  const statsMs = performance.now() - startedAt;

  startedAt = performance.now();
  const vectors = bags.map((bag) => embedder.vectorise(bag));
  const vectoriseMs = performance.now() - startedAt;
  bags.length = 0;

  progress(`  ${options.chunks} chunks: inserting into HNSW…`);
  startedAt = performance.now();
  const { store } = await createVectorStore(
    embedder,
    documentsInMemory(texts.map((text, row) => new Document({ pageContent: text, metadata: { id: String(row), row } }))),
    async (batch) => batch.map((document) => vectors[Number(document.metadata.row)]!),
  );
  store.index.setEf(options.efSearch);
  const insertMs = performance.now() - startedAt;
  const buildMs = performance.now() - buildStartedAt;

  const rows = toSparseRows(vectors);
  vectors.length = 0;

  // Queries whose features the corpus never saw embed to the zero vector: no neighbours to find.
  const embedTimes: number[] = [];
  const queries: QueryVector[] = [];
  for (const text of queryTexts) {
    const embedStartedAt = performance.now();
    const vector = await embedder.embedQuery(text);
    embedTimes.push(performance.now() - embedStartedAt);
    if (vector.some((x) => x !== 0)) queries.push({ vector });
  }

  progress(`  ${options.chunks} chunks: exact scan for ${queries.length} queries…`);
  startedAt = performance.now();
  const exact = queries.map((query) => exactNearest(rows, query.vector, options.k));
  const exactScanMs = performance.now() - startedAt;

  const measure = async (ef: number): Promise<EfPoint> => {
    store.index.setEf(ef);
    for (const query of queries.slice(0, 20)) await store.similaritySearchVectorWithScore(query.vector, options.k);
    const times: number[] = [];
    let recall = 0;
    let strictRecall = 0;
    for (let round = 0; round < options.rounds; round += 1) {
      for (const [i, query] of queries.entries()) {
        const searchStartedAt = performance.now();
        const hits = await store.similaritySearchVectorWithScore(query.vector, options.k);
        times.push(performance.now() - searchStartedAt);
        if (round > 0) continue;
        const ids = hits.map(([document]) => Number(document.metadata.row));
        const similarities = hits.map(([, distance]) => 1 - distance);
        recall += tieAwareRecallAtK(similarities, exact[i]!, options.k);
        strictRecall += recallAtK(ids, exact[i]!, options.k);
      }
    }
    return {
      ef,
      recallAt10: round4(recall / Math.max(1, queries.length)),
      strictRecallAt10: round4(strictRecall / Math.max(1, queries.length)),
      search: summariseLatencies(times),
    };
  };

  progress(`  ${options.chunks} chunks: searching (ef ${options.efSearch})…`);
  const atDefault = await measure(options.efSearch);
  const efSweep: EfPoint[] = [];
  if (atDefault.recallAt10 < options.recallTarget) {
    for (const ef of options.efSweep.filter((value) => value > options.efSearch)) {
      const point = await measure(ef);
      efSweep.push(point);
      progress(`  ${options.chunks} chunks: ef ${ef} → recall@${options.k} ${point.recallAt10}, p99 ${point.search.p99} ms`);
      if (point.recallAt10 >= options.recallTarget) break;
    }
  }
  store.index.setEf(options.efSearch);

  return {
    chunks: options.chunks,
    queries: queries.length,
    dimensions: embedder.dimensions,
    features: stats.documentFrequency.size,
    meanNonZero: Math.round((rows.indices.length / Math.max(1, rows.offsets.length - 1)) * 10) / 10,
    generateMs: roundMs(generateMs),
    buildMs: { total: roundMs(buildMs), features: roundMs(featuresMs), stats: roundMs(statsMs), vectorise: roundMs(vectoriseMs), hnswInsert: roundMs(insertMs) },
    hnsw: { space: 'cosine', m: HNSW_PARAMETERS.M, efConstruction: HNSW_PARAMETERS.efConstruction, efSearch: options.efSearch, graphs: storeGraphs(store).length },
    search: atDefault.search,
    embedQuery: summariseLatencies(embedTimes),
    recallAt10: atDefault.recallAt10,
    strictRecallAt10: atDefault.strictRecallAt10,
    exactScanMs: roundMs(exactScanMs),
    efSweep,
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export type { SparseRows };
