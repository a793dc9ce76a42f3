#!/usr/bin/env node
// Runs an entry point of Tether from dist/, its compiled JavaScript (no TypeScript loader on the
// way to an answer): `node bin/run.mjs ask …` (npm run ask), `node bin/run.mjs start` (npm start).
// A stale dist/ (a source changed since it was built) is built again first, saying so. Without
// esbuild or a writable dist/, the sources run through tsx. `--prepare` (npm ci's `prepare`
// script) and `--build` (npm run build) only build: the first when stale, the second always; the
// first also compiles hnswlib-node for the CPU (bin/native.mjs).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildDist, distIsStale, ENTRY_POINTS } from './dist.mjs';
import { tuneHnswlib } from './native.mjs';

const COMMANDS = { ask: 'ask', start: 'main' };
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const [command = '', ...rest] = process.argv.slice(2);
const buildOnly = command === '--prepare' || command === '--build';
const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
if (!buildOnly && !entry) {
  process.stderr.write(`Usage: node bin/run.mjs ${Object.keys(COMMANDS).join('|')} [arguments] (or --prepare, --build)\n`);
  process.exit(2);
}

let compiled = true;
const stale = command === '--build' ? 'asked to' : distIsStale(root);
if (stale) {
  process.stderr.write(`Compiling Tether to dist/ (${stale})…\n`);
  try {
    compiled = await buildDist(root);
    if (!compiled) process.stderr.write('esbuild is not installed (run `npm ci`): running the TypeScript sources through tsx instead.\n');
  } catch (error) {
    const unwritable = ['EACCES', 'EPERM', 'EROFS'].includes(error?.code);
    if (!unwritable) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\nThe sources do not compile: fix the error above (npm run typecheck shows every one).\n`);
      process.exit(1);
    }
    compiled = false;
    process.stderr.write(`Cannot write dist/ (${error.message}): running the TypeScript sources through tsx instead.\n`);
  }
}
if (command === '--prepare') {
  const tuned = tuneHnswlib(root);
  if (tuned) process.stderr.write(`${tuned}\n`);
}
if (buildOnly) process.exit(compiled ? 0 : 1);

// The entry reads its arguments from process.argv: as if it had been started directly.
const file = compiled ? path.join(root, 'dist', `${entry}.js`) : path.join(root, ENTRY_POINTS[entry]);
process.argv.splice(1, process.argv.length - 1, file, ...rest);
if (!compiled) (await import('tsx/esm/api')).register();
await import(pathToFileURL(file).href);
