import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake server answers the next chat completion. */
export type ChatReply =
  /**
   * The model's text, as one JSON completion or, when the request asks to stream, as server-sent events:
   * in `pieces` when given (they must join to `content`), else in 7-character pieces; `delayMs` apart.
   */
  | { kind: 'answer'; content: string; pieces?: string[]; delayMs?: number }
  /** An error status with an OpenAI-style error body. */
  | { kind: 'status'; status: number; message?: string; headers?: Record<string, string> }
  /** A body sent as is (malformed JSON, broken events). */
  | { kind: 'raw'; body: string; contentType?: string }
  /** Headers are never sent. */
  | { kind: 'hang' }
  /** Starts streaming `content`, then stops sending without ending the response. */
  | { kind: 'stall'; content: string };

/** A request the fake server received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** An OpenAI-compatible server on 127.0.0.1 for tests: `/v1/chat/completions` and `/v1/embeddings`. */
export interface FakeOpenAi {
  /** `http://127.0.0.1:PORT/v1`, for `configuration.baseURL`. */
  baseUrl: string;
  requests: ReceivedRequest[];
  /** Sets how chat completions are answered from now on (a function sees each request body). */
  onChat(reply: ChatReply | ((body: ChatRequestBody) => ChatReply)): void;
  /** Chat requests received so far. */
  chatRequests(): ChatRequestBody[];
  close(): Promise<void>;
}

/** The parts of a chat completion request the tests look at. */
export interface ChatRequestBody {
  model: string;
  stream?: boolean;
  messages: Array<{ role: string; content: string }>;
}

/** The passages of a chat request's user message, in order (passage k is `[k - 1]`), as the prompt carries them. */
export function passagesIn(body: ChatRequestBody): string[] {
  const user = body.messages.find((message) => message.role === 'user')?.content ?? '';
  return [...user.matchAll(/<passage id="(\d+)"[^>]*>\n([\s\S]*?)\n<\/passage>/g)].map((match) => match[2] ?? '');
}

/**
 * A whole sentence of `text` a model could quote verbatim inside “…”: long enough to count as a quote,
 * with no quotation marks or escaped angle brackets of its own. Undefined when the text has none.
 */
export function quotableSentence(text: string, minLength = 30): string | undefined {
  const sentences = text.match(/[^.!?。！？\n]+[.!?。！？]/gu) ?? [];
  return sentences.map((sentence) => sentence.trim()).find((sentence) => sentence.length >= minLength && !/["“”「」『』«»＂＜＞]/u.test(sentence));
}

/** A deterministic 8-dimensional vector for a text, so embedding tests can compare results. */
export function fakeVector(text: string): number[] {
  const vector = new Array<number>(8).fill(0);
  for (let i = 0; i < text.length; i++) vector[i % 8] = (vector[i % 8] ?? 0) + text.charCodeAt(i) / 1000;
  return vector.map((value) => Math.round(value * 1000) / 1000);
}

const CHUNK_CHARS = 7;

function completion(model: string, content: string): unknown {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function chunkEvent(model: string, delta: Record<string, unknown>, finishReason: string | null): string {
  const chunk = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

function pieces(content: string): string[] {
  const chars = [...content];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += CHUNK_CHARS) out.push(chars.slice(i, i + CHUNK_CHARS).join(''));
  return out;
}

const tick = (ms = 1) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function streamAnswer(
  res: http.ServerResponse,
  model: string,
  content: string,
  finish: boolean,
  options: { pieces?: string[]; delayMs?: number } = {},
): Promise<void> {
  if (options.pieces && options.pieces.join('') !== content) throw new Error('fake OpenAI: the pieces do not join to the content');
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(chunkEvent(model, { role: 'assistant', content: '' }, null));
  for (const piece of options.pieces ?? pieces(content)) {
    if (res.destroyed) return;
    res.write(chunkEvent(model, { content: piece }, null));
    // Separate writes in time, so the client really receives the answer in pieces.
    await tick(options.delayMs);
  }
  if (!finish) return;
  res.write(chunkEvent(model, {}, 'stop'));
  res.end('data: [DONE]\n\n');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function embeddingsResponse(body: { model?: string; input?: unknown; encoding_format?: string }): unknown {
  const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input)];
  return {
    object: 'list',
    model: body.model,
    data: inputs.map((text, index) => {
      const vector = fakeVector(text);
      const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    }),
    usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
  };
}

/** Starts the fake server on 127.0.0.1 and a free port. */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: ReceivedRequest[] = [];
  let chatReply: ChatReply | ((body: ChatRequestBody) => ChatReply) = { kind: 'answer', content: 'No answer was configured.' };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });

    if (req.method === 'POST' && path === '/v1/embeddings') {
      sendJson(res, 200, embeddingsResponse(body as { model?: string; input?: unknown; encoding_format?: string }));
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
      return;
    }
    const chat = body as ChatRequestBody;
    const reply = typeof chatReply === 'function' ? chatReply(chat) : chatReply;
    switch (reply.kind) {
      case 'answer':
        if (chat.stream) await streamAnswer(res, chat.model, reply.content, true, reply);
        else sendJson(res, 200, completion(chat.model, reply.content));
        return;
      case 'stall':
        await streamAnswer(res, chat.model, reply.content, false);
        return;
      case 'status':
        sendJson(res, reply.status, { error: { message: reply.message ?? `status ${reply.status}`, type: 'server_error', code: null } }, reply.headers);
        return;
      case 'raw':
        res.writeHead(200, { 'content-type': reply.contentType ?? 'application/json' });
        res.end(reply.body);
        return;
      case 'hang':
        return;
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    onChat(reply) {
      chatReply = reply;
    },
    chatRequests() {
      return requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as ChatRequestBody);
    },
    close() {
      // Hanging and stalled responses would otherwise keep the server open.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
