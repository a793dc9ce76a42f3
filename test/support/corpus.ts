import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Quote } from '../../src/answer/types.js';

/** The repository root: spawned CLIs run here, and the real corpus lives under it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A throwaway project folder: `root/corpus/*.txt` plus `root/index/` for the index. */
export interface TmpProject {
  root: string;
  corpusDir: string;
  indexDir: string;
  /** Deletes the whole folder. */
  remove: () => Promise<void>;
}

/** A fresh temp folder (under the OS temp dir) with a prefix naming the test. */
export async function makeTmpDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `tether-${prefix}-`));
}

/** Writes `files` (name → text, e.g. `a.txt`, `a.meta.json`) into a temp project's corpus folder. */
export async function makeTmpProject(prefix: string, files: Record<string, string>): Promise<TmpProject> {
  const root = await makeTmpDir(prefix);
  const corpusDir = path.join(root, 'corpus');
  await fs.mkdir(corpusDir);
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(corpusDir, name), text, 'utf8');
  return { root, corpusDir, indexDir: path.join(root, 'index'), remove: () => fs.rm(root, { recursive: true, force: true, maxRetries: 3 }) };
}

/** Copies a folder (an index, a corpus) to a fresh temp folder and returns its path. */
export async function copyToTmp(prefix: string, from: string): Promise<string> {
  const to = await makeTmpDir(prefix);
  await fs.cp(from, to, { recursive: true });
  return to;
}

/** The quotes whose text is not exactly their source file's text between their offsets (should be none). */
export async function unfaithfulQuotes(quotes: Array<Pick<Quote, 'source' | 'start' | 'end' | 'text'>>, root: string): Promise<string[]> {
  const bad: string[] = [];
  for (const quote of quotes) {
    const text = await fs.readFile(path.resolve(root, quote.source), 'utf8');
    if (text.slice(quote.start, quote.end) !== quote.text) bad.push(`${quote.source} ${quote.start}-${quote.end}`);
  }
  return bad;
}
