import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatChecks, runChecks, type Check } from '../../src/cli/doctor.js';
import { describeSources, formatSources } from '../../src/cli/sources.js';
import { loadConfig } from '../../src/config.js';
import { makeTmpProject, REPO_ROOT, type TmpProject } from '../support/corpus.js';
import { closedAddress, startServer, type LocalServer } from './servers.js';

const GOOD_TOKEN = 'good-token';
let project: TmpProject;
let discord: LocalServer;
let models: LocalServer;
let hanging: LocalServer;

beforeAll(async () => {
  const article = await fs.readFile(path.join(REPO_ROOT, 'corpus/new-position-alibaba-cloud-turmoil.txt'), 'utf8');
  project = await makeTmpProject('doctor', { 'article.txt': article, 'slides.pdf': 'not an article' });
  // Discord's REST API: /users/@me accepts one token and refuses others, as Discord does.
  discord = await startServer((url, authorization) =>
    url === '/api/v10/users/@me' ? (authorization === `Bot ${GOOD_TOKEN}` ? { status: 200, body: { id: '1', username: 'tether' } } : { status: 401, body: { message: '401: Unauthorized', code: 0 } }) : { status: 404, body: {} },
  );
  models = await startServer((url, authorization) => (url !== '/v1/models' ? { status: 404, body: {} } : authorization === 'Bearer bad' ? { status: 401, body: {} } : { status: 200, body: { data: [] } }));
  hanging = await startServer(() => undefined);
});

afterAll(async () => {
  await Promise.all([discord.close(), models.close(), hanging.close(), project.remove()]);
});

function env(settings: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { CORPUS_DIR: project.corpusDir, INDEX_DIR: project.indexDir, ...settings };
}

function find(checks: Check[], name: string): Check {
  const check = checks.find((c) => c.name === name);
  if (!check) throw new Error(`no "${name}" check in ${checks.map((c) => c.name).join(', ')}`);
  return check;
}

describe('npm run doctor', () => {
  it('reports bad settings with the fix, and checks nothing else', async () => {
    const checks = await runChecks({ env: env({ RATE_LIMIT_PER_MINUTE: 'lots' }), root: project.root, timeoutMs: 1000 });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: 'settings', status: 'fail', detail: expect.stringContaining('RATE_LIMIT_PER_MINUTE'), fix: expect.stringContaining('.env') });
  });

  it('lists the corpus files it skips and a missing index with what to run; endpoints not configured are skipped', async () => {
    const checks = await runChecks({ env: env(), root: project.root, timeoutMs: 1000 });
    expect(find(checks, 'settings').status).toBe('ok');
    expect(find(checks, 'corpus')).toMatchObject({ status: 'ok', detail: expect.stringContaining('1 articles (en)') });
    expect(find(checks, 'corpus files skipped')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^corpus\/slides\.pdf \(not an article format/) });
    expect(find(checks, 'index')).toMatchObject({ status: 'warn', fix: expect.stringContaining('npm run build-index') });
    for (const name of ['Discord', 'chat model', 'embeddings']) expect(find(checks, name).status).toBe('skip');
  });

  it('tells a reachable Discord with an accepted token from a refused token and from an unreachable address', async () => {
    const unreachable = await closedAddress();
    const [accepted, refused, down] = await Promise.all([
      runChecks({ env: env({ DISCORD_TOKEN: GOOD_TOKEN, DISCORD_API_BASE: `${discord.url}/api` }), root: project.root, timeoutMs: 2000 }),
      runChecks({ env: env({ DISCORD_TOKEN: 'revoked-token', DISCORD_API_BASE: `${discord.url}/api` }), root: project.root, timeoutMs: 2000 }),
      runChecks({ env: env({ DISCORD_TOKEN: GOOD_TOKEN, DISCORD_API_BASE: `${unreachable}/api` }), root: project.root, timeoutMs: 2000 }),
    ]);
    expect(find(accepted, 'Discord').status).toBe('ok');
    expect(find(refused, 'Discord')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/token was refused \(401 from http:\/\/127\.0\.0\.1:\d+\/api\/v10\/users\/@me\)/), fix: expect.stringContaining('DISCORD_TOKEN') });
    expect(find(down, 'Discord')).toMatchObject({ status: 'fail', detail: expect.stringContaining(`unreachable at ${unreachable}/api`), fix: expect.stringContaining('DISCORD_API_BASE') });
    // The token goes in the header only: never in what the doctor prints.
    expect(formatChecks(refused)).not.toContain('revoked-token');
  });

  it('checks the chat model and embeddings endpoints: reachable, key refused, unreachable, and not answering within the timeout', async () => {
    const unreachable = await closedAddress();
    const llm = (base: string, key?: string) => ({ LLM_BASE_URL: `${base}/v1`, LLM_MODEL: 'm', ...(key ? { LLM_API_KEY: key } : {}) });
    const [up, badKey, down, silent] = await Promise.all([
      runChecks({ env: env({ ...llm(models.url), EMBEDDINGS: 'openai', EMBEDDINGS_BASE_URL: `${models.url}/v1`, EMBEDDINGS_MODEL: 'e' }), root: project.root, timeoutMs: 2000 }),
      runChecks({ env: env(llm(models.url, 'bad')), root: project.root, timeoutMs: 2000 }),
      runChecks({ env: env(llm(unreachable)), root: project.root, timeoutMs: 2000 }),
      runChecks({ env: env(llm(hanging.url)), root: project.root, timeoutMs: 200 }),
    ]);
    expect(find(up, 'chat model').status).toBe('ok');
    expect(find(up, 'embeddings').status).toBe('ok');
    expect(find(badKey, 'chat model')).toMatchObject({ status: 'fail', detail: expect.stringContaining('key was refused') });
    expect(find(down, 'chat model')).toMatchObject({ status: 'fail', detail: expect.stringContaining(`unreachable at ${unreachable}/v1/models (ECONNREFUSED)`) });
    expect(find(silent, 'chat model')).toMatchObject({ status: 'fail', detail: expect.stringContaining('no answer in 0.2 s'), fix: expect.stringContaining('LLM_BASE_URL') });
  });

  it('says whether the HNSW addon was compiled for the CPU, and fails one compiled for instructions the CPU lacks', async () => {
    const withAvx = 'processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\n';
    const withoutAvx = 'processor\t: 0\nflags\t\t: fpu sse2 sse4_2\n';
    const tuned = path.join(project.root, 'hnswlib-tuned');
    await fs.mkdir(path.join(tuned, 'build', 'Release'), { recursive: true });
    await fs.writeFile(path.join(tuned, 'build', 'Release', 'tether-cpu.json'), JSON.stringify({ flags: '-mavx2 -mfma' }));
    const portable = path.join(project.root, 'hnswlib-portable');
    await fs.mkdir(path.join(portable, 'build', 'Release'), { recursive: true });
    const check = async (hnswlibDir: string, cpuinfo: string | undefined) => find(await runChecks({ env: env(), root: project.root, timeoutMs: 1000, hnswlibDir, cpuinfo }), 'vector search');

    expect(await check(tuned, withAvx)).toMatchObject({ status: 'ok', detail: 'hnswlib-node compiled for this CPU (-mavx2 -mfma)' });
    expect(await check(portable, withAvx)).toMatchObject({ status: 'warn', detail: expect.stringContaining("npm's portable build"), fix: expect.stringContaining('npm run prepare') });
    expect(await check(portable, withoutAvx)).toMatchObject({ status: 'ok', detail: expect.stringContaining('no AVX2') });
    expect(await check(portable, undefined)).toMatchObject({ status: 'ok' });
    // node_modules copied to an older machine: the addon would crash at the first search.
    expect(await check(tuned, withoutAvx)).toMatchObject({ status: 'fail', detail: expect.stringContaining('a search would crash'), fix: expect.stringContaining('npm rebuild hnswlib-node') });
  });
});

