import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LexiconSources } from '../../src/index/build-lexicon.js';
import { REPO_ROOT } from './corpus.js';

let reading: Promise<LexiconSources> | undefined;

/** The run's shared lexicon sources (test/support/global-setup.ts), parsed once per worker. */
export function readSharedLexiconSources(file: string): Promise<LexiconSources> {
  reading ??= fs.readFile(file, 'utf8').then((text) => JSON.parse(text) as LexiconSources);
  return reading;
}

const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'tether-test-lexicon');

/**
 * The file holding the lexicon sources for this run: kept from an earlier run when nothing they are
 * made from changed (the source files `build-lexicon.ts` imports, the installed packages, Node),
 * else read with `read` and kept for the next run. Reading them takes seconds; the file, a fraction of one.
 */
export async function cachedLexiconSourcesFile(read: () => Promise<LexiconSources>): Promise<string> {
  const file = path.join(CACHE_DIR, `sources-${await sourcesKey()}.json`);
  const cached = await fs.stat(file).catch(() => undefined);
  if (cached?.isFile()) return file;
  const sources = await read();
  await fs.mkdir(CACHE_DIR, { recursive: true });
  // Sources of older code are never read again.
  for (const old of await fs.readdir(CACHE_DIR)) await fs.rm(path.join(CACHE_DIR, old), { force: true });
  // Written aside and renamed: a run killed halfway never leaves half a file under the final name.
  const partial = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(partial, JSON.stringify(sources));
  await fs.rename(partial, file);
  return file;
}

/** A hash of everything the sources are made from: the local modules build-lexicon.ts imports (transitively), package-lock.json and the Node version. */
async function sourcesKey(): Promise<string> {
  const hash = createHash('sha256').update(process.version);
  hash.update(await fs.readFile(path.join(REPO_ROOT, 'package-lock.json')));
  const seen = new Set<string>();
  const pending = [path.join(REPO_ROOT, 'src/index/build-lexicon.ts')];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await fs.readFile(file, 'utf8');
    hash.update(`${path.relative(REPO_ROOT, file)}\n${text}\n`);
    // Relative imports, static or dynamic, written with .js as the sources are.
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*'(\.\.?\/[^']+)\.js'/g)) pending.push(path.resolve(path.dirname(file), `${specifier}.ts`));
  }
  return hash.digest('hex').slice(0, 16);
}
