import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArticleText } from '../../src/corpus/load.js';
import { liveChunkIds } from '../../src/index/hnsw.js';
import type { ShardedGraph } from '../../src/index/sharded-graph.js';
import { indexFiles } from '../../src/index/manifest.js';
import { openIndex, refreshIndex } from '../../src/index/open.js';
import type { LoadedIndex } from '../../src/index/types.js';
import { openTether } from '../../src/tether.js';
import { BILINGUAL_FILES } from '../support/bilingual.js';
import { makeTmpProject, unfaithfulQuotes, type TmpProject } from '../support/corpus.js';
import { HARBOUR_FILES } from '../support/harbour.js';

const EXTRA_FILES: Record<string, string> = {
  'orchard.txt': 'The hillside orchard grows apples and pears. Its cider press was rebuilt in 2019 after a fire.\n\nPickers arrive every September from the nearby villages.\n',
  'railway-zh.txt': '山區鐵路於去年十月全線通車，全長八十公里。\n\n列車每天往返六次，票價為五十元。\n',
  'festival.txt': 'The lantern festival draws forty thousand visitors each winter. Volunteers hang paper lanterns along the canal.\n',
};

/** The corpus before the change: eight articles. */
const BEFORE: Record<string, string> = { ...BILINGUAL_FILES, ...HARBOUR_FILES, ...EXTRA_FILES };

const ADDED_NAME = 'observatory.txt';
const ADDED_TEXT = [
  'The mountain observatory installed a new telescope with a mirror four metres wide. Astronomers will study distant galaxies from it.',
  '天文台的新望遠鏡由一位年輕的工程師設計，耗資三億元。',
].join('\n\n');
const CHANGED_NAME = 'orchard.txt';
const CHANGED_TEXT = 'The hillside orchard grows apples, pears and quinces. Its cider press was rebuilt in 2021 after a flood.\n\nPickers arrive every October from the nearby villages.\n';
const REMOVED_NAME = 'festival.txt';

/** Questions whose lexical scores are compared (both languages, words of added, changed, kept and removed articles). */
const QUERIES = [
  'What did the observatory install?',
  '天文台的望遠鏡耗資多少？',
  'When was the cider press rebuilt?',
  'Who designed the new bridge?',
  'How many visitors does the lantern festival draw?',
  '港口重建計劃預計耗資多少？',
  'apples pears quinces telescope galaxies',
  '圖書館 藏書',
];

let updated: TmpProject;
let rebuilt: TmpProject;
let firstBuild: string[] = [];
let updateProgress: string[] = [];
let updatedIndex: LoadedIndex;
let rebuiltIndex: LoadedIndex;
const cleanup: TmpProject[] = [];

async function changeCorpus(corpusDir: string): Promise<void> {
  await fs.writeFile(path.join(corpusDir, ADDED_NAME), ADDED_TEXT, 'utf8');
  await fs.writeFile(path.join(corpusDir, CHANGED_NAME), CHANGED_TEXT, 'utf8');
  await fs.rm(path.join(corpusDir, REMOVED_NAME));
}

beforeAll(async () => {
  updated = await makeTmpProject('incremental', BEFORE);
  firstBuild = [];
  (await openIndex({ ...updated, onProgress: (m) => firstBuild.push(m) })).lexical.close();
  await changeCorpus(updated.corpusDir);
  updateProgress = [];
  updatedIndex = await openIndex({ ...updated, onProgress: (m) => updateProgress.push(m) });

  rebuilt = await makeTmpProject('incremental-full', BEFORE);
  await changeCorpus(rebuilt.corpusDir);
  rebuiltIndex = await openIndex({ ...rebuilt });
});

/**
 * Checks that an updated index's exact-search rows hold every live point of its graph, each as the
 * graph holds it: every point comes back from a search of them, at the distance the graph's
 * vector is from the query.
 */
async function expectRowsInStepWithGraph(index: LoadedIndex): Promise<void> {
  const graph = index.vectorStore.index as ShardedGraph;
  const labels = [...liveChunkIds(index.vectorStore).keys()].map(Number);
  expect(graph.rows?.size).toBe(labels.length);
  const cosineDistance = (a: number[], b: number[]) => {
    const dot = a.reduce((sum, x, j) => sum + x * b[j]!, 0);
    return 1 - dot / Math.sqrt(a.reduce((sum, x) => sum + x * x, 0) * b.reduce((sum, x) => sum + x * x, 0));
  };
  for (const query of QUERIES) {
    const vector = await index.vectorStore.embeddings.embedQuery(query);
    const { neighbors, distances } = graph.rows!.search(vector, labels.length);
    expect([...neighbors].sort((a, b) => a - b), query).toEqual(labels.sort((a, b) => a - b));
    neighbors.forEach((label, i) => expect(distances[i], `${query}: ${label}`).toBeCloseTo(cosineDistance(vector, graph.getPoint(label)), 5));
  }
}

