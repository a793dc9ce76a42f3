import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadCorpus } from '../../src/corpus/load.js';
import { buildIndex } from '../../src/index/build.js';
import { indexFiles } from '../../src/index/manifest.js';
import { BILINGUAL_FILES } from './bilingual.js';
import { REPO_ROOT } from './corpus.js';
import { HARBOUR_FILES } from './harbour.js';
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
  /** The bilingual fixture plus the harbour fixture (test/support/harbour.ts). */
  bilingualHarbour: SharedProject;
  /** The run's lexicon cache (test/support/lexicon-cache.ts), holding the lexicons of the corpora above. */
  lexiconCacheDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    sharedIndexes: SharedIndexes;
  }
}

/**
 * Builds the indexes that many test files only read, once per run and in one process (so the
 * CC-CEDICT import is paid once): an index build is most of what a test file costs. A test that
 * changes an index or its corpus copies one (`copySharedProject`) or builds its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-shared-'));
  try {
    const shipped: SharedProject = { root: REPO_ROOT, corpusDir: path.join(REPO_ROOT, 'corpus'), indexDir: path.join(base, 'shipped-index') };
    const bilingual = await writeProject(path.join(base, 'bilingual'), BILINGUAL_FILES);
    const bilingualHarbour = await writeProject(path.join(base, 'bilingual-harbour'), { ...BILINGUAL_FILES, ...HARBOUR_FILES });
    const lexiconCacheDir = path.join(base, 'lexicons');
    await fs.mkdir(lexiconCacheDir);
    for (const shared of [shipped, bilingual, bilingualHarbour]) {
      const corpus = await loadCorpus(shared.corpusDir, shared.root);
      await buildIndex({ corpus, indexDir: shared.indexDir });
      // The texts as buildIndex hands them to buildLexicon.
      const texts = corpus.articles.map((article) => article.text);
      await fs.copyFile(indexFiles(shared.indexDir).lexicon, lexiconCacheFile(lexiconCacheDir, texts));
    }
    project.provide('sharedIndexes', { shipped, bilingual, bilingualHarbour, lexiconCacheDir });
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
