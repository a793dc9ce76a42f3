/**
 * The whole `/ask` flow with a chat model: real discord.js → fake Discord → bot → the real core over `corpus/`
 * → the real LangChain client → the fake OpenAI-compatible server, which streams its answer slowly (SSE) and
 * builds it from the passages it was sent: one sentence of passage 1 quoted verbatim, and one invented quote.
 * What Discord receives is checked: the deferral, throttled progress edits, and a final answer in which only
 * verbatim corpus text is ever shown in quotation marks. The shipped corpus's index built once for the run is read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChatModel, createLlmAnswerer } from '../../src/answer/llm.js';
import type { Answer, Tether } from '../../src/answer/types.js';
import { REMOVED_QUOTE_NOTE } from '../../src/answer/verify.js';
import { openIndex } from '../../src/index/open.js';
import { loadAnswerModel } from '../../src/decision/model.js';
import { createTether } from '../../src/tether.js';
import { passagesIn, quotableSentence, startFakeOpenAi, type ChatRequestBody, type ChatReply, type FakeOpenAi } from '../llm/fake-openai.js';
import { captureLogger } from '../llm/support.js';
import { fakeUser, type RecordedRequest } from './fake-discord.js';
import { projectRoot } from './fake-tether.js';
import { quotesIn, unescapeDisplay, visibleText } from './helpers.js';
import { sharedProject } from '../support/shared.js';
import { startHarness, type Harness } from './harness.js';

/** Made up; none of its words below are in the corpus, and it resembles no sentence there. */
const FABRICATED = ['Alibaba Cloud will be sold', ' to a lunar mining cooperative', ' next spring'] as const;
const FABRICATED_FRAGMENTS = ['lunar', 'mining cooperative', 'next spring'];
/** Pause between streamed pieces: eight pieces make an answer written over about 3.6 s. */
const PIECE_DELAY_MS = 450;
/** The progress editor edits at most once per 1.2 s; a little slack for timers and the HTTP round trip. */
const MIN_EDIT_GAP_MS = 800;

let h: Harness;
let model: FakeOpenAi;
const modelLog = captureLogger();
const asked: { question: string; answer: Answer }[] = [];
/** What the fake model quoted from passage 1, per question. */
const quoted = new Map<string, string>();

/** The fake model: quotes a sentence of passage 1 verbatim and cites [1], then invents a quote, streamed slowly. */
function slowGroundedAnswer(body: ChatRequestBody): ChatReply {
  const question = /<question>\n([\s\S]*?)\n<\/question>/.exec(body.messages.find((m) => m.role === 'user')?.content ?? '')?.[1] ?? '';
  const first = passagesIn(body)[0];
  // Quoted without its full stop, as the verifier shows quotes (edge punctuation trimmed).
  const sentence = first === undefined ? undefined : quotableSentence(first)?.replace(/[.!?。！？]$/u, '');
  if (!sentence) return { kind: 'status', status: 500, message: 'the test corpus changed: passage 1 has no quotable sentence' };
  quoted.set(question, sentence);
  const cut = Math.floor(sentence.length / 2);
  const pieces = [
    'The management knew the risks early: “',
    sentence.slice(0, cut),
    `${sentence.slice(cut)}” [1]. `,
    `It also said that “${FABRICATED[0]}`,
    FABRICATED[1],
    `${FABRICATED[2]}” `,
    '[1]. That is what',
    ' the passages say.',
  ];
  return { kind: 'answer', content: pieces.join(''), pieces, delayMs: PIECE_DELAY_MS };
}

