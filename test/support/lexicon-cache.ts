import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LexiconFile } from '../../src/text/lexicon.js';

/**
 * Where the lexicon of these texts is kept in a run's lexicon cache. The lexicon is a function of
 * the corpus texts alone (and of CC-CEDICT and WordNet, fixed for a run), so texts seen before in
 * the run give back exactly the lexicon a build would make.
 */
export function lexiconCacheFile(cacheDir: string, texts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(`${text.length}:`).update(text);
  return path.join(cacheDir, `${hash.digest('hex')}.json`);
}

/** The cached lexicon of these texts, or the one `build` makes (then cached: written aside and renamed, so readers never see half a file). */
export async function cachedLexicon(cacheDir: string, texts: string[], build: (texts: string[]) => Promise<LexiconFile>): Promise<LexiconFile> {
  const file = lexiconCacheFile(cacheDir, texts);
  const cached = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (cached !== undefined) return JSON.parse(cached) as LexiconFile;
  const lexicon = await build(texts);
  const partial = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(partial, JSON.stringify(lexicon));
  await fs.rename(partial, file);
  return lexicon;
}
