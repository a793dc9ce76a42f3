import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { ARTICLE_RULES_VERSION, loadCorpus } from '../../src/corpus/load.js';
import { chunkCorpus } from '../../src/index/build.js';
import { TetherError } from '../../src/errors.js';
import { indexWorkPaths } from '../../src/index/lifecycle.js';
import { INDEX_FORMAT_VERSION } from '../../src/index/manifest.js';
import { indexState, openIndex } from '../../src/index/open.js';
import { readArticleDerivations } from '../../src/index/lexical-store/read.js';
import { openTether } from '../../src/tether.js';
import { BILINGUAL_FILES } from '../support/bilingual.js';
import { copyToTmp, makeTmpDir, makeTmpProject, REPO_ROOT, unfaithfulQuotes, type TmpProject } from '../support/corpus.js';
import { readSharedLexiconSources } from '../support/lexicon-sources.js';

// The first open builds the index (the "missing" case); every other case works on a copy of it.
let project: TmpProject;
let firstOpenProgress: string[] = [];
const tmpDirs: string[] = [];

beforeAll(async () => {
  project = await makeTmpProject('lifecycle', BILINGUAL_FILES);
  firstOpenProgress = [];
  await openIndex({ corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root, onProgress: (m) => firstOpenProgress.push(m) });
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
    for (const file of ['manifest.json', 'hnswlib.index', 'chunk-labels.json', 'args.json', 'lexical.sqlite', 'lexicon.tsv']) {
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

  it('answers, once reopened, exactly as it did when just built', async () => {
    const indexDir = await makeTmpDir('fresh');
    tmpDirs.push(indexDir);
    const questions = ['How much did the new bridge cost?', 'Who praised the farmers?', 'When did the library reopen?', '港口重建計劃預計耗資多少？', 'Who is Chen Meiling?', '林志遠設計了什麼？'];
    const answersOf = async () => {
      const tether = await openTether({ corpusDir: project.corpusDir, indexDir, root: project.root });
      const answers = [];
      for (const question of questions) {
        const { confidence, answer, quotes, decision } = await tether.ask(question, { explain: true });
        answers.push({ confidence, answer, quotes: quotes.map((quote) => [quote.text, quote.score]), evidence: decision?.evidence });
      }
      return answers;
    };
    const justBuilt = await answersOf();
    const reopened = await answersOf();
    expect(reopened).toEqual(justBuilt);
  });

  it('reuses the sentences it derived of each article instead of splitting the texts again', async () => {
    const segment = vi.spyOn(Intl.Segmenter.prototype, 'segment');
    try {
      const index = await openIndex({ corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root });
      expect(segment).not.toHaveBeenCalled();
      segment.mockClear();
      const fresh = await loadCorpus(project.corpusDir, project.root);
      expect(segment, 'a load without the index splits every article').toHaveBeenCalled();
      expect(index.corpus.articles).toEqual(fresh.articles);
      expect(index.chunks, 'and the chunks it derived').toEqual(chunkCorpus(fresh));
    } finally {
      segment.mockRestore();
    }
  });

  it('reads the dictionaries it is handed only when it builds (the runs of the public sets share one reading)', async () => {
    let reads = 0;
    const lexiconSources = async () => {
      reads += 1;
      return readSharedLexiconSources(inject('sharedIndexes').lexiconSourcesFile);
    };
    const built = await openIndex({ corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root, lexiconSources });
    expect(reads).toBe(0);
    const indexDir = path.join(await makeTmpDir('sources'), 'index');
    tmpDirs.push(path.dirname(indexDir));
    const index = await openIndex({ corpusDir: project.corpusDir, indexDir, root: project.root, lexiconSources });
    expect(reads).toBe(1);
    expect(index.analyzer.lexicon.size).toBe(built.analyzer.lexicon.size);
  });

  it('is rebuilt when an earlier build was interrupted before its manifest was written', async () => {
    const { error, progress } = await openDamaged((dir) => fs.rm(path.join(dir, 'manifest.json')));
    expect(error).toBeUndefined();
    expect(progress[0]).toMatch(/No index/);
  });
});

describe('a stale index', () => {
  it('is updated when a corpus file changed, saying so, and answers from the new text', async () => {
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
    expect(progress[0]).toMatch(/corpus changed.*0 articles added, 1 changed, 0 removed.*updating/i);
    expect(progress.at(-1)).toMatch(/Updated the index: 0 articles added, 1 changed, 0 removed/);

    const answer = await tether.ask('What colour did the keeper paint the lighthouse?');
    expect(answer.found).toBe(true);
    expect(answer.quotes[0]?.text).toBe(added);
    expect(await unfaithfulQuotes(answer.quotes, root)).toEqual([]);

    const again: string[] = [];
    const reopened = await openIndex({ corpusDir, indexDir, root, onProgress: (m) => again.push(m) });
    expect(again, 'the updated index is up to date').toEqual([]);
    // The changed article's sentences, as the update stored them, are those of its new text.
    const derived = readArticleDerivations(path.join(indexDir, 'lexical.sqlite'));
    const changed = reopened.corpus.articles.find((article) => article.id === 'riverside-en')!;
    expect(derived?.get('riverside-en')?.sentences).toEqual((await loadCorpus(corpusDir, root)).articles.find((article) => article.id === 'riverside-en')!.sentences);
    expect(changed.text.slice(changed.sentences.at(-1)!.start, changed.sentences.at(-1)!.end)).toBe(added);
  });
});

describe('an index whose articles were derived under other article rules', () => {
  it('stores their derivations again on open, so the next open reuses them instead of deriving them again', async () => {
    const indexDir = await copyToTmp('rules', project.indexDir);
    tmpDirs.push(indexDir);
    const store = path.join(indexDir, 'lexical.sqlite');
    const db = new Database(store);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'articleRules'").run(ARTICLE_RULES_VERSION - 1);
    db.close();
    expect(readArticleDerivations(store)).toBeUndefined();
    const progress: string[] = [];
    await openIndex({ corpusDir: project.corpusDir, indexDir, root: project.root, onProgress: (m) => progress.push(m) });
    expect(progress, 'nothing rebuilt').toEqual([]);
    const { articles } = await loadCorpus(project.corpusDir, project.root);
    const derived = readArticleDerivations(store);
    expect([...(derived?.keys() ?? [])].sort()).toEqual(articles.map((article) => article.id).sort());
    for (const article of articles) expect(derived?.get(article.id)?.sentences).toEqual(article.sentences);
    const reopened = await loadCorpus(project.corpusDir, project.root, { known: derived });
    expect([...reopened.readings.values()].every((reading) => reading.chunks !== undefined)).toBe(true);
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

describe('a damaged index', () => {
  const damages: Array<[string, (dir: string) => Promise<void>]> = [
    ['garbage in hnswlib.index', (dir) => fs.writeFile(path.join(dir, 'hnswlib.index'), 'not an hnsw index '.repeat(64))],
    ['a truncated hnswlib.index', (dir) => overwrite(path.join(dir, 'hnswlib.index'), (b) => b.subarray(0, Math.floor(b.length / 2)))],
    ['a missing hnswlib.index', (dir) => fs.rm(path.join(dir, 'hnswlib.index'))],
    ['garbage in lexical.sqlite', (dir) => fs.writeFile(path.join(dir, 'lexical.sqlite'), '{"this is": not a database'.repeat(64))],
    ['a truncated lexical.sqlite', (dir) => overwrite(path.join(dir, 'lexical.sqlite'), (b) => b.subarray(0, 100))],
    ['garbage in chunk-labels.json', (dir) => fs.writeFile(path.join(dir, 'chunk-labels.json'), '\u0000\u0001binary')],
    ['garbage in lexicon.tsv', (dir) => fs.writeFile(path.join(dir, 'lexicon.tsv'), '[]')],
    ['a truncated lexicon.tsv', (dir) => overwrite(path.join(dir, 'lexicon.tsv'), (b) => b.subarray(0, Math.floor(b.length / 2)))],
    ['a lexicon.tsv of an older format', (dir) => fs.writeFile(path.join(dir, 'lexicon.tsv'), '{"version":4,"glosses":{}}\n')],
    ['a truncated manifest.json', (dir) => overwrite(path.join(dir, 'manifest.json'), (b) => b.subarray(0, Math.floor(b.length / 2)))],
    ['a manifest.json of this version missing fields', (dir) => fs.writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ formatVersion: INDEX_FORMAT_VERSION }))],
  ];

  for (const [name, damage] of damages) {
    it(`with ${name} is found to need a rebuild, saying why`, async () => {
      const indexDir = await copyToTmp('damaged', project.indexDir);
      tmpDirs.push(indexDir);
      await damage(indexDir);
      const state = await indexState({ corpusDir: project.corpusDir, indexDir, root: project.root });
      expect(state).toEqual({ rebuild: expect.stringMatching(/(damaged|unreadable).*: rebuilding/) });
    });
  }

  it('is rebuilt automatically, saying so, after the stale lock and temporary folder of a killed build are cleared', async () => {
    const root = await makeTmpDir('killed');
    tmpDirs.push(root);
    const indexDir = path.join(root, 'index');
    await fs.cp(project.indexDir, indexDir, { recursive: true });
    await fs.writeFile(path.join(indexDir, 'hnswlib.index'), 'not an hnsw index '.repeat(64));
    // What a build killed half-way leaves: its lock (the process is gone) and its temporary folder.
    const deadPid = await exitedProcessId();
    const work = indexWorkPaths(indexDir);
    await fs.writeFile(work.lock, JSON.stringify({ pid: deadPid, host: os.hostname(), startedAt: new Date().toISOString(), token: 'killed' }));
    await fs.mkdir(path.join(root, `${work.tempPrefix}${deadPid}-0000`));
    await fs.writeFile(path.join(root, `${work.tempPrefix}${deadPid}-0000`, 'lexicon.tsv'), '{"half":');

    const progress: string[] = [];
    const index = await openIndex({ corpusDir: project.corpusDir, indexDir, root: project.root, onProgress: (m) => progress.push(m) });
    expect(progress[0]).toMatch(/damaged or incomplete.*rebuilding/);
    expect(progress).toContainEqual(expect.stringMatching(new RegExp(`stale index lock left by process ${deadPid}`)));
    expect(progress.at(-1)).toMatch(/Index built/);
    expect(index.vectorStore.index.getCurrentCount()).toBe(index.chunks.length);
    expect(await fs.readdir(root)).toEqual(['index']);
    expect(await indexState({ corpusDir: project.corpusDir, indexDir, root: project.root }), 'the next open loads it').toHaveProperty('ready');
  });
});

describe('a build or update that fails half-way (as a killed one would)', () => {
  it.each([
    ['a full build (both articles changed)', ['riverside-en.txt', 'riverside-zh.txt'], /^Reading CC-CEDICT/],
    ['an incremental update (one article changed)', ['riverside-en.txt'], /^Embedding \d+ chunks/],
  ])('%s leaves the previous index in place, and no temporary folder or lock', async (_, changed, failAt) => {
    const root = await makeTmpDir('interrupted');
    tmpDirs.push(root);
    const corpusDir = path.join(root, 'corpus');
    const indexDir = path.join(root, 'index');
    await fs.cp(project.corpusDir, corpusDir, { recursive: true });
    await fs.cp(project.indexDir, indexDir, { recursive: true });
    for (const name of changed) await fs.appendFile(path.join(corpusDir, name), '\nA new paragraph about the harbour lights.\n');
    const before = await fs.readFile(path.join(indexDir, 'manifest.json'), 'utf8');

    // Fails once the build (or update) has started writing its temporary folder; a failed update
    // falls back to a full build, which fails too.
    const failure = new Error('simulated crash');
    const messages: string[] = [];
    const opened = openIndex({
      corpusDir,
      indexDir,
      root,
      onProgress: (message) => {
        messages.push(message);
        if (failAt.test(message) || message.startsWith('Reading CC-CEDICT')) throw failure;
      },
    });
    await expect(opened).rejects.toBe(failure);
    expect(messages.some((message) => failAt.test(message))).toBe(true);

    expect(await fs.readFile(path.join(indexDir, 'manifest.json'), 'utf8')).toBe(before);
    expect((await fs.readdir(root)).sort()).toEqual(['corpus', 'index']);
    expect(await indexState({ corpusDir: project.corpusDir, indexDir, root: project.root }), 'the previous index still loads over its corpus').toHaveProperty('ready');
  });
});

describe('concurrent builds', () => {
  it('take turns: the second waits for the first and reuses its index', async () => {
    const root = await makeTmpDir('concurrent');
    tmpDirs.push(root);
    const indexDir = path.join(root, 'index');
    const [first, second] = [[], []] as [string[], string[]];
    const [a, b] = await Promise.all([
      openIndex({ corpusDir: project.corpusDir, indexDir, root: project.root, onProgress: (m) => first.push(m) }),
      openIndex({ corpusDir: project.corpusDir, indexDir, root: project.root, onProgress: (m) => second.push(m) }),
    ]);
    const builds = [first, second].filter((messages) => messages.some((m) => /Index built/.test(m)));
    const waiters = [first, second].filter((messages) => messages.some((m) => /waiting for it/.test(m)));
    expect(builds).toHaveLength(1);
    expect(waiters).toHaveLength(1);
    expect(waiters[0]).toContainEqual(expect.stringMatching(/just built the index: using it/));
    expect(a.manifest.builtAt).toBe(b.manifest.builtAt);
    expect((await fs.readdir(root)).sort()).toEqual(['index']);
  });

  it('wait while another live process holds the lock, then use the index it finished', async () => {
    const root = await makeTmpDir('locked');
    tmpDirs.push(root);
    const indexDir = path.join(root, 'index');
    const holder = spawn(process.execPath, ['-e', 'process.stdin.resume()'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    try {
      const work = indexWorkPaths(indexDir);
      await fs.writeFile(work.lock, JSON.stringify({ pid: holder.pid, host: os.hostname(), startedAt: new Date().toISOString(), token: 'other' }));
      const progress: string[] = [];
      let waiting!: () => void;
      const announced = new Promise<void>((resolve) => (waiting = resolve));
      const opened = openIndex({
        corpusDir: project.corpusDir,
        indexDir,
        root: project.root,
        onProgress: (m) => {
          progress.push(m);
          if (/waiting for it/.test(m)) waiting();
        },
      });
      await announced;
      expect(progress[1]).toMatch(new RegExp(`Another process \\(pid ${holder.pid}\\) is building the index`));
      // The other process finishes: its index appears and its lock goes.
      await fs.cp(project.indexDir, indexDir, { recursive: true });
      await fs.rm(work.lock);
      const index = await opened;
      expect(progress.at(-1)).toMatch(/just built the index: using it/);
      expect(progress.some((m) => /Index built/.test(m))).toBe(false);
      expect(index.chunks.length).toBeGreaterThan(0);
    } finally {
      holder.stdin.end();
      await exited;
    }
  });
});

describe('a read-only index', () => {
  /** Copies the built index and corpus to a project whose folders nobody may write, with `prepare` run first. */
  async function readOnlyProject(prepare: (corpusDir: string, indexDir: string) => Promise<void>) {
    const root = await makeTmpDir('read-only');
    tmpDirs.push(root);
    const corpusDir = path.join(root, 'corpus');
    const indexDir = path.join(root, 'index');
    await fs.cp(project.corpusDir, corpusDir, { recursive: true });
    await fs.cp(project.indexDir, indexDir, { recursive: true });
    await prepare(corpusDir, indexDir);
    for (const file of await fs.readdir(indexDir)) await fs.chmod(path.join(indexDir, file), 0o444);
    await fs.chmod(indexDir, 0o555);
    await fs.chmod(root, 0o555);
    return { root, corpusDir, indexDir, restore: () => fs.chmod(root, 0o755).then(() => fs.chmod(indexDir, 0o755)) };
  }

  it('with a changed corpus answers from the articles as indexed, with a warning naming the fix', async () => {
    const added = 'A sentence added after the index was built.';
    const dirs = await readOnlyProject((corpusDir) => fs.appendFile(path.join(corpusDir, 'riverside-en.txt'), `\n${added}\n`));
    try {
      const result = await openInChildAsAnotherUser(dirs);
      expect(result.error).toBeUndefined();
      expect(result.messages).toContainEqual(expect.stringMatching(/corpus changed.*read-only: answering from the articles as indexed on .*npm run build-index/));
      const english = result.articles?.find((article) => article.id === 'riverside-en');
      expect(english?.text).toBe(BILINGUAL_FILES['riverside-en.txt']);
      expect(english?.text).not.toContain(added);
      expect(result.chunksMatchText).toBe(true);
      expect(result.vectors).toBe(result.chunks);
    } finally {
      await dirs.restore();
    }
  });

  it('that is also damaged is an INDEX_READ_ONLY error naming the fix, not a raw EACCES', async () => {
    const dirs = await readOnlyProject((_, indexDir) => fs.writeFile(path.join(indexDir, 'manifest.json'), '{"formatVersion":'));
    try {
      const result = await openInChildAsAnotherUser(dirs);
      expect(result.error?.code).toBe('INDEX_READ_ONLY');
      expect(result.error?.message).toMatch(/read-only, so it cannot be rebuilt/);
    } finally {
      await dirs.restore();
    }
  });
});

interface ChildResult {
  messages: string[];
  articles?: Array<{ id: string; text: string }>;
  chunksMatchText?: boolean;
  chunks?: number;
  vectors?: number;
  error?: { code?: string; message: string };
}

/**
 * Opens the index in a child process; as root (who may write anywhere), as the user `nobody`, so
 * that folder permissions hold as they would for anyone else.
 */
async function openInChildAsAnotherUser(dirs: { root: string; corpusDir: string; indexDir: string }): Promise<ChildResult> {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const script = path.join(REPO_ROOT, 'test/core/fixtures/open-index-child.ts');
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules/.bin/tsx'), script, dirs.root, dirs.corpusDir, dirs.indexDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...asNobody,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
}

/** The id of a process that has exited: what a killed build's lock file names. */
async function exitedProcessId(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

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
