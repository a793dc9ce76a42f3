import fs from 'node:fs/promises';
import { chunkArticle, DEFAULT_CHUNKING } from '../corpus/chunk.js';
import type { Corpus } from '../corpus/load.js';
import type { Article, Chunk } from '../corpus/types.js';
import { LocalEmbeddings } from '../embeddings/local.js';
import { updateSemanticFile, type SemanticSources } from '../semantic/index.js';
import { NO_STATS, TextAnalyzer } from '../text/analyzer.js';
import type { FeatureBag } from '../text/features.js';
import { decodeLexicon, reviseLexicon } from '../text/lexicon.js';
import { LexiconBinder, loadLexiconSources, parseCorpusKeys, serialiseCorpusKeys, type LexiconSources } from './build-lexicon.js';
import { chunkBag, chunkCorpus, chunkDocument, chunkDocumentsOf, chunkEmbedder, chunksByArticle, derivationOf } from './build.js';
import { graphSettings, liveChunkIds, loadVectorStore, saveVectorStore, storeGraphs, updateVectorStore } from './hnsw.js';
import { LexicalIndex } from './lexical.js';
import { sentenceFeatureText, type StoredChunk, type StoredSentence } from './lexical-store/format.js';
import { articleFromStored, cutOtherwise, hashArticle, hashChunkIds, indexFiles, manifestArticle, readStoredArticles, writeStoredArticles, type Manifest } from './manifest.js';
import { readingFingerprints, readingLanguage } from './reading.js';
import type { ExternalEmbeddings, LoadedIndex } from './types.js';

/** Why an index is rebuilt when its articles would be cut otherwise. */
export const CHUNKING_CHANGED = 'The chunking changed since the index was built: rebuilding it.';

/** Which articles differ between an index and its corpus. */
export interface ArticleChanges {
  /** Articles of the corpus the index lacks. */
  added: Article[];
  /** Articles of the corpus whose text, source or metadata changed. */
  changed: Article[];
  /** Ids of indexed articles the corpus no longer has. */
  removed: string[];
}

/**
 * An update re-indexes at most this share of a corpus's articles: past it a full build costs about
 * the same, and the approximations of an update (older chunks' vector weights, the semantic tables'
 * principal component) would cover too much of the index.
 */
export const MAX_UPDATE_SHARE = 0.5;

/**
 * The articles that changed between an index (its manifest) and a corpus chunked as `chunks`, or why
 * only a full build will do. The caller has checked everything else (format, embedder, chunking
 * settings); here every unchanged article must be cut into the chunks and sentences it was indexed
 * with, which catches a change to the sentence or chunking rules.
 */
export function planIndexUpdate(manifest: Manifest, corpus: Corpus, chunks: readonly Chunk[]): { changes: ArticleChanges } | { reason: string } {
  const indexed = new Map(manifest.corpus.articles.map((entry) => [entry.id, entry]));
  const chunksOf = chunksByArticle(chunks);
  const changes: ArticleChanges = { added: [], changed: [], removed: [] };
  for (const article of corpus.articles) {
    const entry = indexed.get(article.id);
    if (!entry) changes.added.push(article);
    else if (entry.hash !== hashArticle(article)) changes.changed.push(article);
  }
  const changed = new Set(changes.changed);
  if (cutOtherwise(manifest, corpus.articles.filter((article) => !changed.has(article)), chunksOf)) return { reason: CHUNKING_CHANGED };
  const present = new Set(corpus.articles.map((article) => article.id));
  changes.removed = manifest.corpus.articles.filter((entry) => !present.has(entry.id)).map((entry) => entry.id);
  const touched = changes.added.length + changes.changed.length + changes.removed.length;
  if (touched > Math.max(1, MAX_UPDATE_SHARE * Math.max(corpus.articles.length, manifest.corpus.articles.length))) {
    return { reason: `The corpus changed since the index was built (${describeChanges(changes)}): rebuilding it.` };
  }
  return { changes };
}

/** "1 article added, 0 changed, 2 removed". */
export function describeChanges(changes: ArticleChanges): string {
  const added = changes.added.length;
  return `${added} article${added === 1 ? '' : 's'} added, ${changes.changed.length} changed, ${changes.removed.length} removed`;
}

/** "1 chunk", "3 chunks". */
function chunkCount(count: number): string {
  return `${count} chunk${count === 1 ? '' : 's'}`;
}

/** Options for `updateIndex`. */
export interface UpdateIndexOptions {
  /** A complete index of an earlier corpus, updated in place (`updateIndexInPlace` passes a copy). */
  indexDir: string;
  manifest: Manifest;
  corpus: Corpus;
  changes: ArticleChanges;
  /** The corpus's chunks, when already cut (`chunkCorpus`). */
  chunks?: Chunk[];
  embeddings?: ExternalEmbeddings;
  semanticSources?: SemanticSources | null;
  lexiconSources?: LexiconSources;
  onProgress?: (message: string) => void;
  /** When the update began (`Date.now()`), if before this call: the time reported covers copying the index too. */
  startedAt?: number;
}

