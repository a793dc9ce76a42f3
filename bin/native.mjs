// Compiles hnswlib-node's addon again for the vector instructions of the CPU installing it, at
// `npm ci` (the `prepare` script). Distance computations are most of an HNSW search and insert, and
// hnswlib uses its AVX code only when compiled with it, while npm compiles addons for x86-64's
// baseline (SSE2): on 1,024-dimension vectors a search takes a third less time, with the same
// neighbours. Plain JavaScript: it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Set to 1 to keep npm's portable build (a node_modules copied to a machine with another CPU). */
export const PORTABLE_SETTING = 'TETHER_PORTABLE_BUILD';

/** The file beside the tuned addon saying what it was compiled for. */
const MARKER = 'tether-cpu.json';

/**
 * The compiler flags for the CPU that `/proc/cpuinfo` describes: AVX2 and FMA on x86-64 when it has
 * both (hnswlib has no code for other instruction sets), else none.
 */
export function vectorFlags(cpuinfo, arch = process.arch) {
  if (arch !== 'x64' || !cpuinfo) return undefined;
  const line = cpuinfo.split('\n').find((text) => text.startsWith('flags'));
  const flags = new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
  return flags.has('avx2') && flags.has('fma') ? ['-mavx2', '-mfma'] : undefined;
}

/** `/proc/cpuinfo`, or undefined where there is none (macOS, Windows). */
export function readCpuInfo() {
  try {
    return fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Compiles `node_modules/hnswlib-node` for this CPU unless it already is (or cannot be): in a scratch
 * copy, checked by a search in a child process before its addon replaces the installed one, so a
 * failure leaves npm's build in place. Returns what it did, for the install's log.
 */
export function tuneHnswlib(root, { env = process.env, cpuinfo = readCpuInfo() } = {}) {
  const flags = vectorFlags(cpuinfo);
  const packageDir = path.join(root, 'node_modules', 'hnswlib-node');
  const addon = path.join(packageDir, 'build', 'Release', 'addon.node');
  if (env[PORTABLE_SETTING] === '1') {
    return tunedFlags(packageDir)
      ? `${PORTABLE_SETTING}=1, but an earlier install compiled hnswlib-node for this CPU: run \`npm rebuild hnswlib-node\` for npm's portable build.`
      : `${PORTABLE_SETTING}=1: hnswlib-node keeps npm's portable build.`;
  }
  if (!flags || !fs.existsSync(addon)) return undefined;
  if (tunedFlags(packageDir) === flags.join(' ')) return undefined;
  const nodeGyp = env.npm_config_node_gyp;
  if (!nodeGyp) return 'hnswlib-node keeps its portable build: run `npm run prepare` to compile it for this CPU.';

  const scratch = path.join(root, 'node_modules', '.cache', 'tether-hnswlib');
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  for (const entry of ['binding.gyp', 'package.json', 'src']) fs.cpSync(path.join(packageDir, entry), path.join(scratch, entry), { recursive: true });
  try {
    const built = spawnSync(process.execPath, [nodeGyp, 'rebuild'], { cwd: scratch, env: { ...env, CXXFLAGS: [env.CXXFLAGS, ...flags].filter(Boolean).join(' ') }, encoding: 'utf8' });
    const tuned = path.join(scratch, 'build', 'Release', 'addon.node');
    if (built.status !== 0 || !fs.existsSync(tuned)) return `hnswlib-node keeps its portable build: compiling it with ${flags.join(' ')} failed (${firstError(built.stderr)}).`;
    const probe = spawnSync(process.execPath, ['-e', PROBE, tuned], { encoding: 'utf8' });
    if (probe.status !== 0 || probe.stdout.trim() !== '0') return `hnswlib-node keeps its portable build: the addon compiled with ${flags.join(' ')} failed its check (${firstError(probe.stderr) || probe.stdout.trim()}).`;
    // Renamed into place: a process already holding the old file keeps it.
    fs.copyFileSync(tuned, `${addon}.tuned`);
    fs.renameSync(`${addon}.tuned`, addon);
    fs.writeFileSync(path.join(path.dirname(addon), MARKER), `${JSON.stringify({ flags: flags.join(' ') })}\n`);
    return `Compiled hnswlib-node for this CPU (${flags.join(' ')}).`;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The flags the addon of an installed hnswlib-node (its package folder) was compiled with for the CPU, if it was. */
export function tunedFlags(packageDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageDir, 'build', 'Release', MARKER), 'utf8')).flags;
  } catch {
    return undefined;
  }
}

/** The folder of the hnswlib-node that Tether's code loads. */
export function installedHnswlib() {
  return path.dirname(createRequire(import.meta.url).resolve('hnswlib-node/package.json'));
}

/** The first line of a tool's output that names an error (the compiler's, not node-gyp's closing "not ok"), else its last. */
function firstError(text) {
  const lines = (text ?? '').trim().split('\n');
  return (lines.find((line) => /\berror\b/i.test(line) && !line.startsWith('gyp')) ?? lines.at(-1) ?? '').trim();
}

/** Loads an addon (its path the one argument) and searches a tiny graph: prints the nearest label. */
const PROBE = `
const addon = { exports: {} };
process.dlopen(addon, process.argv[1]);
const { HierarchicalNSW } = addon.exports;
const index = new HierarchicalNSW('cosine', 32);
index.initIndex(4);
for (let label = 0; label < 4; label += 1) index.addPoint(Array.from({ length: 32 }, (_, j) => (j === label ? 1 : 0.01 * j)), label);
console.log(index.searchKnn(Array.from({ length: 32 }, (_, j) => (j === 0 ? 1 : 0.01 * j)), 1).neighbors[0]);
`;
