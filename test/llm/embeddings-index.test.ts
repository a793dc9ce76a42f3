import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { Tether } from '../../src/answer/types.js';
import { openConfiguredTether } from '../../src/tether.js';
import { BILINGUAL_FILES } from '../support/bilingual.js';
import { makeTmpProject, unfaithfulQuotes, type TmpProject } from '../support/corpus.js';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.js';

let server: FakeOpenAi;
let project: TmpProject;
let tether: Tether;
/** Requests to the embeddings endpoint that building the index made. */
let buildRequests: number;

/** Settings for the fake endpoint's embeddings model. */
const openai = (model = 'fake-embed') => ({ EMBEDDINGS: 'openai', EMBEDDINGS_BASE_URL: server.baseUrl, EMBEDDINGS_MODEL: model });
const settings = (overrides: Record<string, string>) =>
  loadConfig({ CORPUS_DIR: project.corpusDir, INDEX_DIR: project.indexDir, LOG_LEVEL: 'silent', ...overrides }, project.root);

// Each test reads the one index built here through the endpoint.
beforeAll(async () => {
  server = await startFakeOpenAi();
  project = await makeTmpProject('openai-embeddings', BILINGUAL_FILES);
  tether = await openConfiguredTether(settings(openai()), { logger: createLogger('silent') });
  buildRequests = server.requests.filter((request) => request.path === '/v1/embeddings').length;
});

afterAll(async () => {
  await server?.close();
  await project?.remove();
});

describe('an index embedded through an OpenAI-compatible endpoint', () => {
  it('is built with the configured embedder, recorded in the manifest, and answers with verbatim quotes', async () => {
    const manifest = JSON.parse(await fs.readFile(path.join(project.indexDir, 'manifest.json'), 'utf8')) as { embedder: Record<string, unknown> };
    expect(manifest.embedder).toMatchObject({ name: 'openai', model: 'fake-embed' });
    expect(buildRequests).toBeGreaterThan(0);

    const before = server.requests.filter((request) => request.path === '/v1/embeddings').length;
    const answer = await tether.ask('When did the library reopen?');
    expect(answer.quotes.length).toBeGreaterThan(0);
    expect(await unfaithfulQuotes(answer.quotes, project.root)).toEqual([]);
    // The question itself was embedded by the endpoint too.
    expect(server.requests.filter((request) => request.path === '/v1/embeddings').length).toBeGreaterThan(before);
  });

  it('refuses to answer with a different embedder, naming the command that rebuilds', async () => {
    await expect(openConfiguredTether(settings({}), { logger: createLogger('silent') })).rejects.toMatchObject({
      code: 'EMBEDDER_MISMATCH',
      hint: expect.stringContaining('npm run build-index'),
    });
    await expect(openConfiguredTether(settings(openai('another-model')), { logger: createLogger('silent') })).rejects.toMatchObject({ code: 'EMBEDDER_MISMATCH' });
  });
});

describe('an incremental update with an OpenAI-compatible embedder', () => {
  it('embeds only the added article’s chunks through the endpoint, and finds them', async () => {
    const copy = await makeTmpProject('openai-update', BILINGUAL_FILES);
    try {
      const config = loadConfig({ CORPUS_DIR: copy.corpusDir, INDEX_DIR: copy.indexDir, LOG_LEVEL: 'silent', ...openai() }, copy.root);
      await openConfiguredTether(config, { logger: createLogger('silent') });
      const added = 'The ferry to the island now leaves every forty minutes from the north pier.';
      await fs.writeFile(path.join(copy.corpusDir, 'ferry.txt'), `${added}\n`, 'utf8');
      const before = server.requests.length;
      const progress: string[] = [];
      const updated = await openConfiguredTether(config, { logger: createLogger('silent'), onProgress: (m) => progress.push(m) });
      expect(progress.at(-1)).toMatch(/^Updated the index: 1 article added, 0 changed, 0 removed \(1 chunk indexed, 0 taken out\)/);
      // One request for the new chunk, none re-embedding the others.
      const requests = server.requests.slice(before).filter((request) => request.path === '/v1/embeddings');
      expect(requests).toHaveLength(1);
      expect(JSON.stringify(requests[0]!.body)).toContain('north pier');
      expect(JSON.stringify(requests[0]!.body)).not.toContain('Riverside');
      const answer = await updated.ask('How often does the ferry leave?');
      expect(answer.quotes[0]?.text).toBe(added);
      expect(await unfaithfulQuotes(answer.quotes, copy.root)).toEqual([]);
    } finally {
      await copy.remove();
    }
  });
});

describe('an unreachable embeddings endpoint', () => {
  it('fails with a message that names the endpoint and what to do', async () => {
    const { createOpenAiEmbeddings } = await import('../../src/embeddings/openai.js');
    // A port nothing listens on (the fake server's, after it closed).
    const closed = await startFakeOpenAi();
    await closed.close();
    const embedder = createOpenAiEmbeddings({ baseUrl: closed.baseUrl, model: 'fake-embed', apiKey: undefined }, { maxRetries: 0 });
    await expect(embedder.embedQuery('anything')).rejects.toMatchObject({
      code: 'UPSTREAM',
      message: expect.stringContaining(closed.baseUrl),
      hint: expect.stringContaining('EMBEDDINGS=local'),
    });
  });
});
