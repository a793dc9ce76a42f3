import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadCorpus } from '../../src/corpus/load.js';
import { buildIndex } from '../../src/index/build.js';
import { indexFiles } from '../../src/index/manifest.js';
import { lexiconFileFromText } from '../../src/text/lexicon.js';
import { BILINGUAL_FILES } from './bilingual.js';
import { REPO_ROOT } from './corpus.js';
import { lexiconCacheFile } from './lexicon-cache.js';

/** A project folder built once for the run: `root/corpus/` and `root/index/`, read-only for the tests. */
export interface SharedProject {
  root: string;
  corpusDir: string;
  indexDir: string;
}

/** The indexes built once for the whole run (paths), handed to the tests through `inject`. */
export interface SharedIndexes {
  /** The shipped corpus (`REPO_ROOT/corpus`, sources relative to REPO_ROOT) with its index in a temp folder. */
  shipped: SharedProject;
  /** The bilingual fixture corpus (test/support/bilingual.ts). */
  bilingual: SharedProject;
  /** The run's lexicon cache (test/support/lexicon-cache.ts), holding the lexicons of the corpora above. */
  lexiconCacheDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    sharedIndexes: SharedIndexes;
  }
}

/**
 * Builds the indexes that many test files only read, once per run: an index build is most of what
 * a test file costs. A test that changes an index or its corpus copies one (`copySharedProject`) or
 * builds its own; the lexicons of these corpora go into the run's lexicon cache, which other
 * builds of the same texts reuse (test/support/setup-lexicon-cache.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-shared-'));
  try {
    const shipped: SharedProject = { root: REPO_ROOT, corpusDir: path.join(REPO_ROOT, 'corpus'), indexDir: path.join(base, 'shipped-index') };
    const bilingual = await writeProject(path.join(base, 'bilingual'), BILINGUAL_FILES);
    const lexiconCacheDir = path.join(base, 'lexicons');
    await fs.mkdir(lexiconCacheDir);
    // Two cores: the shipped corpus's index is built in a child process while this one builds the fixture's.
    await Promise.all([buildInChild(shipped), buildIndex({ corpus: await loadCorpus(bilingual.corpusDir, bilingual.root), indexDir: bilingual.indexDir })]);
    for (const shared of [shipped, bilingual]) {
      // The texts as buildIndex hands them to buildLexicon.
      const texts = (await loadCorpus(shared.corpusDir, shared.root)).articles.map((article) => article.text);
      const stored = await fs.readFile(indexFiles(shared.indexDir).lexicon, 'utf8');
      await fs.writeFile(lexiconCacheFile(lexiconCacheDir, texts), JSON.stringify(lexiconFileFromText(stored)));
    }
    project.provide('sharedIndexes', { shipped, bilingual, lexiconCacheDir });
  } catch (error) {
    await fs.rm(base, { recursive: true, force: true });
    throw error;
  }
  return () => fs.rm(base, { recursive: true, force: true });
}

/** Builds a project's index with test/support/build-index-child.ts, rejecting with its stderr when it fails. */
function buildInChild(shared: SharedProject): Promise<void> {
  const script = path.join(REPO_ROOT, 'test/support/build-index-child.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, shared.corpusDir, shared.root, shared.indexDir], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`building the shared index of ${shared.corpusDir} failed (exit ${code}):\n${stderr}`))));
  });
}

async function writeProject(root: string, files: Record<string, string>): Promise<SharedProject> {
  const corpusDir = path.join(root, 'corpus');
  await fs.mkdir(corpusDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(corpusDir, name), text, 'utf8');
  return { root, corpusDir, indexDir: path.join(root, 'index') };
}