afterAll(async () => {
  updatedIndex?.lexical.close();
  rebuiltIndex?.lexical.close();
  await Promise.all([updated?.remove(), rebuilt?.remove(), ...cleanup.map((project) => project.remove())]);
});

describe('an incremental update', () => {
  it('re-indexes only the changed articles, and says what it did', () => {
    expect(firstBuild.at(-1)).toMatch(/Index built/);
    expect(updateProgress[0]).toMatch(/corpus changed.*1 article added, 1 changed, 1 removed.*updating it/);
    expect(updateProgress.at(-1)).toMatch(/^Updated the index: 1 article added, 1 changed, 1 removed \(\d+ chunks? indexed, \d+ taken out\) in \d+\.\d s\.$/);
    expect(updateProgress.some((m) => /Index built/.test(m))).toBe(false);
    expect(updatedIndex.manifest.update).toMatchObject({ added: 1, changed: 1, removed: 1 });
  });

  it('holds the same chunks, manifest counts, lexicon and statistics as a full build of the same corpus', async () => {
    expect(updatedIndex.chunks.map((c) => c.id)).toEqual(rebuiltIndex.chunks.map((c) => c.id));
    const { builtAt: _a, update: _u, ...updatedManifest } = updatedIndex.manifest;
    const { builtAt: _b, ...rebuiltManifest } = rebuiltIndex.manifest;
    expect(updatedManifest).toEqual(rebuiltManifest);
    const [a, b] = [indexFiles(updated.indexDir), indexFiles(rebuilt.indexDir)];
    expect(await fs.readFile(a.lexicon, 'utf8')).toBe(await fs.readFile(b.lexicon, 'utf8'));
    expect(updatedIndex.analyzer.stats.documents).toBe(rebuiltIndex.analyzer.stats.documents);
    // Every feature of either corpus (the store is where the statistics are read from).
    const features = new Set([...rebuiltIndex.corpus.articles, ...updatedIndex.corpus.articles].flatMap((article) => article.sentences.flatMap((_, i) => rebuiltIndex.lexical.sentenceFeatures(article.id, i) ?? [])));
    // …and the removed article's, which neither holds any more.
    for (const feature of rebuiltIndex.analyzer.documentFeatures(EXTRA_FILES['festival.txt']!).keys()) features.add(feature);
    for (const feature of features) expect(updatedIndex.analyzer.stats.documentFrequency.get(feature), feature).toBe(rebuiltIndex.analyzer.stats.documentFrequency.get(feature));
    expect(updatedIndex.analyzer.stats.documentFrequency.startingWith('ph').sort()).toEqual(rebuiltIndex.analyzer.stats.documentFrequency.startingWith('ph').sort());
    const stored = JSON.parse(await fs.readFile(path.join(updated.indexDir, 'articles.json'), 'utf8')) as { articles: Array<{ id: string; text: string }> };
    expect(stored.articles.map((article) => article.id)).toEqual(rebuiltIndex.corpus.articles.map((article) => article.id));
  });

  it('scores every query with the same BM25 as a full build', () => {
    for (const query of QUERIES) {
      const features = rebuiltIndex.analyzer.queryFeatures(query);
      expect(updatedIndex.analyzer.queryFeatures(query), query).toEqual(features);
      const scores = (index: LoadedIndex) => new Map(index.lexical.query(features, 1000).map((hit) => [hit.id, hit.score]));
      const [mine, full] = [scores(updatedIndex), scores(rebuiltIndex)];
      expect([...mine.keys()].sort(), query).toEqual([...full.keys()].sort());
      expect(full.size, query).toBeGreaterThan(0);
      for (const [id, score] of full) expect(mine.get(id), `${query}: ${id}`).toBeCloseTo(score, 9);
    }
  });

  it('keeps the sentence features a full build stores', () => {
    for (const article of rebuiltIndex.corpus.articles) {
      article.sentences.forEach((_, index) => expect(updatedIndex.lexical.sentenceFeatures(article.id, index)).toEqual(rebuiltIndex.lexical.sentenceFeatures(article.id, index)));
    }
    expect(updatedIndex.lexical.sentenceFeatures('festival', 0)).toBeUndefined();
  });

  it('finds the new article’s chunks by vector, never the removed one’s, and every stored chunk is its file’s text by offset', async () => {
    const live = [...liveChunkIds(updatedIndex.vectorStore).keys()].map((label) => updatedIndex.vectorStore.docstore.search(label));
    expect(live).toHaveLength(updatedIndex.chunks.length);
    for (const document of live) {
      const text = await readArticleText(updated.root, String(document.metadata.source));
      expect(text.slice(Number(document.metadata.start), Number(document.metadata.end))).toBe(document.pageContent);
    }
    const added = updatedIndex.chunks.filter((chunk) => chunk.articleId === 'observatory');
    expect(added.length).toBeGreaterThan(0);
    for (const chunk of added) {
      const [best] = await updatedIndex.vectorStore.similaritySearch(chunk.text, 1);
      expect(best?.metadata.id).toBe(chunk.id);
    }
    for (const query of QUERIES) {
      const hits = await updatedIndex.vectorStore.similaritySearch(query, updatedIndex.chunks.length);
      expect(hits.length).toBe(updatedIndex.chunks.length);
      expect(hits.filter((hit) => hit.metadata.articleId === 'festival')).toEqual([]);
    }
    // The rows were made from the saved columns for the update, and saved again as columns.
    await expectRowsInStepWithGraph(updatedIndex);
  });

  it('answers with verbatim quotes, is up to date on the next open, and survives a second update that reuses freed labels', async () => {
    const tether = await openTether({ ...updated });
    const answer = await tether.ask('What did the observatory install?');
    expect(answer.found).toBe(true);
    expect(answer.quotes.some((quote) => quote.source.endsWith(ADDED_NAME))).toBe(true);
    expect(await unfaithfulQuotes(answer.quotes, updated.root)).toEqual([]);

    const again: string[] = [];
    (await openIndex({ ...updated, onProgress: (m) => again.push(m) })).lexical.close();
    expect(again).toEqual([]);

    // In a copy (the other tests read this project's files): two articles out (their labels freed),
    // one in: past a tenth dead, one label reused, the others left marked deleted.
    const copy = await makeTmpProject('incremental-second', {});
    cleanup.push(copy);
    await fs.cp(updated.corpusDir, copy.corpusDir, { recursive: true });
    await fs.cp(updated.indexDir, copy.indexDir, { recursive: true });
    await fs.rm(path.join(copy.corpusDir, 'storm.txt'));
    await fs.rm(path.join(copy.corpusDir, 'railway-zh.txt'));
    await fs.writeFile(path.join(copy.corpusDir, 'festival.txt'), EXTRA_FILES['festival.txt']!, 'utf8');
    const second: string[] = [];
    const index = await openIndex({ ...copy, onProgress: (m) => second.push(m) });
    expect(second.at(-1)).toMatch(/^Updated the index: 1 article added, 0 changed, 2 removed/);
    expect(liveChunkIds(index.vectorStore).size).toBe(index.chunks.length);
    expect(index.vectorStore.index.getCurrentCount()).toBeGreaterThan(index.chunks.length);
    const hits = await index.vectorStore.similaritySearch('lantern festival visitors', index.chunks.length);
    expect(hits.map((hit) => hit.metadata.articleId)).not.toContain('storm');
    expect(hits[0]?.metadata.articleId).toBe('festival');
    await expectRowsInStepWithGraph(index);
    index.lexical.close();
    const reopened: string[] = [];
    (await openIndex({ ...copy, onProgress: (m) => reopened.push(m) })).lexical.close();
    expect(reopened).toEqual([]);
  });
});

