import type Database from 'better-sqlite3';
import { DEFAULT_CHUNKING } from '../../corpus/chunk.js';
import type { ArticleDerivation, ChunkRange } from '../../corpus/load.js';
import type { Sentence } from '../../corpus/types.js';
import type { FeatureBag } from '../../text/features.js';

/**
 * The lexical index on disk: an SQLite file (better-sqlite3) holding one postings list per feature
 * (chunk rows and term frequencies, packed) and the chunks' ids and lengths. Opening reads two
 * numbers and the lengths; a question reads only the postings of its own (bounded) terms, so
 * neither the open nor the per-question cost grows with the whole index.
 *
 * Scores are BM25 exactly as MiniSearch computed them before (k 1.2, b 0.7, δ 0.5; document length
 * = distinct features; each query term weighted by its feature weight; the sum multiplied by the
 * number of query terms matched), so ranks and the BM25-share feature of the learned ranker keep
 * their scale. SQLite's FTS5 was the other candidate: its `bm25()` takes no per-term weights, and
 * weighted query expansion needs them.
 *
 * Beside them, each sentence's features (for the ranking) and what the article rules derived of
 * each article (its sentences and language: `ArticleDerivation`), which an open reuses.
 *
 * This file is the layout the other three share: written by write.ts (a build), changed in place by
 * update.ts (an incremental update), read by read.ts (every question).
 */

/** Bumped whenever the file's layout changes: a store of another version is rebuilt. */
export const LEXICAL_STORE_VERSION = 4;

/** A chunk as the store indexes it. */
export interface StoredChunk {
  id: string;
  features: FeatureBag;
}

/** A sentence's features as the store keeps them, for the ranking to read instead of extracting them again. */
export interface StoredSentence {
  articleId: string;
  /** 0-based index into the article's sentences. */
  index: number;
  /** The features as `sentenceFeatureText` writes them: one text, not thousands of small strings held until the store is written. */
  features: string;
}

/** What the article rules derived of an article, as the store keeps it. */
export interface StoredDerivation extends ArticleDerivation {
  articleId: string;
}

/** The tokens MiniSearch saw for a feature bag: features split on spaces, each repeated by its rounded weight (at least once). */
export function termFrequencies(features: FeatureBag): { counts: Map<string, number>; length: number } {
  const counts = new Map<string, number>();
  const distinct = new Set<string>();
  for (const [feature, weight] of features) {
    const repeats = Math.max(1, Math.round(weight));
    for (const term of feature.split(' ')) {
      distinct.add(term);
      if (term === '') continue;
      counts.set(term, (counts.get(term) ?? 0) + repeats);
    }
  }
  return { counts, length: distinct.size };
}

// Postings are stored little-endian; read as Uint32 words on little-endian machines (all Node targets), byte by byte elsewhere.
export const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** A postings blob as 32-bit words: a view when the blob is aligned, else a copy. */
export function uint32s(blob: Buffer): Uint32Array {
  if (!LITTLE_ENDIAN) return Uint32Array.from({ length: blob.length / 4 }, (_, i) => blob.readUInt32LE(i * 4));
  if (blob.byteOffset % 4 === 0) return new Uint32Array(blob.buffer, blob.byteOffset, blob.length / 4);
  return new Uint32Array(new Uint8Array(blob).buffer);
}

/** Postings as (row, tf) pairs sorted by row, as a little-endian blob (a view of `pairs` where the machine is little-endian). */
export function packPostings(pairs: Uint32Array): Buffer {
  const buffer = Buffer.from(pairs.buffer, pairs.byteOffset, pairs.byteLength);
  return LITTLE_ENDIAN ? buffer : Buffer.from(buffer).swap32();
}

// Sentences are a rowid table: a WITHOUT ROWID table keeps rows under a quarter page in its B-tree,
// so most sentences' features (about 1 KB) spilled to overflow pages left three quarters empty.
export const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
  CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT NOT NULL);
  CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL, postings BLOB NOT NULL) WITHOUT ROWID;
  CREATE TABLE sentences (article TEXT NOT NULL, idx INTEGER NOT NULL, features TEXT NOT NULL, PRIMARY KEY (article, idx));
  CREATE TABLE articles (id TEXT PRIMARY KEY, digest TEXT NOT NULL, lang TEXT, sentences BLOB NOT NULL, chunks BLOB NOT NULL);
`;

/** An article's sentences as stored: start, end and paragraph of each, as 32-bit integers. */
export function packSentences(sentences: readonly Sentence[]): Buffer {
  const packed = new Int32Array(sentences.length * 3);
  sentences.forEach((sentence, i) => packed.set([sentence.start, sentence.end, sentence.paragraph], i * 3));
  return Buffer.from(packed.buffer);
}

/** An article's chunks as stored: the first and last sentence index of each, as 32-bit integers. */
export function packChunks(chunks: readonly ChunkRange[]): Buffer {
  return Buffer.from(Int32Array.from(chunks.flatMap((chunk) => [chunk.first, chunk.last])).buffer);
}

export function unpackChunks(blob: Buffer): ChunkRange[] {
  const packed = int32s(blob, 8);
  return Array.from({ length: packed.length / 2 }, (_, i) => ({ first: packed[i * 2]!, last: packed[i * 2 + 1]! }));
}

/** 32-bit integers of a blob whose length is a multiple of `recordBytes`, copied out of the row buffer (an Int32Array needs 4-byte alignment). */
export function int32s(blob: Buffer, recordBytes: number): Int32Array {
  if (blob.length % recordBytes !== 0) throw new Error('a stored blob of a wrong length');
  return new Int32Array(new Uint8Array(blob).buffer);
}

export function unpackSentences(blob: Buffer): Sentence[] {
  const packed = int32s(blob, 12);
  const sentences: Sentence[] = new Array<Sentence>(packed.length / 3);
  for (let i = 0; i < sentences.length; i += 1) sentences[i] = { start: packed[i * 3]!, end: packed[i * 3 + 1]!, paragraph: packed[i * 3 + 2]! };
  return sentences;
}


// Features hold no line break: one per line.
export const FEATURE_SEPARATOR = '\n';

/** A sentence's features as one text, as the store keeps them. */
export function sentenceFeatureText(features: Iterable<string>): string {
  return [...features].join(FEATURE_SEPARATOR);
}

export const INSERT_DERIVATION = 'INSERT INTO articles (id, digest, lang, sentences, chunks) VALUES (?, ?, ?, ?, ?)';

export function insertDerivation(statement: Database.Statement<[string, string, string | null, Buffer, Buffer]>, derivation: StoredDerivation): void {
  statement.run(derivation.articleId, derivation.digest, derivation.inferredLang ?? null, packSentences(derivation.sentences), packChunks(derivation.chunks));
}

/** The chunking settings the stored chunks were cut with. */
export function chunkingSetting(): string {
  return JSON.stringify(DEFAULT_CHUNKING);
}
