/**
 * `npm run eval -- --llm` end to end, as a real process: the eval script opens the real core over `corpus/`
 * (the shipped corpus's index built once for the run, only read) with the chat model at the fake OpenAI-compatible server on 127.0.0.1, and
 * reports how the model's quotes fared. Settings are passed explicitly; a developer's `.env` is kept out.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passagesIn, quotableSentence, startFakeOpenAi, type ChatReply, type ChatRequestBody, type FakeOpenAi } from './fake-openai.js';
import { sharedProject } from '../support/shared.js';
import { readSource } from './fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = path.join(ROOT, 'node_modules/.bin/tsx');

const CASES = [
  { id: 't1', kind: 'en-en', question: 'Who is in charge of Alibaba Cloud now?', expect: ['Wu Yongming', '吳泳銘'] },
  { id: 't2', kind: 'en-en', question: 'Why did Alibaba stop the cloud spin-off?', expect: ['spin-off', '分拆'] },
  { id: 't3', kind: 'none', question: 'Who won the 2022 World Cup?', expect: [] },
];

let server: FakeOpenAi;
let dir: string;

/** A minimal environment: the tools' PATH and HOME, no inherited LLM, embeddings or dotenv settings. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { DOTENV_CONFIG_PATH: path.join(dir, 'no.env') };
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The fake model: one sentence of passage 1 quoted verbatim, one invented quote, one citation of a passage it was not given. */
function groundedAnswer(body: ChatRequestBody): ChatReply {
  const sentence = quotableSentence(passagesIn(body)[0] ?? '')?.replace(/[.!?。！？]$/u, '');
  if (!sentence) return { kind: 'status', status: 500, message: 'the test corpus changed: passage 1 has no quotable sentence' };
  return {
    kind: 'answer',
    content: `The sources say “${sentence}” [1]. They add that “the cloud unit was sold to a lunar mining cooperative” [1], as reported [9].`,
  };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-eval-llm-'));
  server = await startFakeOpenAi();
  expect(new URL(server.baseUrl).hostname).toBe('127.0.0.1');
});

afterAll(async () => {
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run eval -- --llm', () => {
  it('answers through the chat model, counts its quotes verified and dropped, and stays faithful', { timeout: 180_000 }, async () => {
    server.onChat(groundedAnswer);
    const set = path.join(dir, 'set.jsonl');
    fs.writeFileSync(set, CASES.map((c) => JSON.stringify(c)).join('\n') + '\n');
    const { code, stdout, stderr } = await run(tsx, ['scripts/eval.ts', '--llm', '--json', set], {
      ...baseEnv(),
      LLM_BASE_URL: server.baseUrl,
      LLM_MODEL: 'fake',
      INDEX_DIR: sharedProject('shipped').indexDir,
      CORPUS_DIR: sharedProject('shipped').corpusDir,
      LOG_LEVEL: 'info',
    });
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as {
      overall: { questions: number; faithfulness: number; abstained: number; unanswerable: number; falseAbstentions: number; errors: number };
      verification: { verified: number; repaired: number; dropped: number; citationsRemoved: number; fallbacks: Record<string, number> };
      results: Array<{ id: string; found: boolean; faithful: boolean }>;
    };

    // The model answered the two answerable questions; the unrelated one never reached it.
    const chats = server.chatRequests();
    expect(chats).toHaveLength(2);
    for (const chat of chats) expect(chat.model).toBe('fake');
    expect(report.verification).toEqual({ verified: 2, repaired: 0, dropped: 2, citationsRemoved: 2, fallbacks: { 'not-found': 1 } });
    expect(report.overall).toMatchObject({ questions: 3, faithfulness: 1, abstained: 1, unanswerable: 1, falseAbstentions: 0, errors: 0 });
    expect(report.results.map((r) => [r.id, r.found, r.faithful])).toEqual([
      ['t1', true, true],
      ['t2', true, true],
      ['t3', false, true],
    ]);
    const logs = stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logs.filter((line) => line.msg === 'chat model answer verified')).toHaveLength(2);
    // The quote the model was sent and copied is corpus text (the faithfulness check reads the files too).
    const corpus = [readSource('corpus/new-position-alibaba-cloud-turmoil.txt'), readSource('corpus/yinxing-alibaba-cloud-pauses-spin-off.txt')];
    for (const chat of chats) {
      const sentence = quotableSentence(passagesIn(chat)[0] ?? '');
      expect(sentence && corpus.some((text) => text.includes(sentence))).toBe(true);
    }
  });

  it('without LLM settings exits non-zero with a short message naming LLM_BASE_URL', async () => {
    const { code, stdout, stderr } = await run('npm', ['run', 'eval', '--', '--llm'], baseEnv());
    expect(code).not.toBe(0);
    // npm's own lines (its banner on stdout, warnings about the machine's npm config on stderr) are not the script's.
    const own = stderr.split('\n').filter((line) => line.trim() !== '' && !/^npm (warn|error|notice)/i.test(line));
    expect(own.filter((line) => line.includes('LLM_BASE_URL'))).toHaveLength(1);
    // The TetherError's message and hint, no stack trace; nothing ran.
    expect(own.length).toBeLessThanOrEqual(2);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stdout).not.toContain('hit@1');
  });
});
