import fs from 'node:fs/promises';
import { Document } from '@langchain/core/documents';
import { chunkArticle, chunkRanges, chunksFromRanges, DEFAULT_CHUNKING } from '../corpus/chunk.js';
import type { Corpus } from '../corpus/load.js';
import type { Article, Chunk } from '../corpus/types.js';
import { LocalEmbeddings } from '../embeddings/local.js';
import { NO_STATS, TextAnalyzer, type EnglishVocabulary } from '../text/analyzer.js';
import type { FeatureBag } from '../text/features.js';
import { LexicalIndex } from './lexical.js';
import { sentenceFeatureText, type StoredChunk, type StoredDerivation } from './lexical-store/format.js';
import { LexicalStoreWriter } from './lexical-store/write.js';
import { FeatureBagTable } from './feature-bags.js';
import type { SemanticSources } from '../semantic/index.js';
import { readingFingerprints, readingLanguage } from './reading.js';
import { buildSemanticFileAside, sentenceFeaturesAside } from './workers.js';
import { lexiconFromFile, saveLexicon } from '../text/lexicon.js';
import { emptyCorpusKeys, LexiconBinder, loadLexiconSources, serialiseCorpusKeys, type LexiconSources } from './build-lexicon.js';
import { createVectorStore, graphSettings, saveVectorStore } from './hnsw.js';
import { hashChunkIds, INDEX_FORMAT_VERSION, indexFiles, manifestArticle, writeStoredArticles, type Manifest } from './manifest.js';
import type { ExternalEmbeddings, LoadedIndex } from './types.js';

/** Below this many sentences, a corpus's features are read on the build's thread alone: a worker takes longer to start (~0.3 s). */
export const FEATURES_WORKER_MIN_SENTENCES = 2_000;

/** Whether the features worker reads the article at `position` (of the articles in key order): two in every three. */
function readAside(position: number): boolean {
  return position % 3 !== 0;
}

/** Options for building an index. */
export interface BuildIndexOptions {
  corpus: Corpus;
  indexDir: string;
  /** An embedder other than the built-in one (e.g. an OpenAI-compatible endpoint). */
  embeddings?: ExternalEmbeddings;
  /** Word vectors for the semantic similarity: by default the packaged ones (cached); null for none. */
  semanticSources?: SemanticSources | null;
  /** CC-CEDICT and WordNet as already read (`readLexiconSources`), to build many indexes with one reading; by default read here. */
  lexiconSources?: LexiconSources;
  onProgress?: (message: string) => void;
}

/** The next article's sentence features from the worker; its end before then is an error. */
async function nextFrom(aside: AsyncGenerator<FeatureBag[]>, articleId: string): Promise<FeatureBag[]> {
  const next = await aside.next();
  if (next.done) throw new Error(`the features worker ended before ${articleId}`);
  return next.value;
}

/** Chunks all articles of a corpus, in order: as the index derived them where it was read with them, else by the rules. */
export function chunkCorpus(corpus: Corpus): Chunk[] {
  return corpus.articles.flatMap((article) => {
    const ranges = corpus.readings.get(article.id)?.chunks;
    return (ranges && chunksFromRanges(article, ranges)) ?? chunkArticle(article, DEFAULT_CHUNKING);
  });
}

/** The LangChain Document of a chunk: its text plus the citation fields. */
export function chunkDocument(chunk: Chunk, source: string): Document {
  return new Document({
    pageContent: chunk.text,
    metadata: { id: chunk.id, articleId: chunk.articleId, source, paragraph: chunk.paragraph, start: chunk.start, end: chunk.end },
  });
}

/** The Document of a corpus's chunk by id, made when asked: the vector store's docstore reads them so. */
export function chunkDocumentsOf(corpus: Corpus, chunks: readonly Chunk[]): (chunkId: string) => Document | undefined {
  const byId = new Map(chunks.map((chunk) => [chunk.id, chunk]));
  const sourceOf = new Map(corpus.articles.map((article) => [article.id, article.source]));
  return (id) => {
    const chunk = byId.get(id);
    return chunk && chunkDocument(chunk, sourceOf.get(chunk.articleId) ?? '');
  };
}

/**
 * Builds the index of a corpus into `indexDir`: chunks, the CC-CEDICT lexicon, feature statistics,
 * the HNSW vector store (LangChain's HNSWLib) and the lexical index, then the manifest, written
 * last so an interrupted build is never mistaken for a complete one.
 */
