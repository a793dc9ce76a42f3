import Database from 'better-sqlite3';
import { ARTICLE_RULES_VERSION } from '../../corpus/load.js';
import { INSERT_DERIVATION, insertDerivation, LEXICAL_STORE_VERSION, termFrequencies, type StoredChunk, type StoredDerivation, type StoredSentence } from './format.js';

// Changing a lexical store in place, as an incremental update does (the layout: format.ts).

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
