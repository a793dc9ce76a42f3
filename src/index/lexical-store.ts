import fs from 'node:fs';
import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { growingCache } from '../cache.js';
import { DEFAULT_CHUNKING } from '../corpus/chunk.js';
import { ARTICLE_RULES_VERSION, type ArticleDerivation, type ChunkRange } from '../corpus/load.js';
import type { Sentence } from '../corpus/types.js';
import type { DocumentFrequencies } from '../text/analyzer.js';
import type { FeatureBag } from '../text/features.js';

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
 */

/** Bumped whenever the file's layout changes: a store of another version is rebuilt. */
export const LEXICAL_STORE_VERSION = 4;

/** BM25 parameters (MiniSearch's defaults, which the committed ranking model was trained with). */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };

/**
 * At most this many query terms are looked up, those with the highest weight × idf (the most a term
 * can add to a score): an expanded Chinese question has dozens of weak alternatives whose postings
 * cost more than they move the ranking.
 */
export const MAX_QUERY_TERMS = 48;

/** Bytes of postings kept between questions (a common term of a 100k-chunk corpus holds a few hundred kilobytes). */
const POSTINGS_KEPT_BYTES = 16 * 1024 * 1024;

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

/** A scored chunk, best first. */
export interface LexicalHit {
  id: string;
  score: number;
}

/** The tokens MiniSearch saw for a feature bag: features split on spaces, each repeated by its rounded weight (at least once). */
function termFrequencies(features: FeatureBag): { counts: Map<string, number>; length: number } {
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
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** A postings blob as 32-bit words: a view when the blob is aligned, else a copy. */
function uint32s(blob: Buffer): Uint32Array {
  if (!LITTLE_ENDIAN) return Uint32Array.from({ length: blob.length / 4 }, (_, i) => blob.readUInt32LE(i * 4));
  if (blob.byteOffset % 4 === 0) return new Uint32Array(blob.buffer, blob.byteOffset, blob.length / 4);
  return new Uint32Array(new Uint8Array(blob).buffer);
}

/** Postings as (row, tf) pairs sorted by row, as a little-endian blob (a view of `pairs` where the machine is little-endian). */
function packPostings(pairs: Uint32Array): Buffer {
  const buffer = Buffer.from(pairs.buffer, pairs.byteOffset, pairs.byteLength);
  return LITTLE_ENDIAN ? buffer : Buffer.from(buffer).swap32();
}

/**
 * Every (term, row, tf) of a build, as numbers in typed arrays rather than two arrays of numbers
 * per term: at 100k chunks there are tens of millions, and millions of terms.
 */
class PostingsCollector {
  private readonly ids = new Map<string, number>();
  private counts: Uint32Array = new Uint32Array(1024);
  private triples: Uint32Array = new Uint32Array(3 * 1024);
  private size = 0;

  add(term: string, row: number, tf: number): void {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(term, id);
      if (id === this.counts.length) this.counts = grown(this.counts);
    }
    this.counts[id]! += 1;
    if (3 * this.size === this.triples.length) this.triples = grown(this.triples);
    this.triples[3 * this.size] = id;
    this.triples[3 * this.size + 1] = row;
    this.triples[3 * this.size + 2] = tf;
    this.size += 1;
  }

  /** Each term, in sorted order, with its (row, tf) pairs in the order added. */
  *byTerm(): Generator<{ term: string; pairs: Uint32Array }> {
    // A counting sort by term: each term's pairs side by side, in the order added.
    const starts = new Uint32Array(this.ids.size + 1);
    for (let id = 0; id < this.ids.size; id += 1) starts[id + 1] = starts[id]! + this.counts[id]!;
    const next = starts.slice(0, this.ids.size);
    const pairs = new Uint32Array(2 * this.size);
    for (let i = 0; i < this.size; i += 1) {
      const id = this.triples[3 * i]!;
      const at = next[id]!;
      pairs[2 * at] = this.triples[3 * i + 1]!;
      pairs[2 * at + 1] = this.triples[3 * i + 2]!;
      next[id] = at + 1;
    }
    this.triples = new Uint32Array(0);
    // The default sort: strings compared natively, several times faster than through a comparator.
    for (const term of [...this.ids.keys()].sort()) {
      const id = this.ids.get(term)!;
      yield { term, pairs: pairs.subarray(2 * starts[id]!, 2 * starts[id + 1]!) };
    }
  }
}

