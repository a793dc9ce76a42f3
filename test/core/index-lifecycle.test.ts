import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TetherError } from '../../src/errors.js';
import { openIndex } from '../../src/index/open.js';
import { openTether } from '../../src/tether.js';
import { BILINGUAL_FILES } from '../support/bilingual.js';
import { copyToTmp, makeTmpDir, makeTmpProject, unfaithfulQuotes, type TmpProject } from '../support/corpus.js';

// The first open builds the index (the "missing" case); every other case works on a copy of it.
let project: TmpProject;
let firstOpenProgress: string[] = [];
const tmpDirs: string[] = [];

beforeAll(async () => {
  project = await makeTmpProject('lifecycle', BILINGUAL_FILES);
  firstOpenProgress = [];
  await openTether({ corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root, onProgress: (m) => firstOpenProgress.push(m) });
});

afterAll(async () => {
  await Promise.all([project?.remove(), ...tmpDirs.map((dir) => fs.rm(dir, { recursive: true, force: true }))]);
});

/** A copy of the built index, damaged by `damage`, opened over the same corpus. */
async function openDamaged(damage: (indexDir: string) => Promise<void>): Promise<{ error: unknown; progress: string[] }> {
  const indexDir = await copyToTmp('damaged', project.indexDir);
  tmpDirs.push(indexDir);
  await damage(indexDir);
  const progress: string[] = [];
  try {
    await openIndex({ corpusDir: project.corpusDir, indexDir, root: project.root, onProgress: (m) => progress.push(m) });
    return { error: undefined, progress };
  } catch (error) {
    return { error, progress };
  }
}

function expectTetherError(error: unknown, code: string): TetherError {
  expect(error).toBeInstanceOf(TetherError);
  const tetherError = error as TetherError;
  expect(tetherError.code).toBe(code);
  return tetherError;
}

async function overwrite(file: string, transform: (content: Buffer) => Buffer | string): Promise<void> {
  await fs.writeFile(file, transform(await fs.readFile(file)));
}

describe('a missing index', () => {
  it('is built automatically on first open, saying so', async () => {
    expect(firstOpenProgress[0]).toMatch(/No index in .* building it now/);
    expect(firstOpenProgress.at(-1)).toMatch(/Index built/);
    const files = await fs.readdir(project.indexDir);
    for (const file of ['manifest.json', 'hnswlib.index', 'docstore.json', 'args.json', 'lexical.json', 'lexicon.json', 'embedder.json']) {
      expect(files).toContain(file);
    }
    const manifest = JSON.parse(await fs.readFile(path.join(project.indexDir, 'manifest.json'), 'utf8')) as {
      counts: { articles: number; chunks: number };
      embedder: { name: string };
    };
    expect(manifest.counts.articles).toBe(2);
    expect(manifest.counts.chunks).toBeGreaterThan(0);
    expect(manifest.embedder.name).toBe('tether-local-bilingual');
  });

  it('is loaded, not rebuilt, on the next open', async () => {
    const progress: string[] = [];
    const index = await openIndex({ corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root, onProgress: (m) => progress.push(m) });
    expect(progress).toEqual([]);
    expect(index.vectorStore.index.getCurrentCount()).toBe(index.chunks.length);
  });

  it('is rebuilt when an earlier build was interrupted before its manifest was written', async () => {
    const { error, progress } = await openDamaged((dir) => fs.rm(path.join(dir, 'manifest.json')));
    expect(error).toBeUndefined();
    expect(progress[0]).toMatch(/No index/);
  });
});

describe('a stale index', () => {
  it('is rebuilt when a corpus file changed, saying so, and answers from the new text', async () => {
    const root = await makeTmpDir('stale');
    tmpDirs.push(root);
    const corpusDir = path.join(root, 'corpus');
    const indexDir = path.join(root, 'index');
    await fs.cp(project.corpusDir, corpusDir, { recursive: true });
    await fs.cp(project.indexDir, indexDir, { recursive: true });
    const added = 'The lighthouse keeper painted the tower bright orange last spring.';
    await fs.appendFile(path.join(corpusDir, 'riverside-en.txt'), `\n${added}\n`);

    const progress: string[] = [];
    const tether = await openTether({ corpusDir, indexDir, root, onProgress: (m) => progress.push(m) });
    expect(progress[0]).toMatch(/corpus changed.*rebuilding/i);
    expect(progress.at(-1)).toMatch(/Index built/);

    const answer = await tether.ask('What colour did the keeper paint the lighthouse?');
    expect(answer.found).toBe(true);
    expect(answer.quotes[0]?.text).toBe(added);
    expect(await unfaithfulQuotes(answer.quotes, root)).toEqual([]);

    const again: string[] = [];
    await openIndex({ corpusDir, indexDir, root, onProgress: (m) => again.push(m) });
    expect(again, 'the rebuilt index is up to date').toEqual([]);
  });
});

