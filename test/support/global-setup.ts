import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildDist, distIsStale } from '../../bin/dist.mjs';
import { loadCorpus } from '../../src/corpus/load.js';
import { readLexiconSources } from '../../src/index/build-lexicon.js';
import { buildIndex } from '../../src/index/build.js';
import { BILINGUAL_FILES } from './bilingual.js';
import { REPO_ROOT } from './corpus.js';
import { cachedLexiconSourcesFile, readSharedLexiconSources } from './lexicon-sources.js';

/** A project folder built once for the run: `root/corpus/` and `root/index/`, read-only for the tests. */
export interface SharedProject {
  root: string;
  corpusDir: string;
  indexDir: string;
}

/** What the run shares (paths), handed to the tests through `inject`. */
export interface SharedIndexes {
  /** The shipped corpus (`REPO_ROOT/corpus`, sources relative to REPO_ROOT) with its index in a temp folder. */
  shipped: SharedProject;
  /** The bilingual fixture corpus (test/support/bilingual.ts). */
  bilingual: SharedProject;
  /** CC-CEDICT and WordNet as read once for the run (`LexiconSources` as JSON): every index build of the run makes its lexicon from them. */
  lexiconSourcesFile: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    sharedIndexes: SharedIndexes;
  }
}

/**
 * Reads the lexicon's sources (CC-CEDICT, WordNet: nearly all of an index build's time) once for the
 * run (or takes them from the last run when nothing they are made from changed), for every index build of the run (test/support/setup-lexicon.ts in the test files,
 * test/support/lexicon-hook/ in the CLIs they spawn), and builds the indexes that many test files
 * only read. A test that changes an index or its corpus copies one (`copySharedProject`) or builds its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The compiled CLI (`npm run ask`, `npm start`: bin/run.mjs) brought up to date once, before the
  // tests spawn it: never built by several of them at once, nor announced in the output they check.
  if (distIsStale(REPO_ROOT)) await buildDist(REPO_ROOT);
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-shared-'));
  try {
    const shipped: SharedProject = { root: REPO_ROOT, corpusDir: path.join(REPO_ROOT, 'corpus'), indexDir: path.join(base, 'shipped-index') };
    const bilingual = await writeProject(path.join(base, 'bilingual'), BILINGUAL_FILES);
    // A copy: the cache may change under a later run while this one still reads it.
    const lexiconSourcesFile = path.join(base, 'lexicon-sources.json');
    // One identity for the run's reading: every index of the run is built and updated from it.
    await fs.copyFile(await cachedLexiconSourcesFile(async () => ({ ...(await readLexiconSources()), identity: 'the test run reading' })), lexiconSourcesFile);
    const lexiconSources = await readSharedLexiconSources(lexiconSourcesFile);
    for (const shared of [shipped, bilingual]) {
      await buildIndex({ corpus: await loadCorpus(shared.corpusDir, shared.root), indexDir: shared.indexDir, lexiconSources });
    }
    project.provide('sharedIndexes', { shipped, bilingual, lexiconSourcesFile });
  } catch (error) {
    await fs.rm(base, { recursive: true, force: true });
    throw error;
  }
  return () => fs.rm(base, { recursive: true, force: true });
}

async function writeProject(root: string, files: Record<string, string>): Promise<SharedProject> {
  const corpusDir = path.join(root, 'corpus');
  await fs.mkdir(corpusDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(corpusDir, name), text, 'utf8');
  return { root, corpusDir, indexDir: path.join(root, 'index') };
}
