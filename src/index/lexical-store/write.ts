import fs from 'node:fs';
import Database from 'better-sqlite3';
import { ARTICLE_RULES_VERSION } from '../../corpus/load.js';
import { chunkingSetting, INSERT_DERIVATION, insertDerivation, LEXICAL_STORE_VERSION, packPostings, SCHEMA, termFrequencies, type StoredChunk, type StoredDerivation, type StoredSentence } from './format.js';

// Writing a new lexical store, as a build does (the layout: format.ts).

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
