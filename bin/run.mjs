#!/usr/bin/env node
// Runs an entry point of Tether from dist/, the compiled JavaScript of src/ (no TypeScript loader
// on the way to an answer): `node bin/run.mjs ask …` (npm run ask), `node bin/run.mjs start`
// (npm start). Sources newer than their compiled files are compiled first (bin/dist.mjs), saying
// so; without TypeScript (`npm ci --omit=dev`) or a writable dist/, the sources run through tsx.
// `node bin/run.mjs --prepare` only compiles (npm ci runs it through the `prepare` script).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileSources, compiledName, staleSources } from './dist.mjs';

const ENTRIES = { ask: 'cli/ask.ts', start: 'main.ts' };
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const [name = '', ...rest] = process.argv.slice(2);
const entry = ENTRIES[name];
if (name !== '--prepare' && !entry) {
  process.stderr.write(`Usage: node bin/run.mjs ${Object.keys(ENTRIES).join('|')} [arguments] (or --prepare)\n`);
  process.exit(2);
}

let compiled = true;
const stale = staleSources(root);
if (stale.length > 0) {
  const say = name === '--prepare' || stale.length < 20 ? stale.length : 'all';
  process.stderr.write(`Compiling ${say === 'all' ? 'Tether' : `${say} changed source file${say === 1 ? '' : 's'}`} to dist/ (once)…\n`);
  try {
    compiled = await compileSources(root, stale);
    if (!compiled) process.stderr.write('TypeScript is not installed (npm ci --omit=dev?): running the sources through tsx instead.\n');
  } catch (error) {
    compiled = false;
    process.stderr.write(`Could not write dist/ (${error instanceof Error ? error.message : String(error)}): running the sources through tsx instead.\n`);
  }
}
if (name === '--prepare') process.exit(0);

// The entry reads its own arguments from process.argv: as if it had been started directly.
process.argv.splice(1, process.argv.length - 1, path.join(root, compiled ? 'dist' : 'src', compiled ? compiledName(entry) : entry), ...rest);
if (!compiled) (await import('tsx/esm/api')).register();
await import(pathToFileURL(process.argv[1]).href);