beforeAll(async () => {
  // Tracing would send prompts to LangSmith, and these would redirect the client: only the fake server may be contacted.
  for (const name of ['LANGSMITH_TRACING', 'LANGCHAIN_TRACING_V2', 'LANGCHAIN_TRACING', 'OPENAI_BASE_URL', 'OPENAI_API_BASE']) delete process.env[name];
  const shipped = sharedProject('shipped');
  const index = await openIndex({ corpusDir: shipped.corpusDir, indexDir: shipped.indexDir, root: shipped.root });
  model = await startFakeOpenAi();
  expect(new URL(model.baseUrl).hostname).toBe('127.0.0.1');
  const real = createTether({
    index,
    model: await loadAnswerModel(projectRoot),
    createAnswerer: (fallback) =>
      createLlmAnswerer({
        chatModel: createChatModel({ baseUrl: model.baseUrl, model: 'fake', apiKey: undefined, timeoutMs: 5000 }),
        fallback,
        logger: modelLog.logger,
        timeoutMs: 5000,
      }),
  });
  const tether: Tether = {
    async ask(question, options) {
      const answer = await real.ask(question, options);
      asked.push({ question, answer });
      return answer;
    },
    findPassages: (text, options) => real.findPassages(text, options),
    getPassage: (id) => real.getPassage(id),
    listSources: () => real.listSources(),
  };
  h = await startHarness({ tether });
  expect(new URL(h.fake.apiBase).hostname).toBe('127.0.0.1');
});

afterAll(async () => {
  await h?.close();
  await model?.close();
});

beforeEach(() => {
  model.requests.length = 0;
  modelLog.lines.length = 0;
});

function lastAnswerFor(question: string): Answer {
  const entry = asked.findLast((item) => item.question === question);
  if (!entry) throw new Error(`the core was not asked "${question}"`);
  return entry.answer;
}

const corpusTexts = ['corpus/new-position-alibaba-cloud-turmoil.txt', 'corpus/yinxing-alibaba-cloud-pauses-spin-off.txt'].map((source) =>
  fs.readFileSync(path.join(projectRoot, source), 'utf8'),
);

/** Every span shown inside “…” (or 「…」) in a message, unescaped: what a reader takes for quoted text. */
function inlineQuotes(text: string): string[] {
  return [...unescapeDisplay(text).matchAll(/[“「]([^”」]*)[”」]/g)].map((match) => match[1] ?? '');
}

function fileSlice(source: string, start: number, end: number): string {
  return fs.readFileSync(path.join(projectRoot, source), 'utf8').slice(start, end);
}

