import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCorpus, type Corpus } from '../../src/corpus/load.js';
import { buildSemanticFile, buildSemanticFileAside } from '../../src/semantic/index.js';
import { BILINGUAL_FILES } from '../support/bilingual.js';
import { makeTmpProject, type TmpProject } from '../support/corpus.js';

let project: TmpProject | undefined;
let dir: string | undefined;
afterEach(async () => {
  await project?.remove();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  project = dir = undefined;
});

async function bilingualCorpus(): Promise<Corpus> {
  project = await makeTmpProject('semantic-worker', BILINGUAL_FILES);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tether-semantic-worker-'));
  return loadCorpus(project.corpusDir, project.root);
}

describe('the semantic tables built in a worker thread', () => {
  it('are the tables this thread builds, and their embedder is loaded from the file', async () => {
    const { articles } = await bilingualCorpus();
    const progress: string[] = [];
    const aside = await buildSemanticFileAside({ articles, file: path.join(dir!, 'aside.bin'), onProgress: (m) => progress.push(m) }, new AbortController().signal);
    const here = await buildSemanticFile({ articles, file: path.join(dir!, 'here.bin') });
    expect(aside?.identity).toEqual(here?.identity);
    // Byte for byte (Buffer.equals: the tables are megabytes, too many for a deep comparison).
    const [asideBytes, hereBytes] = await Promise.all([fs.readFile(path.join(dir!, 'aside.bin')), fs.readFile(path.join(dir!, 'here.bin'))]);
    expect(asideBytes.length).toBeGreaterThan(0);
    expect(asideBytes.equals(hereBytes)).toBe(true);
    // The worker's progress lines reach the build's.
    expect(progress.some((line) => line.startsWith('Semantic tables:'))).toBe(true);
    const article = articles[0]!;
    expect(Array.from(aside!.embedder.embedSentence(article, 0))).toEqual(Array.from(here!.embedder.embedSentence(article, 0)));
  });

  it("reject with the worker's error, said as it was", async () => {
    const { articles } = await bilingualCorpus();
    const file = path.join(dir!, 'no such folder', 'semantic.bin');
    await expect(buildSemanticFileAside({ articles, file }, new AbortController().signal)).rejects.toThrow(/ENOENT/);
  });

  it('stop when the build that started them is abandoned, writing nothing', async () => {
    const { articles } = await bilingualCorpus();
    const stop = new AbortController();
    const file = path.join(dir!, 'semantic.bin');
    const built = buildSemanticFileAside({ articles, file }, stop.signal);
    stop.abort();
    await expect(built).rejects.toThrow(/stopped .* before it finished/);
    await expect(fs.access(file)).rejects.toThrow();
  });
});
