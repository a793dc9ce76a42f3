import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Embeddings } from '@langchain/core/embeddings';
import type { ExternalEmbeddings } from '../../src/index/types.js';
import { createOpenAiEmbeddings, describeOpenAiEmbedder, OPENAI_DEFAULT_BASE_URL } from '../../src/embeddings/openai.js';
import { fakeVector, startFakeOpenAi, type FakeOpenAi } from './fake-openai.js';

let server: FakeOpenAi;

beforeAll(async () => {
  for (const name of ['LANGSMITH_TRACING', 'LANGCHAIN_TRACING_V2', 'LANGCHAIN_TRACING', 'OPENAI_BASE_URL', 'OPENAI_API_BASE']) delete process.env[name];
  server = await startFakeOpenAi();
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.requests.length = 0;
});

describe('OpenAI-compatible embeddings through LangChain', () => {
  it('embeds documents and queries against the configured base URL, as plain floats', async () => {
    const embedder = createOpenAiEmbeddings({ baseUrl: server.baseUrl, model: 'fake-embed', apiKey: undefined }, { maxRetries: 0 });
    expect(embedder).toBeInstanceOf(Embeddings);

    const documents = await embedder.embedDocuments(['阿里雲收入同比增長2%', 'Alibaba Cloud\nstopped the spin-off']);
    const query = await embedder.embedQuery('Why was the spin-off stopped?');

    // LangChain sends newlines as spaces.
    expect(documents).toEqual([fakeVector('阿里雲收入同比增長2%'), fakeVector('Alibaba Cloud stopped the spin-off')]);
    expect(query).toEqual(fakeVector('Why was the spin-off stopped?'));
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/embeddings', '/v1/embeddings']);
    expect(server.requests[0]?.body).toMatchObject({ model: 'fake-embed', encoding_format: 'float' });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer not-needed');
  });

  it('splits a large corpus into batches and keeps the order', async () => {
    const embedder = createOpenAiEmbeddings({ baseUrl: server.baseUrl, model: 'fake-embed', apiKey: 'sk-test' }, { maxRetries: 0 });
    const texts = Array.from({ length: 70 }, (_, i) => `chunk number ${i}`);

    const vectors = await embedder.embedDocuments(texts);

    expect(vectors).toEqual(texts.map(fakeVector));
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('describes itself for the index manifest', () => {
    const embedder = createOpenAiEmbeddings({ baseUrl: `${server.baseUrl}/`, model: 'fake-embed', apiKey: 'sk-secret' });
    // The shape the index builder takes for an external embedder.
    const external: ExternalEmbeddings = { embeddings: embedder, identity: embedder.identity() };
    expect(external.identity).toEqual({ name: 'openai', model: 'fake-embed', baseUrl: server.baseUrl });
    expect(JSON.stringify(embedder.identity())).not.toContain('sk-secret');
    expect(describeOpenAiEmbedder({ baseUrl: undefined, model: 'text-embedding-3-small', apiKey: undefined })).toEqual({
      name: 'openai',
      model: 'text-embedding-3-small',
      baseUrl: OPENAI_DEFAULT_BASE_URL,
    });
  });
});