/** The edits of an interaction's original reply that Discord accepted, in the order they arrived. */
function originalEdits(token: string): RecordedRequest[] {
  return h.fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/webhooks/${h.fake.applicationId}/${token}/messages/@original` && r.status < 300);
}

describe('/ask with a chat model streaming its answer', () => {
  it('defers, edits the reply as the answer is written (throttled), and ends with only verified, verbatim quotes', async () => {
    model.onChat(slowGroundedAnswer);
    const question = 'Why did Alibaba stop the cloud spin-off?';
    const sent = h.fake.slashCommand('ask', { question }, { user: fakeUser('streamer') });
    const callback = await h.fake.waitForCallback(sent);
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    // The final edit is the one with the answer's buttons.
    const final = await h.fake.waitForRequest(
      (r) => r.method === 'PATCH' && r.path === `/webhooks/${h.fake.applicationId}/${sent.token}/messages/@original` && (r.body?.components ?? []).length > 0,
      30_000,
    );
    await h.settle();

    // The model was asked once, streaming, with the passages; what it quoted is a sentence of passage 1.
    const chats = model.chatRequests();
    expect(chats).toHaveLength(1);
    expect(chats[0]?.stream).toBe(true);
    const sentence = quoted.get(question);
    if (!sentence) throw new Error('the fake model was not asked this question');

    const edits = originalEdits(sent.token);
    expect(edits.at(-1)).toBe(final);
    const progress = edits.slice(0, -1);
    expect(progress.length).toBeGreaterThan(1);
    for (const edit of progress) expect(edit.body.embeds[0].footer.text).toBe('writing…');
    expect(callback.at).toBeLessThanOrEqual(edits[0]?.at ?? 0);

    // Discord rate limits edits of a message: progress edits come one per interval, and there is room for the final one.
    for (let i = 1; i < progress.length; i++) expect((progress[i]?.at ?? 0) - (progress[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(MIN_EDIT_GAP_MS);
    for (const edit of edits) expect(edits.filter((other) => other.at >= edit.at && other.at < edit.at + 5000).length).toBeLessThanOrEqual(5);

    // Nothing invented is ever shown, not even while the answer is being written; whatever is shown in quotation marks is corpus text.
    for (const edit of edits) {
      const text = visibleText(edit.body);
      for (const fragment of FABRICATED_FRAGMENTS) expect(text).not.toContain(fragment);
      for (const quote of inlineQuotes(text)) expect(corpusTexts.some((article) => article.includes(quote))).toBe(true);
      expect(edit.body.allowed_mentions).toEqual({ parse: [] });
    }
    // The progress edits show the verified quote once it is complete, never an unfinished quote.
    expect(progress.some((edit) => inlineQuotes(visibleText(edit.body)).includes(sentence))).toBe(true);
    for (const edit of progress) {
      const text = unescapeDisplay(visibleText(edit.body));
      expect(text.split('“').length).toBe(text.split('”').length);
      // Either the whole sentence or not even its first half.
      expect(text.includes(sentence) || !text.includes(sentence.slice(0, Math.floor(sentence.length / 2))), text).toBe(true);
    }

    // The final answer: the model's text with its real quote, the invented one replaced by a note, and the quotes list verbatim.
    const answer = lastAnswerFor(question);
    expect(answer.answeredBy).toBe('fake');
    expect(answer.verification).toEqual({ verified: 1, repaired: 0, dropped: 1, citationsRemoved: 0 });
    expect(answer.answer).toContain(`“${sentence}” [1]`);
    expect(answer.answer).toContain(REMOVED_QUOTE_NOTE.en);
    const description: string = final.body.embeds[0].description;
    expect(inlineQuotes(description)).toEqual([sentence]);
    expect(unescapeDisplay(description)).toContain(REMOVED_QUOTE_NOTE.en);
    const shown = quotesIn(description);
    expect(shown.map((quote) => quote.n)).toEqual(answer.quotes.map((quote) => quote.n));
    expect(answer.quotes.length).toBeGreaterThan(0);
    for (const [i, quote] of answer.quotes.entries()) {
      expect(quote.text).toBe(fileSlice(quote.source, quote.start, quote.end));
      expect(shown[i]?.text).toBe(quote.text);
    }
    expect(answer.quotes[0]?.text).toBe(sentence);
    expect(modelLog.lines.find((line) => line.msg === 'chat model answer verified')).toMatchObject({ model: 'fake', verified: 1, dropped: 1 });
    expect(h.fake.violations).toEqual([]);
  });

  it('answers extractively when the model fails with 500, and shows the user no error', async () => {
    model.onChat({ kind: 'status', status: 500, message: 'upstream exploded' });
    const question = 'Who is in charge of Alibaba Cloud now?';
    const sent = h.fake.slashCommand('ask', { question }, { user: fakeUser('unlucky') });
    const callback = await h.fake.waitForCallback(sent);
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    const final = await h.fake.waitForOriginalEdit(sent, 30_000);
    await h.settle();

    expect(model.chatRequests().length).toBeGreaterThanOrEqual(1);
    const answer = lastAnswerFor(question);
    expect(answer.found).toBe(true);
    expect(answer.answeredBy).toBe('extractive');
    expect(answer.verification?.fallbackReason).toBe('upstream-error');
    expect(modelLog.lines.find((line) => line.reason === 'upstream-error')).toMatchObject({ status: 500 });

    // One edit, the extractive answer: nothing was streamed, and nothing about the failure reaches the user.
    expect(originalEdits(sent.token)).toEqual([final]);
    const text = visibleText(final.body);
    expect(text).not.toMatch(/500|upstream|exploded|error|went wrong/i);
    expect(final.body.allowed_mentions).toEqual({ parse: [] });
    const shown = quotesIn(final.body.embeds[0].description);
    expect(answer.quotes.length).toBeGreaterThan(0);
    expect(shown.map((quote) => quote.text)).toEqual(answer.quotes.map((quote) => quote.text));
    for (const quote of answer.quotes) expect(quote.text).toBe(fileSlice(quote.source, quote.start, quote.end));
    expect(h.fake.violations).toEqual([]);
  });
});