/** A copy of `array` twice as long. */
function grown(array: Uint32Array): Uint32Array {
  const copy = new Uint32Array(2 * array.length);
  copy.set(array);
  return copy;
}

// Sentences are a rowid table: a WITHOUT ROWID table keeps rows under a quarter page in its B-tree,
// so most sentences' features (about 1 KB) spilled to overflow pages left three quarters empty.
const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
  CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT NOT NULL);
  CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL, postings BLOB NOT NULL) WITHOUT ROWID;
  CREATE TABLE sentences (article TEXT NOT NULL, idx INTEGER NOT NULL, features TEXT NOT NULL, PRIMARY KEY (article, idx));
  CREATE TABLE articles (id TEXT PRIMARY KEY, digest TEXT NOT NULL, lang TEXT, sentences BLOB NOT NULL, chunks BLOB NOT NULL);
`;

/** An article's sentences as stored: start, end and paragraph of each, as 32-bit integers. */
function packSentences(sentences: readonly Sentence[]): Buffer {
  const packed = new Int32Array(sentences.length * 3);
  sentences.forEach((sentence, i) => packed.set([sentence.start, sentence.end, sentence.paragraph], i * 3));
  return Buffer.from(packed.buffer);
}

/** An article's chunks as stored: the first and last sentence index of each, as 32-bit integers. */
function packChunks(chunks: readonly ChunkRange[]): Buffer {
  return Buffer.from(Int32Array.from(chunks.flatMap((chunk) => [chunk.first, chunk.last])).buffer);
}

function unpackChunks(blob: Buffer): ChunkRange[] {
  const packed = int32s(blob, 8);
  return Array.from({ length: packed.length / 2 }, (_, i) => ({ first: packed[i * 2]!, last: packed[i * 2 + 1]! }));
}

/** 32-bit integers of a blob whose length is a multiple of `recordBytes`, copied out of the row buffer (an Int32Array needs 4-byte alignment). */
function int32s(blob: Buffer, recordBytes: number): Int32Array {
  if (blob.length % recordBytes !== 0) throw new Error('a stored blob of a wrong length');
  return new Int32Array(new Uint8Array(blob).buffer);
}

function unpackSentences(blob: Buffer): Sentence[] {
  const packed = int32s(blob, 12);
  const sentences: Sentence[] = new Array<Sentence>(packed.length / 3);
  for (let i = 0; i < sentences.length; i += 1) sentences[i] = { start: packed[i * 3]!, end: packed[i * 3 + 1]!, paragraph: packed[i * 3 + 2]! };
  return sentences;
}

/**
 * What the article rules derived of each article of the store in `file`, by id; undefined when
 * there is no readable store, or it was written under other rules (ARTICLE_RULES_VERSION), other
 * chunking settings or in another layout: the articles are then derived from their texts again.
 */
export function readArticleDerivations(file: string): Map<string, ArticleDerivation> | undefined {
  if (!fs.existsSync(file)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const meta = new Map(db.prepare<[], { key: string; value: unknown }>('SELECT key, value FROM meta').all().map((r) => [r.key, r.value]));
    if (meta.get('version') !== LEXICAL_STORE_VERSION || meta.get('articleRules') !== ARTICLE_RULES_VERSION || meta.get('chunking') !== chunkingSetting()) return undefined;
    const rows = db.prepare<[], { id: string; digest: string; lang: string | null; sentences: Buffer; chunks: Buffer }>('SELECT id, digest, lang, sentences, chunks FROM articles').all();
    return new Map(
      rows.map((row) => [
        row.id,
        { digest: row.digest, inferredLang: (row.lang ?? undefined) as ArticleDerivation['inferredLang'], sentences: unpackSentences(row.sentences), chunks: unpackChunks(row.chunks) },
      ]),
    );
  } catch {
    // A damaged store is found and rebuilt when the index is opened; until then nothing is reused.
    return undefined;
  } finally {
    db?.close();
  }
}

// Features hold no line break: one per line.
const FEATURE_SEPARATOR = '\n';

/** A sentence's features as one text, as the store keeps them. */
export function sentenceFeatureText(features: Iterable<string>): string {
  return [...features].join(FEATURE_SEPARATOR);
}

/** Sentences in the order of the store's key (article, index), as `LexicalStoreWriter.addSentences` wants them; texts in code-unit order, SQLite's (UTF-8 byte) order but for characters beyond U+FFFF, close enough for filling pages. */
function byKey(a: StoredSentence, b: StoredSentence): number {
  return a.articleId < b.articleId ? -1 : a.articleId > b.articleId ? 1 : a.index - b.index;
}

/**
 * Writes the lexical store of `chunks` (and the features of the corpus's `sentences`) to `file`
 * (replacing it). The build uses `LexicalStoreWriter` itself, to write sentences as it reads them.
 */
export function writeLexicalStore(file: string, chunks: Iterable<StoredChunk>, sentences: Iterable<StoredSentence> = []): void {
  const writer = LexicalStoreWriter.create(file);
  try {
    writer.addSentences([...sentences].sort(byKey));
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.finish(chunks);
}

/**
 * A lexical store being written: the corpus's sentences first, as the build reads them (so their
 * features are never all held in memory), then the chunks, whose postings are gathered in memory
 * per term (one integer pair per chunk and feature) and written in one transaction.
 */
export class LexicalStoreWriter {
  private readonly insertSentence: Database.Statement<[string, number, string]>;
  private readonly insertDerivation: Database.Statement<[string, string, string | null, Buffer, Buffer]>;

  private constructor(private readonly db: Database.Database) {
    this.insertSentence = db.prepare('INSERT INTO sentences (article, idx, features) VALUES (?, ?, ?)');
    this.insertDerivation = db.prepare(INSERT_DERIVATION);
  }

  /** Starts the store in `file`, replacing any file there. */
  static create(file: string): LexicalStoreWriter {
    fs.rmSync(file, { force: true });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.exec(SCHEMA);
      return new LexicalStoreWriter(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * Stores sentences' features, in one transaction. Rows given in key order (article, index) fill
   * the table's pages in turn instead of splitting pages all over its B-tree.
   */
  addSentences(sentences: Iterable<StoredSentence>): void {
    this.db.transaction(() => {
      for (const sentence of sentences) this.insertSentence.run(sentence.articleId, sentence.index, sentence.features);
    })();
  }

  /** Stores what the article rules derived of articles, for an open to reuse. */
  addDerivations(derivations: Iterable<StoredDerivation>): void {
    this.db.transaction(() => {
      for (const derivation of derivations) insertDerivation(this.insertDerivation, derivation);
    })();
  }

  /** Stores the chunks, their postings and the statistics, and closes the file. */
  finish(chunks: Iterable<StoredChunk>): void {
    const { db } = this;
    try {
      const postings = new PostingsCollector();
      const lengths: number[] = [];
      const insertChunk = db.prepare('INSERT INTO chunks (row, id) VALUES (?, ?)');
      const insertTerm = db.prepare('INSERT INTO terms (term, df, postings) VALUES (?, ?, ?)');
      const insertMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      db.transaction(() => {
        let row = 0;
        for (const chunk of chunks) {
          const { counts, length } = termFrequencies(chunk.features);
          insertChunk.run(row, chunk.id);
          lengths.push(length);
          for (const [term, tf] of counts) postings.add(term, row, tf);
          row += 1;
        }
        // Terms inserted in key order too.
        for (const { term, pairs } of postings.byTerm()) insertTerm.run(term, pairs.length / 2, packPostings(pairs));

        insertMeta.run('version', LEXICAL_STORE_VERSION);
        insertMeta.run('articleRules', ARTICLE_RULES_VERSION);
        insertMeta.run('chunking', chunkingSetting());
        insertMeta.run('documents', lengths.length);
        insertMeta.run('lengths', Buffer.from(new Uint32Array(lengths).buffer));
      })();
    } finally {
      db.close();
    }
  }

  /** Closes the file unfinished (it is no store); nothing once finished. */
  abort(): void {
    if (this.db.open) this.db.close();
  }
}

const INSERT_DERIVATION = 'INSERT INTO articles (id, digest, lang, sentences, chunks) VALUES (?, ?, ?, ?, ?)';

/**
 * Replaces a store's derivations with `derivations`, made by this code's article rules: for an index
 * whose articles these rules still cut as it holds them, but whose derivations were stored under
 * other rules (never reused, so every open would derive the articles again).
 */
export function replaceArticleDerivations(file: string, derivations: Iterable<StoredDerivation>): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    const insert = db.prepare<[string, string, string | null, Buffer, Buffer]>(INSERT_DERIVATION);
    db.transaction(() => {
      db.prepare('DELETE FROM articles').run();
      for (const derivation of derivations) insertDerivation(insert, derivation);
      db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('articleRules', ARTICLE_RULES_VERSION);
    })();
  } finally {
    db.close();
  }
}

function insertDerivation(statement: Database.Statement<[string, string, string | null, Buffer, Buffer]>, derivation: StoredDerivation): void {
  statement.run(derivation.articleId, derivation.digest, derivation.inferredLang ?? null, packSentences(derivation.sentences), packChunks(derivation.chunks));
}

/** The chunking settings the stored chunks were cut with. */
function chunkingSetting(): string {
  return JSON.stringify(DEFAULT_CHUNKING);
}

/** What an incremental update changes in a lexical store (`updateLexicalStore`). */
export interface LexicalStoreChanges {
  /** Chunks to take out, with the features they were stored with (their weights do not matter). */
  removedChunks: Iterable<StoredChunk>;
  /** Articles whose stored sentences and derivation are dropped (removed or changed ones). */
  removedArticles: Iterable<string>;
  addedChunks: Iterable<StoredChunk>;
  addedSentences: Iterable<StoredSentence>;
  addedDerivations: Iterable<StoredDerivation>;
}

/**
 * Updates a store written by `writeLexicalStore` (in a copy of the index: see below) in one transaction: removed chunks leave the
 * postings of their terms and free their rows, added chunks take freed rows first, then new ones;
 * chunk count and lengths follow, so BM25 (document count, average length, each term's document
 * frequency) is exactly that of a store written from the resulting chunks. Only the postings of
 * the terms of changed chunks are read and rewritten. Returns how many terms came and went.
 */
export function updateLexicalStore(file: string, changes: LexicalStoreChanges): { termsAdded: number; termsRemoved: number } {
  const db = new Database(file, { fileMustExist: true });
  // Updates work on a copy of the index that replaces it only once complete (lifecycle.ts): a crash
  // loses the copy, not the index, so the journal stays in memory (a failed transaction still rolls
  // back) and nothing waits for the disk.
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = OFF');
  let termsAdded = 0;
  let termsRemoved = 0;
  try {
    db.transaction(() => {
      const meta = new Map(db.prepare<[], { key: string; value: unknown }>('SELECT key, value FROM meta').all().map((r) => [r.key, r.value]));
      if (meta.get('version') !== LEXICAL_STORE_VERSION) throw new Error(`lexical store version ${String(meta.get('version'))}, expected ${LEXICAL_STORE_VERSION}`);
      const storedLengths = meta.get('lengths');
      if (!Buffer.isBuffer(storedLengths)) throw new Error('lexical store without chunk lengths');
      const lengths = [...new Uint32Array(new Uint8Array(storedLengths).buffer)];
      let documents = Number(meta.get('documents'));
      const rowOf = new Map(db.prepare<[], { row: number; id: string }>('SELECT row, id FROM chunks').all().map((r) => [r.id, r.row]));
      const live = new Set(rowOf.values());
      const removedRows = new Map<string, Set<number>>();
      const addedRows = new Map<string, Array<[row: number, tf: number]>>();
      const deleteChunk = db.prepare('DELETE FROM chunks WHERE row = ?');
      for (const chunk of changes.removedChunks) {
        const row = rowOf.get(chunk.id);
        if (row === undefined) throw new Error(`lexical store has no chunk ${chunk.id}`);
        for (const term of termFrequencies(chunk.features).counts.keys()) {
          let rows = removedRows.get(term);
          if (!rows) removedRows.set(term, (rows = new Set()));
          rows.add(row);
        }
        deleteChunk.run(row);
        rowOf.delete(chunk.id);
        live.delete(row);
        lengths[row] = 0;
        documents -= 1;
      }
      const free: number[] = [];
      for (let row = 0; row < lengths.length; row += 1) if (!live.has(row)) free.push(row);
      free.reverse();
      const insertChunk = db.prepare('INSERT INTO chunks (row, id) VALUES (?, ?)');
      for (const chunk of changes.addedChunks) {
        const row = free.pop() ?? lengths.length;
        const { counts, length } = termFrequencies(chunk.features);
        insertChunk.run(row, chunk.id);
        lengths[row] = length;
        live.add(row);
        documents += 1;
        for (const [term, tf] of counts) {
          let list = addedRows.get(term);
          if (!list) addedRows.set(term, (list = []));
          list.push([row, tf]);
        }
      }
      const selectTerm = db.prepare<[string], { postings: Buffer }>('SELECT postings FROM terms WHERE term = ?');
      const writeTerm = db.prepare('INSERT OR REPLACE INTO terms (term, df, postings) VALUES (?, ?, ?)');
      const deleteTerm = db.prepare('DELETE FROM terms WHERE term = ?');
      for (const term of new Set([...removedRows.keys(), ...addedRows.keys()])) {
        const stored = selectTerm.get(term)?.postings;
        const postings = mergePostings(stored, removedRows.get(term), addedRows.get(term) ?? []);
        if (postings.length === 0) {
          if (stored) {
            deleteTerm.run(term);
            termsRemoved += 1;
          }
          continue;
        }
        if (!stored) termsAdded += 1;
        writeTerm.run(term, postings.length / 8, postings);
      }
      const deleteSentences = db.prepare('DELETE FROM sentences WHERE article = ?');
      const deleteDerivation = db.prepare('DELETE FROM articles WHERE id = ?');
      for (const article of changes.removedArticles) {
        deleteSentences.run(article);
        deleteDerivation.run(article);
      }
      const insertDerived = db.prepare<[string, string, string | null, Buffer, Buffer]>(INSERT_DERIVATION);
      for (const derivation of changes.addedDerivations) insertDerivation(insertDerived, derivation);
      const insertSentence = db.prepare('INSERT INTO sentences (article, idx, features) VALUES (?, ?, ?)');
      for (const sentence of changes.addedSentences) insertSentence.run(sentence.articleId, sentence.index, sentence.features);
      // Freed rows at the end are dropped; others stay at length 0 for the next update to fill.
      while (lengths.length > 0 && lengths.at(-1) === 0 && !live.has(lengths.length - 1)) lengths.pop();
      const setMeta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      setMeta.run('documents', documents);
      setMeta.run('lengths', Buffer.from(new Uint32Array(lengths).buffer));
    })();
  } finally {
    db.close();
  }
  return { termsAdded, termsRemoved };
}

/**
 * Packed postings without the `removed` rows and with the `added` ones, in row order: both inputs
 * are in row order already (an update hands out rows in ascending order), so one merge pass.
 */
function mergePostings(stored: Buffer | undefined, removed: ReadonlySet<number> | undefined, added: ReadonlyArray<readonly [row: number, tf: number]>): Buffer {
  const out = Buffer.allocUnsafe((stored?.length ?? 0) + added.length * 8);
  let length = 0;
  let next = 0;
  const put = (row: number, tf: number) => {
    out.writeUInt32LE(row, length);
    out.writeUInt32LE(tf, length + 4);
    length += 8;
  };
  for (let offset = 0; stored && offset < stored.length; offset += 8) {
    const row = stored.readUInt32LE(offset);
    if (removed?.has(row)) continue;
    while (next < added.length && added[next]![0] < row) put(added[next]![0], added[next++]![1]);
    put(row, stored.readUInt32LE(offset + 4));
  }
  while (next < added.length) put(added[next]![0], added[next++]![1]);
  return out.subarray(0, length);
}

/** The lexical store opened read-only: BM25 over the stored postings. */
export class LexicalStore {
  private readonly documents: number;
  private readonly lengths: Uint32Array;
  private readonly averageLength: number;
  private readonly termStatement: Database.Statement<[string], { postings: Buffer }>;
  private readonly idStatement: Database.Statement<[number], { id: string }>;
  private readonly dfStatement: Database.Statement<[string], { df: number }>;
  private readonly prefixStatement: Database.Statement<[string, string], { term: string }>;
  private readonly sentenceStatement: Database.Statement<[string, number], { features: string }>;
  private frequencies: DocumentFrequencies | undefined;
  /**
   * Postings of the terms questions used lately, bounded in bytes: the commonest terms come back in
   * most questions, and a lookup and a copy out of SQLite cost more than scoring their postings.
   */
  private readonly postings = new LRUCache<string, Uint32Array>({ maxSize: POSTINGS_KEPT_BYTES, sizeCalculation: (value) => Math.max(1, value.byteLength) });
  /** Chunk ids by row, read as asked. */
  private readonly ids: Array<string | undefined>;
  /** Per-chunk accumulators, reused by every query and left zeroed after it. */
  private readonly scores: Float64Array;
  private readonly matched: Uint16Array;
  /** The rows a query has scored so far, in the order first met. */
  private readonly touched: Uint32Array;

  private constructor(private readonly db: Database.Database) {
    const meta = new Map(db.prepare<[], { key: string; value: unknown }>('SELECT key, value FROM meta').all().map((r) => [r.key, r.value]));
    if (meta.get('version') !== LEXICAL_STORE_VERSION) throw new Error(`lexical store version ${String(meta.get('version'))}, expected ${LEXICAL_STORE_VERSION}`);
    const lengths = meta.get('lengths');
    if (!Buffer.isBuffer(lengths)) throw new Error('lexical store without chunk lengths');
    // Copied out of the row buffer: a Uint32Array needs 4-byte alignment.
    this.lengths = new Uint32Array(new Uint8Array(lengths).buffer);
    // Rows of chunks an update removed have length 0 until a new chunk takes them: they add nothing to the average.
    this.documents = Number(meta.get('documents'));
    if (this.lengths.length < this.documents) throw new Error('lexical store lengths do not match its chunk count');
    this.averageLength = this.lengths.reduce((sum, n) => sum + n, 0) / Math.max(1, this.documents);
    this.termStatement = db.prepare('SELECT postings FROM terms WHERE term = ?');
    this.idStatement = db.prepare('SELECT id FROM chunks WHERE row = ?');
    this.dfStatement = db.prepare('SELECT df FROM terms WHERE term = ?');
    this.prefixStatement = db.prepare('SELECT term FROM terms WHERE term >= ? AND term < ?');
    this.sentenceStatement = db.prepare('SELECT features FROM sentences WHERE article = ? AND idx = ?');
    this.ids = new Array<string | undefined>(this.lengths.length);
    this.scores = new Float64Array(this.lengths.length);
    this.matched = new Uint16Array(this.lengths.length);
    this.touched = new Uint32Array(this.lengths.length);
  }

  /** Opens a store written by `writeLexicalStore`; throws when the file is missing, damaged or of another version. */
  static open(file: string): LexicalStore {
    if (!fs.existsSync(file)) throw new Error(`no lexical store at ${file}`);
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      db.pragma('mmap_size = 268435456');
      return new LexicalStore(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Chunks indexed. */
  get size(): number {
    return this.documents;
  }

  /**
   * Chunk ids with BM25 scores, best first, at most `limit`; each query feature counts by its weight,
   * and only the `maxTerms` terms that can add the most are read.
   */
  query(features: FeatureBag, limit: number, maxTerms = MAX_QUERY_TERMS): LexicalHit[] {
    if (features.size === 0 || this.documents === 0 || limit <= 0) return [];
    const weights = new Map<string, number>();
    for (const feature of features.keys()) {
      for (const term of feature.split(' ')) if (term !== '' && !weights.has(term)) weights.set(term, features.get(term) ?? 1);
    }
    // Document frequencies first (remembered across questions): only the postings of the terms kept are read.
    const frequencies = this.documentFrequencies();
    const looked: Array<{ term: string; weight: number; idf: number }> = [];
    for (const [term, weight] of weights) {
      const df = frequencies.get(term);
      if (df === undefined) continue;
      looked.push({ term, weight, idf: Math.log(1 + (this.documents - df + 0.5) / (df + 0.5)) });
    }
    looked.sort((a, b) => b.weight * b.idf - a.weight * a.idf);
    const { scores, matched, touched } = this;
    let touchedCount = 0;
    const { k, b, d } = BM25;
    for (const { term, weight, idf } of looked.slice(0, maxTerms)) {
      const postings = this.postingsOf(term);
      for (let at = 0; at < postings.length; at += 2) {
        const row = postings[at]!;
        const tf = postings[at + 1]!;
        const norm = k * (1 - b + (b * this.lengths[row]!) / this.averageLength);
        const seen = matched[row]!;
        if (seen === 0) touched[touchedCount++] = row;
        matched[row] = seen + 1;
        scores[row] = scores[row]! + weight * idf * (d + (tf * (k + 1)) / (tf + norm));
      }
    }
    // Top `limit` by score (ties by row: as chunks were added, an update's in the rows it freed first), without sorting every matched chunk.
    const best: Array<{ row: number; score: number }> = [];
    const worse = (x: { row: number; score: number }, y: { row: number; score: number }) => x.score < y.score || (x.score === y.score && x.row > y.row);
    for (let t = 0; t < touchedCount; t += 1) {
      const row = touched[t]!;
      const score = scores[row]! * matched[row]!;
      scores[row] = 0;
      matched[row] = 0;
      // Most matched chunks fall short of the list: no entry is made for them.
      const last = best[limit - 1];
      if (last && (score < last.score || (score === last.score && row > last.row))) continue;
      const entry = { row, score };
      let at = Math.min(best.length, limit - 1);
      if (best.length < limit) best.push(entry);
      while (at > 0 && worse(best[at - 1]!, entry)) {
        best[at] = best[at - 1]!;
        at -= 1;
      }
      best[at] = entry;
    }
    return best.map(({ row, score }) => ({ id: this.idOf(row), score }));
  }

  private postingsOf(term: string): Uint32Array {
    let postings = this.postings.get(term);
    if (!postings) {
      const row = this.termStatement.get(term);
      postings = row ? uint32s(row.postings) : new Uint32Array(0);
      this.postings.set(term, postings);
    }
    return postings;
  }

  private idOf(row: number): string {
    return (this.ids[row] ??= this.idStatement.get(row)!.id);
  }

  /**
   * In how many chunks each term occurs, read from the store as asked and remembered (absent ones
   * too): the analyzer and the queries ask about a question's few hundred features, never about all of them.
   */
  documentFrequencies(): DocumentFrequencies {
    return (this.frequencies ??= this.readFrequencies());
  }

  private readFrequencies(): DocumentFrequencies {
    // 0 stands for "no chunk has it": a term the store holds occurs at least once.
    const known = growingCache<string, number>(200_000);
    const get = (term: string): number | undefined => {
      let df = known.get(term);
      if (df === undefined) {
        df = this.dfStatement.get(term)?.df ?? 0;
        known.set(term, df);
      }
      return df === 0 ? undefined : df;
    };
    return {
      get,
      has: (term) => get(term) !== undefined,
      startingWith: (prefix) => {
        if (prefix === '') throw new RangeError('startingWith needs a prefix');
        // Terms compare as UTF-8 bytes (SQLite's BINARY collation): the prefix with its last character incremented bounds them.
        const upper = prefix.slice(0, -1) + String.fromCodePoint(prefix.codePointAt(prefix.length - 1)! + 1);
        return this.prefixStatement.all(prefix, upper).map((row) => row.term);
      },
    };
  }

  /** Ids of the chunks whose features hold `term`, in the order they were added. */
  chunksWith(term: string): string[] {
    const postings = this.postingsOf(term);
    const ids: string[] = [];
    for (let at = 0; at < postings.length; at += 2) ids.push(this.idOf(postings[at]!));
    return ids;
  }

  /** The stored features of an article's sentence (0-based), or undefined when the store has none for it. */
  sentenceFeatures(articleId: string, index: number): string[] | undefined {
    const row = this.sentenceStatement.get(articleId, index);
    if (!row) return undefined;
    return row.features === '' ? [] : row.features.split(FEATURE_SEPARATOR);
  }

  /** Releases the file. */
  close(): void {
    this.db.close();
  }
}
