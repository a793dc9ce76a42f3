import fs from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';
import { makeTmpDir, type TmpProject } from './corpus.js';
import type { SharedIndexes, SharedProject } from './global-setup.js';

/**
 * A project whose index was built once for the whole run (test/support/global-setup.ts). Read it,
 * never change it: a test that writes to an index or a corpus copies one with `copySharedProject`.
 */
export function sharedProject(name: Exclude<keyof SharedIndexes, 'lexiconSourcesFile'>): SharedProject {
  return inject('sharedIndexes')[name];
}

/** A private copy of a shared fixture project (corpus and index), to change; `remove` deletes it. */
export async function copySharedProject(prefix: string, name: 'bilingual'): Promise<TmpProject> {
  const shared = sharedProject(name);
  const root = await makeTmpDir(prefix);
  await fs.cp(shared.root, root, { recursive: true });
  return { root, corpusDir: path.join(root, 'corpus'), indexDir: path.join(root, 'index'), remove: () => fs.rm(root, { recursive: true, force: true, maxRetries: 3 }) };
}