/**
 * Re-indexes only the changed articles of an index: their chunks leave and enter the HNSW store
 * (labels reused, leftovers marked deleted) and the lexical store (postings of their terms
 * rewritten, so BM25 and the feature statistics the analyzer reads from it are exactly a full
 * build's), the lexicon is revised from the corpus's keys (counts, updated by the changed texts
 * only) and the cached sources: only the words whose glosses change are written again, and the
 * result is a full build's lexicon byte for byte. The semantic tables keep unchanged articles'
 * sentence vectors. Approximations a full build (`npm run build-index -- --full`) removes: the
 * vectors of unchanged chunks keep the weights of the statistics they were embedded with, and the
 * semantic tables keep their principal component. The manifest is removed first and written last,
 * so an interrupted update is never taken for a complete index.
 */
export async function updateIndex(options: UpdateIndexOptions): Promise<LoadedIndex> {
  const { indexDir, manifest, corpus, changes } = options;
  const progress = options.onProgress ?? (() => {});
  const startedAt = options.startedAt ?? Date.now();
  const files = indexFiles(indexDir);
  await fs.rm(files.manifest, { force: true });

  // The old texts of removed and changed articles, chunked as they were indexed.
  const gone = new Set([...changes.removed, ...changes.changed.map((article) => article.id)]);
  const indexed = new Map(manifest.corpus.articles.map((entry) => [entry.id, entry]));
  const oldArticles: Article[] = [];
  // Only removed and changed articles are read back (an article added reads nothing).
  for (const stored of gone.size > 0 ? await readStoredArticles(indexDir) : []) {
    if (!gone.has(stored.id)) continue;
    const article = articleFromStored(stored);
    if (!article || hashArticle(article) !== indexed.get(stored.id)?.hash) throw new Error(`articles.json does not hold ${stored.id} as indexed`);
    oldArticles.push(article);
  }
  if (oldArticles.length !== gone.size) throw new Error('articles.json lacks an indexed article');
  const oldChunks = oldArticles.map((article) => {
    const chunks = chunkArticle(article, DEFAULT_CHUNKING);
    if (manifestArticle(article, chunks).chunksHash !== indexed.get(article.id)?.chunksHash) throw new Error(`the chunks of ${article.id} changed since it was indexed`);
    return { article, chunks };
  });
  const fresh = [...changes.added, ...changes.changed];

  // The lexicon of the new corpus, exactly as a build makes it: only the changed texts are read,
  // only the words whose glosses they change are written again.
  const sources = options.lexiconSources ?? (await loadLexiconSources());
  // Revised with other dictionaries (or other code reading them), the lexicon would hold words of both.
  if (sources.identity !== manifest.lexiconSources) throw new Error('the dictionaries, or the code that reads them, changed since the index was built');
  const binder = new LexiconBinder(sources);
  const lexiconKeys = parseCorpusKeys(await fs.readFile(files.lexiconKeys, 'utf8'));
  for (const { article } of oldChunks) binder.count(lexiconKeys, article.text, -1);
  for (const article of fresh) binder.count(lexiconKeys, article.text, 1);
  const encoded = reviseLexicon(await fs.readFile(files.lexicon, 'utf8'), binder.revise(lexiconKeys));
  await fs.writeFile(files.lexicon, encoded);
  await fs.writeFile(files.lexiconKeys, serialiseCorpusKeys(lexiconKeys));
  // Read as an open reads it (nothing parsed up front), not indexed whole as a build's is.
  const lexicon = decodeLexicon(encoded);

  const semantic = manifest.semantic
    ? await updateSemanticFile({ articles: corpus.articles, file: files.semantic, sources: options.semanticSources, unchanged: unchangedIds(corpus, gone), onProgress: progress })
    : undefined;
  if (manifest.semantic && !semantic) await fs.rm(files.semantic, { force: true });

  // Removed chunks as stored: a chunk's features are its sentences' (their weights do not matter to take it out).
  const oldLexical = LexicalIndex.open(files.lexical);
  const removedChunks: StoredChunk[] = [];
  try {
    for (const { article, chunks } of oldChunks) {
      const sentenceKeys = article.sentences.map((_, index) => oldLexical.sentenceFeatures(article.id, index));
      for (const chunk of chunks) {
        const features: FeatureBag = new Map();
        for (const index of chunk.sentenceIndexes) {
          const keys = sentenceKeys[index];
          if (!keys) throw new Error(`the lexical store lacks sentence ${index} of ${article.id}`);
          for (const key of keys) features.set(key, 1);
        }
        removedChunks.push({ id: chunk.id, features });
      }
    }
  } finally {
    oldLexical.close();
  }

  // New chunks read as a build reads them.
  const reader = new TextAnalyzer({ lexicon, stats: NO_STATS });
  const addedChunks: Array<StoredChunk & { chunk: Chunk }> = [];
  const addedSentences: StoredSentence[] = [];
  const freshChunks = new Map<string, Chunk[]>();
  for (const article of fresh) {
    const sentenceBags = article.sentences.map((sentence) => reader.documentFeatures(article.text.slice(sentence.start, sentence.end)));
    const chunks = chunkArticle(article, DEFAULT_CHUNKING);
    freshChunks.set(article.id, chunks);
    for (const chunk of chunks) addedChunks.push({ id: chunk.id, features: chunkBag(chunk, sentenceBags), chunk });
    sentenceBags.forEach((bag, index) => addedSentences.push({ articleId: article.id, index, features: sentenceFeatureText(bag.keys()) }));
  }

  // The statistics are the lexical store's (document count, each feature's document frequency, as the
  // open reads them): updated with it, exactly a full build's.
  const { index: lexical, termsAdded, termsRemoved } = LexicalIndex.update(files.lexical, {
    removedChunks,
    removedArticles: gone,
    addedChunks,
    addedSentences,
    addedDerivations: fresh.flatMap((article) => derivationOf(corpus, article, freshChunks.get(article.id) ?? [])),
  });
  const analyzer = new TextAnalyzer({ lexicon, stats: lexical.featureStats(), vocabulary: () => semantic?.embedder });
  const embedder = new LocalEmbeddings({ analyzer });

  const sourceOf = new Map(fresh.map((article) => [article.id, article.source]));
  const documents = addedChunks.map(({ chunk }) => chunkDocument(chunk, sourceOf.get(chunk.articleId)!));
  const bagOf = new Map(addedChunks.map(({ id, features }) => [id, features]));
  const vectors = addedChunks.length > 0 ? await chunkEmbedder(options.embeddings, embedder, (id) => bagOf.get(id)!, addedChunks.length, progress)(documents) : [];
  const chunks = options.chunks ?? chunkCorpus(corpus);
  const vectorStore = await loadVectorStore(indexDir, options.embeddings?.embeddings ?? embedder, chunkDocumentsOf(corpus, chunks));
  updateVectorStore(vectorStore, new Set(removedChunks.map((chunk) => chunk.id)), vectors, documents);
  await saveVectorStore(vectorStore, indexDir);

  await writeStoredArticles(indexDir, corpus.articles);

  const chunksOf = chunksByArticle(chunks);
  if (chunks.length !== liveChunkIds(vectorStore).size || chunks.length !== lexical.size) {
    throw new Error(`updated index disagrees with the corpus: ${chunks.length} chunks, ${liveChunkIds(vectorStore).size} vectors, ${lexical.size} lexical`);
  }
  const updated: Manifest = {
    ...manifest,
    builtAt: new Date().toISOString(),
    corpus: {
      hash: corpus.hash,
      articles: corpus.articles.map((article) => (gone.has(article.id) || !indexed.has(article.id) ? manifestArticle(article, chunksOf.get(article.id) ?? []) : indexed.get(article.id)!)),
    },
    chunksHash: hashChunkIds(chunks.map((chunk) => chunk.id)),
    hnsw: graphSettings(vectorStore.index.getCurrentCount(), storeGraphs(vectorStore).length),
    // The languages it held were read as now (or it would have been rebuilt); a new one is read now.
    reading: readingFingerprints(corpus.articles.map((article) => readingLanguage(article.meta.lang))),
    counts: {
      articles: corpus.articles.length,
      chunks: chunks.length,
      sentences: corpus.articles.reduce((sum, article) => sum + article.sentences.length, 0),
      // A feature is one term of the store (no feature holds a space).
      features: manifest.counts.features + termsAdded - termsRemoved,
      lexiconWords: lexicon.size,
    },
    update: { added: changes.added.length, changed: changes.changed.length, removed: changes.removed.length, chunks: addedChunks.length },
  };
  if (semantic) updated.semantic = semantic.identity;
  else delete updated.semantic;
  await fs.writeFile(files.manifest, `${JSON.stringify(updated, null, 2)}\n`);
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  progress(`Updated the index: ${describeChanges(changes)} (${chunkCount(addedChunks.length)} indexed, ${removedChunks.length} taken out) in ${seconds} s.`);
  return { corpus, chunks, analyzer, vectorStore, lexical, manifest: updated, ...(semantic ? { semantic: semantic.embedder } : {}) };
}

function unchangedIds(corpus: Corpus, gone: ReadonlySet<string>): Set<string> {
  return new Set(corpus.articles.map((article) => article.id).filter((id) => !gone.has(id)));
}