describe('npm run sources', () => {
  it('lists each article with its language and paragraphs, the skipped files, and whether the index is missing', async () => {
    const config = loadConfig(env(), project.root);
    const report = await describeSources(config);
    expect(report.articles).toEqual([expect.objectContaining({ source: 'corpus/article.txt', lang: 'en' })]);
    expect(report.articles[0]!.paragraphs).toBeGreaterThan(1);
    expect(report.skipped).toEqual([{ source: 'corpus/slides.pdf', reason: expect.stringContaining('not an article format') }]);
    expect(report.index.state).toBe('missing');
    const text = formatSources(report, project.root);
    expect(text).toContain('corpus/article.txt  en');
    expect(text).toMatch(/^Not indexed: corpus\/slides\.pdf \(not an article format/m);
    expect(text).toContain('npm run build-index');
  });

  it('says how old the index is, and that it is stale once the corpus changed', async () => {
    // Its own index folder: the other tests see none.
    const indexDir = path.join(project.root, 'index-with-age');
    const config = loadConfig(env({ INDEX_DIR: indexDir }), project.root);
    await fs.mkdir(indexDir, { recursive: true });
    const builtAt = '2026-11-29T10:00:00.000Z';
    const manifestOf = async (hash: string, reading: Record<string, string> = {}) => {
      const { INDEX_FORMAT_VERSION } = await import('../../src/index/manifest.js');
      return { formatVersion: INDEX_FORMAT_VERSION, builtAt, corpus: { hash, articles: [] }, embedder: { name: 'e' }, chunking: { maxSize: 1, overlapSentences: 0 }, chunksHash: 'x', hnsw: { space: 'cosine', M: 1, efConstruction: 1, efSearch: 1 }, counts: { articles: 1, chunks: 7, sentences: 1, features: 1, lexiconWords: 1 }, lexiconSources: 'l', reading };
    };
    const { loadCorpus } = await import('../../src/corpus/load.js');
    const corpus = await loadCorpus(project.corpusDir, project.root);
    const now = Date.parse(builtAt) + 2 * 86_400_000 + 5_000;
    await fs.writeFile(path.join(indexDir, 'manifest.json'), JSON.stringify(await manifestOf(corpus.hash)));
    const current = await describeSources(config, now);
    expect(current.index).toMatchObject({ state: 'current', chunks: 7 });
    expect(formatSources(current, project.root)).toContain('current: built 2 days ago');
    await fs.writeFile(path.join(indexDir, 'manifest.json'), JSON.stringify(await manifestOf('another corpus')));
    const stale = await describeSources(config, now);
    expect(stale.index).toMatchObject({ state: 'stale', reason: 'the corpus changed since it was built' });
    expect(formatSources(stale, project.root)).toContain('STALE');
    // Features read by rules this version no longer has.
    await fs.writeFile(path.join(indexDir, 'manifest.json'), JSON.stringify(await manifestOf(corpus.hash, { en: 'older rules' })));
    expect((await describeSources(config, now)).index).toMatchObject({ state: 'stale', reason: 'built by a version of Tether that read text otherwise' });
  });
});
