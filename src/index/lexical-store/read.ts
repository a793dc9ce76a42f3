import fs from 'node:fs';
import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { growingCache } from '../../cache.js';
import { ARTICLE_RULES_VERSION, type ArticleDerivation } from '../../corpus/load.js';
import type { DocumentFrequencies } from '../../text/analyzer.js';
import type { FeatureBag } from '../../text/features.js';
import { chunkingSetting, FEATURE_SEPARATOR, LEXICAL_STORE_VERSION, uint32s, unpackChunks, unpackSentences } from './format.js';

// The lexical store as questions read it (the layout: format.ts).

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

/** A scored chunk, best first. */
export interface LexicalHit {
  id: string;
  score: number;
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
   * only the `maxTerms` terms that can add the most are read, and only chunks `keep` accepts are listed (when given).
   */
  query(features: FeatureBag, limit: number, maxTerms = MAX_QUERY_TERMS, keep?: (id: string) => boolean): LexicalHit[] {
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
      if (keep && !keep(this.idOf(row))) continue;
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
