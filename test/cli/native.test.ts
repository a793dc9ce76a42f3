import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PORTABLE_SETTING, tunedFlags, tuneHnswlib, vectorFlags } from '../../bin/native.mjs';
import { makeTmpDir, REPO_ROOT } from '../support/corpus.js';

const tmpDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tmpDirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

const INSTALLED = path.join(REPO_ROOT, 'node_modules', 'hnswlib-node');
const cpuinfo = (flags: string) => `processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: ${flags}\n\nprocessor\t: 1\nflags\t\t: ${flags}\n`;

/** A project holding a copy of the installed hnswlib-node (its sources and its addon), nothing else. */
async function projectWithHnswlib(): Promise<{ root: string; addon: string }> {
  const root = await makeTmpDir('native');
  tmpDirs.push(root);
  const copy = path.join(root, 'node_modules', 'hnswlib-node');
  for (const entry of ['binding.gyp', 'package.json', 'src', 'lib', 'build/Release/addon.node']) await fs.cp(path.join(INSTALLED, entry), path.join(copy, entry), { recursive: true });
  await fs.symlink(path.join(REPO_ROOT, 'node_modules', 'node-addon-api'), path.join(root, 'node_modules', 'node-addon-api'));
  return { root, addon: path.join(copy, 'build', 'Release', 'addon.node') };
}

/** The nearest neighbour an addon finds in a small graph, searched in a child process. */
function searchWith(addon: string): string {
  const script = `const m = { exports: {} }; process.dlopen(m, process.argv[1]); const i = new m.exports.HierarchicalNSW('cosine', 3); i.initIndex(3);
i.addPoint([1, 0, 0], 7); i.addPoint([0, 1, 0], 8); i.addPoint([0, 0, 1], 9); console.log(i.searchKnn([0.1, 0.9, 0.2], 1).neighbors[0]);`;
  return spawnSync(process.execPath, ['-e', script, addon], { encoding: 'utf8' }).stdout.trim();
}

describe('hnswlib-node compiled for the CPU (npm ci’s prepare)', () => {
  it('asks for AVX2 and FMA only of an x86-64 CPU that has both', () => {
    expect(vectorFlags(cpuinfo('fpu sse2 avx avx2 bmi2 fma'), 'x64')).toEqual(['-mavx2', '-mfma']);
    expect(vectorFlags(cpuinfo('fpu sse2 avx fma'), 'x64')).toBeUndefined();
    expect(vectorFlags(cpuinfo('fpu sse2 avx avx2'), 'x64')).toBeUndefined();
    expect(vectorFlags(cpuinfo('fp asimd avx2 fma'), 'arm64')).toBeUndefined();
    expect(vectorFlags(undefined, 'x64')).toBeUndefined();
  });

  it('compiles the addon for this CPU once, and the tuned addon finds the same neighbours', async () => {
    const real = await fs.readFile('/proc/cpuinfo', 'utf8').catch(() => undefined);
    const flags = vectorFlags(real);
    const { root, addon } = await projectWithHnswlib();
    const before = await fs.readFile(addon);
    const message = tuneHnswlib(root, { env: process.env, cpuinfo: real });
    if (!flags) {
      // A CPU without AVX2 (or not x86-64): npm's build stays as it was.
      expect(message).toBeUndefined();
      expect(await fs.readFile(addon)).toEqual(before);
      return;
    }
    expect(message).toBe(`Compiled hnswlib-node for this CPU (${flags.join(' ')}).`);
    expect(tunedFlags(path.join(root, 'node_modules', 'hnswlib-node'))).toBe(flags.join(' '));
    expect(searchWith(addon)).toBe('8');
    // No scratch copy is left behind; a second prepare does nothing.
    expect(await fs.readdir(path.join(root, 'node_modules', '.cache'))).toEqual([]);
    const tuned = await fs.readFile(addon);
    expect(tuneHnswlib(root, { env: process.env, cpuinfo: real })).toBeUndefined();
    expect(await fs.readFile(addon)).toEqual(tuned);
  });

  it('a compile that fails says so and leaves npm’s build in place; the portable setting skips it', async () => {
    const { root, addon } = await projectWithHnswlib();
    const before = await fs.readFile(addon);
    const broken = path.join(root, 'node_modules', 'hnswlib-node', 'src', 'addon.cc');
    await fs.writeFile(broken, `this is not C++\n${await fs.readFile(broken, 'utf8')}`);
    const avx = cpuinfo('avx2 fma');
    expect(tuneHnswlib(root, { env: process.env, cpuinfo: avx })).toMatch(/^hnswlib-node keeps its portable build: compiling it with -mavx2 -mfma failed \(.*addon\.cc.*error/);
    expect(await fs.readFile(addon)).toEqual(before);
    expect(searchWith(addon)).toBe('8');

    expect(tuneHnswlib(root, { env: { ...process.env, [PORTABLE_SETTING]: '1' }, cpuinfo: avx })).toBe(`${PORTABLE_SETTING}=1: hnswlib-node keeps npm's portable build.`);
    const { npm_config_node_gyp: _nodeGyp, ...outsideNpm } = process.env;
    expect(tuneHnswlib(root, { env: outsideNpm, cpuinfo: avx })).toMatch(/run `npm run prepare`/);
    expect(await fs.readFile(addon)).toEqual(before);
    // An addon an earlier install compiled for the CPU is not npm's portable build: the setting says how to get it back.
    await fs.writeFile(path.join(path.dirname(addon), 'tether-cpu.json'), JSON.stringify({ flags: '-mavx2 -mfma' }));
    expect(tuneHnswlib(root, { env: { ...process.env, [PORTABLE_SETTING]: '1' }, cpuinfo: avx })).toMatch(/earlier install compiled hnswlib-node for this CPU: run `npm rebuild hnswlib-node`/);
  });
});