describe('an index built with other chunking', () => {
  it('is rebuilt, saying so, rather than loaded with chunk ids that no longer match', async () => {
    const { error, progress } = await openDamaged((dir) =>
      overwrite(path.join(dir, 'manifest.json'), (b) => {
        const manifest = JSON.parse(b.toString('utf8')) as { chunking: { maxSize: number } };
        manifest.chunking.maxSize += 100;
        return JSON.stringify(manifest);
      }),
    );
    expect(error).toBeUndefined();
    expect(progress[0]).toMatch(/chunking changed.*rebuilding/i);
  });

  it('records the chunk boundaries in the manifest, so moved boundaries (new sentence rules) also rebuild', async () => {
    const manifest = JSON.parse(await fs.readFile(path.join(project.indexDir, 'manifest.json'), 'utf8')) as { chunksHash?: string };
    expect(manifest.chunksHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('a corrupt index', () => {
  const damages: Array<[string, (dir: string) => Promise<void>]> = [
    ['garbage in hnswlib.index', (dir) => fs.writeFile(path.join(dir, 'hnswlib.index'), 'not an hnsw index '.repeat(64))],
    ['a truncated hnswlib.index', (dir) => overwrite(path.join(dir, 'hnswlib.index'), (b) => b.subarray(0, Math.floor(b.length / 2)))],
    ['a missing hnswlib.index', (dir) => fs.rm(path.join(dir, 'hnswlib.index'))],
    ['garbage in lexical.json', (dir) => fs.writeFile(path.join(dir, 'lexical.json'), '{"this is": not json')],
    ['garbage in docstore.json', (dir) => fs.writeFile(path.join(dir, 'docstore.json'), '\u0000\u0001binary')],
    ['garbage in lexicon.json', (dir) => fs.writeFile(path.join(dir, 'lexicon.json'), '[]')],
    ['a truncated manifest.json', (dir) => overwrite(path.join(dir, 'manifest.json'), (b) => b.subarray(0, Math.floor(b.length / 2)))],
    ['a manifest.json missing fields', (dir) => fs.writeFile(path.join(dir, 'manifest.json'), '{"formatVersion": 1}')],
  ];

  for (const [name, damage] of damages) {
    it(`with ${name} is reported as INDEX_CORRUPT, naming the command to run`, async () => {
      const { error, progress } = await openDamaged(damage);
      const tetherError = expectTetherError(error, 'INDEX_CORRUPT');
      expect(tetherError.userMessage).toContain('npm run build-index');
      expect(tetherError.userMessage.split('\n').length).toBeLessThanOrEqual(2);
      expect(progress, 'a corrupt index is not silently rebuilt').toEqual([]);
    });
  }
});

describe('an index built with another embedder', () => {
  it('is reported as EMBEDDER_MISMATCH, naming both embedders and the command to run', async () => {
    const { error } = await openDamaged((dir) =>
      overwrite(path.join(dir, 'manifest.json'), (b) => {
        const manifest = JSON.parse(b.toString('utf8')) as { embedder: { name: string } };
        manifest.embedder.name = 'some-other-embedder';
        return JSON.stringify(manifest);
      }),
    );
    const tetherError = expectTetherError(error, 'EMBEDDER_MISMATCH');
    expect(tetherError.userMessage).toContain('some-other-embedder');
    expect(tetherError.userMessage).toContain('tether-local-bilingual');
    expect(tetherError.userMessage).toContain('npm run build-index');
  });
});

describe('a bad corpus folder', () => {
  it('is a CORPUS error when missing or without articles', async () => {
    const empty = await makeTmpDir('empty-corpus');
    tmpDirs.push(empty);
    for (const corpusDir of [path.join(empty, 'does-not-exist'), empty]) {
      const error = await openIndex({ root: empty, corpusDir, indexDir: path.join(empty, 'index') }).catch((e: unknown) => e);
      expectTetherError(error, 'CORPUS');
    }
  });
});
