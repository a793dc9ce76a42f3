import fs from 'node:fs/promises';
import { PackedWords, readSections, writeSections, type Sections, type SectionValue } from './binary.js';
import type { ChineseTable } from './build.js';
import { SentenceEmbedder, type SemanticTables, type WordTable } from './embedder.js';

/** Bump when the stored form or the meaning of its vectors changes. */
// 2: Chinese function words are the features' own list. 3: a bound form's sense counts (液 "a liquid").
export const SEMANTIC_FORMAT_VERSION = 3;

interface StoredHeader {
  formatVersion: number;
  source: string;
  dimensions: number;
  chineseMaxLength: number;
  singleCharacterFactor: number;
  articleIds: string[] | null;
}

/** The tables in their binary form (`index/semantic.bin`). */
export function serialiseSemanticTables(tables: SemanticTables): Buffer {
  const header: StoredHeader = {
    formatVersion: SEMANTIC_FORMAT_VERSION,
    source: tables.source,
    dimensions: tables.dimensions,
    chineseMaxLength: tables.chinese.maxLength,
    singleCharacterFactor: tables.singleCharacterFactor,
    articleIds: tables.sentences?.articleIds ?? null,
  };
  const sections: Record<string, SectionValue> = {
    ...wordTableSections('en', tables.english),
    ...chineseTableSections('zh', tables.chinese),
    'stems.words': tables.englishStems.words.stored().blob,
    'stems.offsets': tables.englishStems.words.stored().offsets,
    'stems.rows': tables.englishStems.rows,
    principal: tables.principal,
  };
  if (tables.sentences) {
    sections['sentences.starts'] = tables.sentences.starts;
    sections['sentences.quantized'] = tables.sentences.quantized;
    sections['sentences.scales'] = tables.sentences.scales;
  }
  return writeSections(header, sections);
}

function wordTableSections(prefix: string, table: WordTable): Record<string, SectionValue> {
  const { blob, offsets } = table.words.stored();
  return {
    [`${prefix}.words`]: blob,
    [`${prefix}.offsets`]: offsets,
    [`${prefix}.quantized`]: table.quantized,
    [`${prefix}.scales`]: table.scales,
    [`${prefix}.weights`]: table.weights,
  };
}

/** The sections of a Chinese table, their names led by `prefix` (its longest word's length goes in the header). */
export function chineseTableSections(prefix: string, table: ChineseTable): Record<string, SectionValue> {
  const { blob, offsets } = table.words.stored();
  return {
    [`${prefix}.words`]: blob,
    [`${prefix}.offsets`]: offsets,
    [`${prefix}.starts`]: table.starts,
    [`${prefix}.rows`]: table.rows,
    [`${prefix}.shares`]: table.shares,
  };
}

/** A Chinese table from the sections `chineseTableSections` wrote; throws when they disagree. */
export function readChineseTable(sections: Sections, prefix: string, maxLength: number, rowCount: number): ChineseTable {
  const table = {
    words: PackedWords.fromStored(sections.text(`${prefix}.words`), sections.uint32(`${prefix}.offsets`)),
    starts: sections.uint32(`${prefix}.starts`),
    rows: sections.uint32(`${prefix}.rows`),
    shares: sections.float32(`${prefix}.shares`),
    maxLength,
  };
  const pairs = table.rows.length;
  if (table.starts.length !== table.words.size + 1 || table.starts[table.words.size] !== pairs || table.shares.length !== pairs) throw new Error(`semantic tables: ${prefix} sizes disagree`);
  // An indexed loop: every open runs this over ~300,000 rows before the JIT has compiled it, and
  // iterating a typed array with for…of is four times slower there (~10 ms of a cold ask).
  const { rows } = table;
  for (let k = 0; k < pairs; k += 1) if (rows[k]! >= rowCount) throw new Error(`semantic tables: ${prefix} refers to a missing word`);
  return table;
}

/** Reads tables written by `serialiseSemanticTables`; throws on another version or a damaged file. */
export function deserialiseSemanticTables(buffer: Uint8Array): SemanticTables {
  const { header, sections } = readSections(buffer);
  const meta = header as StoredHeader;
  if (meta.formatVersion !== SEMANTIC_FORMAT_VERSION) throw new Error(`semantic tables of version ${meta.formatVersion}, expected ${SEMANTIC_FORMAT_VERSION}`);
  const wordTable = (prefix: string): WordTable => {
    const table = {
      words: PackedWords.fromStored(sections.text(`${prefix}.words`), sections.uint32(`${prefix}.offsets`)),
      quantized: sections.int8(`${prefix}.quantized`),
      scales: sections.float32(`${prefix}.scales`),
      weights: sections.float32(`${prefix}.weights`),
    };
    const n = table.words.size;
    if (table.scales.length !== n || table.weights.length !== n || table.quantized.length !== n * meta.dimensions) throw new Error(`semantic tables: ${prefix} sizes disagree`);
    return table;
  };
  const english = wordTable('en');
  const stems = PackedWords.fromStored(sections.text('stems.words'), sections.uint32('stems.offsets'));
  const sentences =
    meta.articleIds === null
      ? undefined
      : {
          articleIds: meta.articleIds,
          starts: sections.uint32('sentences.starts'),
          quantized: sections.int8('sentences.quantized'),
          scales: sections.float32('sentences.scales'),
        };
  if (sentences && (sentences.starts.length !== sentences.articleIds.length + 1 || sentences.scales.length * meta.dimensions !== sentences.quantized.length)) {
    throw new Error('semantic tables: sentence sizes disagree');
  }
  return {
    source: meta.source,
    dimensions: meta.dimensions,
    english,
    englishStems: { words: stems, rows: sections.uint32('stems.rows') },
    chinese: readChineseTable(sections, 'zh', meta.chineseMaxLength, english.words.size),
    singleCharacterFactor: meta.singleCharacterFactor,
    principal: sections.float32('principal'),
    sentences,
  };
}

/** Writes the tables to a file. */
export async function saveSemanticTables(file: string, tables: SemanticTables): Promise<void> {
  await fs.writeFile(file, serialiseSemanticTables(tables));
}

/** A `SentenceEmbedder` over the tables in a file; throws when it is missing or damaged. */
export async function loadSentenceEmbedder(file: string): Promise<SentenceEmbedder> {
  return new SentenceEmbedder(deserialiseSemanticTables(await fs.readFile(file)));
}