export async function buildIndex(options: BuildIndexOptions): Promise<LoadedIndex> {
  const { corpus, indexDir } = options;
  const progress = options.onProgress ?? (() => {});
  const files = indexFiles(indexDir);
  const startedAt = Date.now();

  await fs.mkdir(indexDir, { recursive: true });
  await fs.rm(files.manifest, { force: true });

  const chunks = chunkCorpus(corpus);
  const sentences = corpus.articles.reduce((sum, article) => sum + article.sentences.length, 0);
  progress(`Chunked ${corpus.articles.length} articles into ${chunks.length} chunks (${sentences} sentences).`);

  // In a worker thread, while this one builds the lexicon and reads every sentence's features.
  await fs.rm(files.semantic, { force: true });
  const stopWorkers = new AbortController();
  const semanticBuilt = buildSemanticFileAside({ articles: corpus.articles, file: files.semantic, sources: options.semanticSources, onProgress: progress }, stopWorkers.signal);
  // Awaited once the rest is built; a failure of the rest first stops it (below) and is the one reported.
  semanticBuilt.catch(() => {});
  let vocabulary: EnglishVocabulary | undefined;

  const chunksOf = chunksByArticle(chunks);
  const bags = new FeatureBagTable();
  const rowOf = new Map<string, number>();
  const lexicalWriter = LexicalStoreWriter.create(files.lexical);
  const indexChunks = async () => {
    progress('Reading CC-CEDICT for the English–Chinese lexicon (a few seconds)…');
    const { lexicon, sources: lexiconSources } = await buildLexicon(corpus, files, options.lexiconSources);
    progress(`Lexicon: ${lexicon.size} Chinese words bridged to English.`);
    // Each sentence is read once: a chunk's features are its sentences' (no feature spans a sentence
    // end), and the ranking reads the sentences' from the store instead of extracting them again.
    // Article by article (in the store's key order), so only a few articles' sentence bags are held at
    // a time (the worker's run at most FEATURES_AHEAD ahead), and an article's sentences' features go
    // to the store at once, as one line-separated text each.
    const reader = new TextAnalyzer({ lexicon, stats: NO_STATS });
    const sorted = [...corpus.articles].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // A large corpus's articles are read two in three in a worker thread meanwhile (its features come
    // back in order): this thread also numbers every chunk's features and stores every sentence's, so
    // an even split left the worker waiting. A small corpus's are read on this thread alone, sooner
    // than a worker starts.
    const aside = sentences >= FEATURES_WORKER_MIN_SENTENCES ? sentenceFeaturesAside(files.lexicon, sorted.filter((_, i) => readAside(i)), stopWorkers.signal) : undefined;
    for (const [i, article] of sorted.entries()) {
      const sentenceBags: FeatureBag[] =
        aside && readAside(i) ? await nextFrom(aside, article.id) : article.sentences.map((sentence) => reader.documentFeatures(article.text.slice(sentence.start, sentence.end)));
      for (const chunk of chunksOf.get(article.id) ?? []) rowOf.set(chunk.id, bags.add(chunkBag(chunk, sentenceBags)));
      lexicalWriter.addSentences(sentenceBags.map((bag, index) => ({ articleId: article.id, index, features: sentenceFeatureText(bag.keys()) })));
      lexicalWriter.addDerivations(derivationOf(corpus, article, chunksOf.get(article.id) ?? []));
    }
    // Every article taken: the worker is stopped (a generator left unfinished would keep it waiting).
    await aside?.return(undefined);
    const stats = bags.featureStats();
    // The word vectors' vocabulary comes with the semantic tables, built beside the chunks.
    const analyzer = new TextAnalyzer({ lexicon, stats, vocabulary: () => vocabulary });
    const embedder = new LocalEmbeddings({ analyzer });
    const bagOf = (chunkId: string) => bags.bag(rowOf.get(chunkId)!);

    const vectorsOf = chunkEmbedder(options.embeddings, embedder, bagOf, chunks.length, progress);
    // Each chunk's Document is made as its batch is embedded, and again when a search returns it: never all held.
    const documents = { ids: chunks.map((chunk) => chunk.id), documentOf: chunkDocumentsOf(corpus, chunks) };
    const { store, alongside } = await createVectorStore(options.embeddings?.embeddings ?? embedder, documents, vectorsOf, {
      graphFile: files.hnsw,
      alongside: async () => {
        // The texts as indexed: an index whose corpus changed still answers from them, and an update reads the old texts there.
        await writeStoredArticles(indexDir, corpus.articles);
        lexicalWriter.finish(storedChunks(chunks, bagOf));
        return LexicalIndex.open(files.lexical);
      },
    });
    await saveVectorStore(store, indexDir);
    return { lexicon, lexiconSources, stats, analyzer, embedder, vectorStore: store, lexical: alongside };
  };
  // A failure before the store is finished closes its file (`abort` does nothing once finished), and
  // stops the worker threads: the build's own error is the one reported.
  const { lexicon, lexiconSources, stats, analyzer, embedder, vectorStore, lexical } = await indexChunks()
    .finally(() => lexicalWriter.abort())
    .catch((error: unknown) => {
      stopWorkers.abort();
      throw error;
    });
  const semantic = await semanticBuilt;
  vocabulary = semantic?.embedder;

  const manifest: Manifest = {
    formatVersion: INDEX_FORMAT_VERSION,
    builtAt: new Date().toISOString(),
    corpus: {
      hash: corpus.hash,
      articles: corpus.articles.map((article) => manifestArticle(article, chunksOf.get(article.id) ?? [])),
    },
    embedder: options.embeddings?.identity ?? embedder.identity(),
    chunking: DEFAULT_CHUNKING,
    chunksHash: hashChunkIds(chunks.map((chunk) => chunk.id)),
    reading: readingFingerprints(corpus.articles.map((article) => readingLanguage(article.meta.lang))),
    hnsw: graphSettings(chunks.length),
    counts: { articles: corpus.articles.length, chunks: chunks.length, sentences, features: stats.documentFrequency.size, lexiconWords: lexicon.size },
    lexiconSources,
    ...(semantic ? { semantic: semantic.identity } : {}),
  };
  await fs.writeFile(files.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  progress(`Index built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${indexDir}`);

  return { corpus, chunks, analyzer, vectorStore, lexical, manifest, ...(semantic ? { semantic: semantic.embedder } : {}) };
}

/**
 * The corpus's lexicon, written to the index with the corpus's keys (an update counts only the
 * changed articles' again). A function of its own, so the dictionaries it reads are garbage once it
 * returns, not held by the build to its end.
 */
async function buildLexicon(corpus: Corpus, files: ReturnType<typeof indexFiles>, given: LexiconSources | undefined) {
  const sources = given ?? (await loadLexiconSources());
  const binder = new LexiconBinder(sources);
  const lexiconKeys = emptyCorpusKeys();
  for (const article of corpus.articles) binder.count(lexiconKeys, article.text, 1);
  const lexiconFile = binder.bind(lexiconKeys);
  await saveLexicon(files.lexicon, lexiconFile);
  await fs.writeFile(files.lexiconKeys, serialiseCorpusKeys(lexiconKeys));
  return { lexicon: lexiconFromFile(lexiconFile), sources: sources.identity };
}

/**
 * The vectors of chunk Documents, says which embedder makes them: the configured one from the
 * texts, or the built-in one from the features the build already extracted (`bagOf` a chunk id).
 */
export function chunkEmbedder(
  external: ExternalEmbeddings | undefined,
  local: LocalEmbeddings,
  bagOf: (chunkId: string) => FeatureBag,
  count: number,
  progress: (message: string) => void,
): (documents: Document[]) => Promise<Array<ArrayLike<number>>> {
  if (count > 0) progress(`Embedding ${count} chunk${count === 1 ? '' : 's'} with ${external?.identity.name ?? 'the built-in bilingual embedder'}…`);
  return async (documents) =>
    external ? external.embeddings.embedDocuments(documents.map((d) => d.pageContent)) : documents.map((d) => local.vectoriseFloat32(bagOf(String(d.metadata.id))));
}

/** The chunks as the lexical store takes them, each bag made only when the store reads it. */
function* storedChunks(chunks: readonly Chunk[], bagOf: (chunkId: string) => FeatureBag): Iterable<StoredChunk> {
  for (const chunk of chunks) yield { id: chunk.id, features: bagOf(chunk.id) };
}

/** What the article rules derived of an article read from a file (its `chunks` among it), for the store to keep (none for other texts). */
export function derivationOf(corpus: Corpus, article: Article, chunks: readonly Chunk[]): StoredDerivation[] {
  const read = corpus.readings.get(article.id);
  return read ? [{ articleId: article.id, digest: read.digest, inferredLang: read.inferredLang, sentences: article.sentences, chunks: chunkRanges(chunks) }] : [];
}

/** A corpus's chunks grouped by article, in order. */
export function chunksByArticle(chunks: readonly Chunk[]): Map<string, Chunk[]> {
  const chunksOf = new Map<string, Chunk[]>();
  for (const chunk of chunks) {
    const own = chunksOf.get(chunk.articleId);
    if (own) own.push(chunk);
    else chunksOf.set(chunk.articleId, [chunk]);
  }
  return chunksOf;
}

/** A chunk's features: its sentences' (no feature spans a sentence end), weights summed. */
export function chunkBag(chunk: Chunk, sentenceBags: readonly FeatureBag[]): FeatureBag {
  return sumBags(chunk.sentenceIndexes.map((index) => sentenceBags[index]!));
}

/** The features of several texts as one: weights summed. */
function sumBags(bags: FeatureBag[]): FeatureBag {
  if (bags.length === 1) return bags[0]!;
  const sum: FeatureBag = new Map();
  for (const bag of bags) for (const [feature, weight] of bag) sum.set(feature, (sum.get(feature) ?? 0) + weight);
  return sum;
}
