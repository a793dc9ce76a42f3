import fs from 'node:fs/promises';
import path from 'node:path';
import { runChild } from './process.js';

/**
 * Bundles a TypeScript entry point into one ESM file with esbuild (the binary tsx already ships),
 * npm packages left external, so the cost of running it without tsx can be measured. `outDir` must
 * lie inside the project so the bundle resolves packages from its node_modules. Returns the bundle's
 * path, or undefined (with the reason) when esbuild is missing or fails.
 */
export async function bundleEntry(root: string, entry: string, outDir: string): Promise<{ file: string } | { error: string }> {
  const esbuild = path.join(root, 'node_modules/.bin/esbuild');
  try {
    await fs.access(esbuild);
  } catch {
    return { error: 'esbuild is not installed' };
  }
  const file = path.join(outDir, `${path.basename(entry, path.extname(entry))}.mjs`);
  const result = await runChild(
    esbuild,
    [entry, '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${file}`, '--log-level=warning'],
    { cwd: root, env: {} },
  );
  return result.exitCode === 0 ? { file } : { error: result.stderr.trim() || `esbuild exited with ${result.exitCode}` };
}