describe('a full rebuild instead', () => {
  let project: TmpProject;
  beforeAll(async () => {
    project = await makeTmpProject('incremental-rebuild', BEFORE);
    (await openIndex({ ...project })).lexical.close();
  });
  afterAll(() => project?.remove());

  it('happens when the index format or the built-in embedder changed, even if only articles changed', async () => {
    await changeCorpus(project.corpusDir);
    const manifestFile = indexFiles(project.indexDir).manifest;
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as { formatVersion: number; embedder: Record<string, unknown>; lexiconSources?: string };
    // An older version's manifest, without a field this version added: still told apart by its version, not called unreadable.
    const { lexiconSources: _added, ...older } = manifest;
    await fs.writeFile(manifestFile, JSON.stringify({ ...older, formatVersion: manifest.formatVersion - 1 }));
    const format: string[] = [];
    (await openIndex({ ...project, onProgress: (m) => format.push(m) })).lexical.close();
    expect(format[0]).toMatch(/another version of Tether: rebuilding/);
    expect(format.at(-1)).toMatch(/Index built/);

    await fs.writeFile(path.join(project.corpusDir, 'extra.txt'), 'A late article about the harbour ferry timetable.\n', 'utf8');
    const built = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as { embedder: { version: number } };
    await fs.writeFile(manifestFile, JSON.stringify({ ...built, embedder: { ...built.embedder, version: built.embedder.version - 1 } }));
    const embedder: string[] = [];
    (await openIndex({ ...project, onProgress: (m) => embedder.push(m) })).lexical.close();
    expect(embedder[0]).toMatch(/built-in embedder changed.*rebuilding/);
    expect(embedder.at(-1)).toMatch(/Index built/);
  });

  it('happens when the lexicon was made from other dictionaries (or by other code), even if only articles changed', async () => {
    const manifestFile = indexFiles(project.indexDir).manifest;
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as { lexiconSources: string };
    await fs.writeFile(manifestFile, JSON.stringify({ ...manifest, lexiconSources: `older ${manifest.lexiconSources}` }));
    await fs.writeFile(path.join(project.corpusDir, 'dictionaries.txt'), 'A late article about the harbour lighthouse keeper.\n', 'utf8');
    const progress: string[] = [];
    (await openIndex({ ...project, onProgress: (m) => progress.push(m) })).lexical.close();
    expect(progress[0]).toMatch(/updating it/);
    expect(progress.some((m) => /dictionaries, or the code that reads them, changed.*rebuilding/.test(m))).toBe(true);
    expect(progress.at(-1)).toMatch(/Index built/);
    const rebuilt = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as { lexiconSources: string; update?: unknown };
    expect(rebuilt.lexiconSources).toBe(manifest.lexiconSources);
    expect(rebuilt.update).toBeUndefined();
  });

  it('happens when this version reads text into features otherwise than the one that built it, even if only articles changed', async () => {
    const manifestFile = indexFiles(project.indexDir).manifest;
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as { reading: Record<string, string> };
    // A Chinese article is in the corpus: both languages' readings are recorded.
    expect(Object.keys(manifest.reading).sort()).toEqual(['en', 'zh']);
    await fs.writeFile(manifestFile, JSON.stringify({ ...manifest, reading: { ...manifest.reading, zh: 'read by older rules' } }));
    await fs.writeFile(path.join(project.corpusDir, 'reading.txt'), 'A late article about the harbour pilot boats.\n', 'utf8');
    const progress: string[] = [];
    (await openIndex({ ...project, onProgress: (m) => progress.push(m) })).lexical.close();
    expect(progress[0]).toMatch(/reads text into features otherwise.*rebuilding/);
    expect(progress.at(-1)).toMatch(/Index built/);
    const rebuilt = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as { reading: Record<string, string>; update?: unknown };
    expect(rebuilt.reading).toEqual(manifest.reading);
    expect(rebuilt.update).toBeUndefined();
  });

  /** Records in the manifest that `riverside-zh` was cut by older rules: its text is the same, its recorded cuts are not. */
  async function recordOlderCuts(): Promise<void> {
    const manifestFile = indexFiles(project.indexDir).manifest;
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as { corpus: { articles: Array<{ id: string; chunksHash: string }> } };
    const articles = manifest.corpus.articles.map((entry) => (entry.id === 'riverside-zh' ? { ...entry, chunksHash: 'older rules' } : entry));
    await fs.writeFile(manifestFile, JSON.stringify({ ...manifest, corpus: { ...manifest.corpus, articles } }));
  }

  /** What opening the index said, first and last. */
  async function openSaying(): Promise<string[]> {
    const progress: string[] = [];
    (await openIndex({ ...project, onProgress: (m) => progress.push(m) })).lexical.close();
    return [progress[0] ?? '', progress.at(-1) ?? ''];
  }

  it('happens when an unchanged article would be cut otherwise (new sentence or chunking rules), even if others changed', async () => {
    await recordOlderCuts();
    await fs.writeFile(path.join(project.corpusDir, 'late.txt'), 'A late article about the harbour fog horn.\n', 'utf8');
    const [first, last] = await openSaying();
    expect(first).toMatch(/chunking changed.*rebuilding/);
    expect(last).toMatch(/Index built/);
  });

  it('happens when the corpus is unchanged but an article would be cut otherwise, though its chunk ids stay', async () => {
    // Only the per-article record of sentence spans differs: the corpus hash and the chunk ids are as built.
    await recordOlderCuts();
    const [first, last] = await openSaying();
    expect(first).toMatch(/chunking changed.*rebuilding/);
    expect(last).toMatch(/Index built/);
  });

  it('is what `npm run build-index -- --full` asks for; without it, build-index updates or says the index is up to date', async () => {
    const full: string[] = [];
    (await refreshIndex({ ...project, full: true, onProgress: (m) => full.push(m) })).lexical.close();
    expect(full.at(-1)).toMatch(/Index built/);
    const current: string[] = [];
    (await refreshIndex({ ...project, onProgress: (m) => current.push(m) })).lexical.close();
    expect(current).toEqual([expect.stringMatching(/is up to date/)]);
    await fs.writeFile(path.join(project.corpusDir, 'another.txt'), 'Another late article, about the town hall clock.\n', 'utf8');
    const update: string[] = [];
    (await refreshIndex({ ...project, onProgress: (m) => update.push(m) })).lexical.close();
    expect(update.at(-1)).toMatch(/^Updated the index: 1 article added, 0 changed, 0 removed/);
  });
});
