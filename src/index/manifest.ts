import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** Bump when the files in index/ change shape: an older index is then rebuilt. */
export const INDEX_FORMAT_VERSION = 8;

const manifestSchema = z.object({
  formatVersion: z.number(),
  builtAt: z.string(),
  corpus: z.object({
    hash: z.string(),
    articles: z.array(z.object({ id: z.string(), source: z.string(), chars: z.number() })),
  }),
  embedder: z.object({ name: z.string() }).passthrough(),
  chunking: z.object({ maxSize: z.number(), overlapSentences: z.number() }),
  /** sha256 of the chunk ids in order: chunk boundaries come from code too, not only the corpus. */
  chunksHash: z.string(),
  hnsw: z.object({ space: z.string(), M: z.number(), efConstruction: z.number(), efSearch: z.number() }),
  counts: z.object({ articles: z.number(), chunks: z.number(), sentences: z.number(), features: z.number(), lexiconWords: z.number() }),
  /** The word vectors behind `semantic.bin`; absent when the index was built without them. */
  semantic: z.object({ source: z.string(), formatVersion: z.number() }).optional(),
});

/** What an index was built from and with: the corpus hash, embedder, chunking and counts. */
export type Manifest = z.infer<typeof manifestSchema>;

/** The files of an index folder. */
export function indexFiles(indexDir: string) {
  return {
    manifest: path.join(indexDir, 'manifest.json'),
    lexicon: path.join(indexDir, 'lexicon.tsv'),
    lexical: path.join(indexDir, 'lexical.sqlite'),
    hnsw: path.join(indexDir, 'hnswlib.index'),
    semantic: path.join(indexDir, 'semantic.bin'),
    /** The articles' texts as indexed (for `.html`, the extracted text): answers when the corpus changed but the index cannot be rebuilt. */
    articles: path.join(indexDir, 'articles.json'),
  };
}

/** The manifest of an index, or undefined when there is none; throws when it is unreadable. */
export async function readManifest(indexDir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await fs.readFile(indexFiles(indexDir).manifest, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return manifestSchema.parse(JSON.parse(text));
}

/** True when two settings objects (embedder identities) are equal, whatever their key order. */
export function sameSettings(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/** A hash of chunk ids in order: differs whenever chunk boundaries move (new sentence or chunking rules). */
export function hashChunkIds(ids: readonly string[]): string {
  return createHash('sha256').update(ids.join('\n')).digest('hex');
}
