/**
 * End to end with the REAL core over the real corpus: real discord.js → fake Discord → bot → openTether, and
 * `npm start` / `npm run deploy-commands` as real processes (including SHARDS=2 through ShardingManager).
 * Every quote shown must be the source file's text at the quote's offsets, exactly. One index is built for the
 * whole file (in a temp dir), since building is the slow part.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer, AskOptions, Tether } from '../../src/answer/types.js';
import { openTether } from '../../src/tether.js';
import { FakeDiscord, fakeUser, type Json } from './fake-discord.js';
import { projectRoot } from './fake-tether.js';
import { buttonIn, passageIn, quotesIn } from './helpers.js';
import { readJsonl, startHarness, type Harness } from './harness.js';

const tsx = path.join(projectRoot, 'node_modules/.bin/tsx');
let h: Harness;
let dir: string;
let indexDir: string;
/** What the core was asked and answered, in order. */
const asked: { question: string; options: AskOptions | undefined; answer: Answer }[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-discord-real-'));
  indexDir = path.join(dir, 'index');
  const real = await openTether({ corpusDir: path.join(projectRoot, 'corpus'), indexDir, root: projectRoot });
  const tether: Tether = {
    async ask(question, options) {
      const answer = await real.ask(question, options);
      asked.push({ question, options, answer });
      return answer;
    },
    findPassages: (text, options) => real.findPassages(text, options),
    getPassage: (id) => real.getPassage(id),
    listSources: () => real.listSources(),
  };
  h = await startHarness({ tether });
});
afterAll(async () => {
  await h?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function fileSlice(source: string, start: number, end: number): string {
  return fs.readFileSync(path.join(projectRoot, source), 'utf8').slice(start, end);
}

/** Asserts the embed shows exactly the core's quotes, and each is the source text at its offsets. */
function expectVerbatim(description: string, answer: Answer): void {
  const shown = quotesIn(description);
  expect(answer.quotes.length).toBeGreaterThan(0);
  expect(shown.map((quote) => quote.n)).toEqual(answer.quotes.map((quote) => quote.n));
  for (const [i, quote] of answer.quotes.entries()) {
    expect(quote.text).toBe(fileSlice(quote.source, quote.start, quote.end));
    expect(shown[i]?.text).toBe(quote.text);
  }
}

function lastAnswerFor(question: string): Answer {
  const entry = asked.findLast((item) => item.question === question);
  if (!entry) throw new Error(`the core was not asked "${question}"`);
  return entry.answer;
}

describe('/ask with the real core', () => {
  it('defers, then edits the reply with verbatim quotes from the corpus and their citations', async () => {
    const question = 'Why did Alibaba stop the cloud spin-off?';
    const sent = h.fake.slashCommand('ask', { question }, { user: fakeUser('real') });
    const callback = await h.fake.waitForCallback(sent);
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    const edit = await h.fake.waitForOriginalEdit(sent);
    const answer = lastAnswerFor(question);
    expect(answer.found).toBe(true);
    const embed = edit.body.embeds[0];
    expectVerbatim(embed.description, answer);
    for (const quote of quotesIn(embed.description)) expect(quote.citation).toMatch(/— \*.+\* · (English|Traditional Chinese) · paragraph \d+$/);
    expect(edit.body.allowed_mentions).toEqual({ parse: [] });
    expect(h.fake.violations).toEqual([]);
  });

  it('answers a Chinese question with Chinese labels, quotes still verbatim', async () => {
    const question = '阿里雲為什麼不再推進完全分拆?';
    const sent = h.fake.slashCommand('ask', { question }, { user: fakeUser('zh'), locale: 'zh-TW' });
    const edit = await h.fake.waitForOriginalEdit(sent);
    const answer = lastAnswerFor(question);
    expectVerbatim(edit.body.embeds[0].description, answer);
    expect(edit.body.embeds[0].description).toMatch(/第 \d+ 段/);
  });

  it('More quotes and Full passage show further verbatim text from the corpus', async () => {
    const question = 'What happened to Alibaba Cloud in the outages?';
    const sent = h.fake.slashCommand('ask', { question }, { user: fakeUser('browser') });
    const edit = await h.fake.waitForOriginalEdit(sent);
    const first = lastAnswerFor(question);

    const more = h.fake.pressButton(buttonIn(edit.body, { label: 'More quotes' }).custom_id, h.fake.originalMessage(sent), { user: fakeUser('browser') });
    const moreCallback = await h.fake.waitForCallback(more);
    expect(moreCallback.body.type).toBe(7);
    const second = lastAnswerFor(question);
    expect(asked.at(-1)?.options).toMatchObject({ offset: first.quotes.length });
    expect(second.quotes[0]?.n).toBe(first.quotes.length + 1);
    expectVerbatim(moreCallback.body.data.embeds[0].description, second);

    const quote = second.quotes[0];
    if (!quote) throw new Error('expected a quote on the second page');
    const full = h.fake.pressButton(buttonIn(moreCallback.body.data, { label: `Full passage ${quote.n}` }).custom_id, h.fake.originalMessage(sent), {
      user: fakeUser('browser'),
    });
    const fullCallback = await h.fake.waitForCallback(full);
    expect(fullCallback.body.type).toBe(7);
    const passageText = passageIn(fullCallback.body.data.embeds[1].description);
    expect(passageText).toContain(quote.text);
    const articleText = fs.readFileSync(path.join(projectRoot, quote.source), 'utf8');
    const start = articleText.indexOf(passageText);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(start).toBeLessThanOrEqual(quote.start);
  });

  it('says plainly when the sources do not cover it, shows the nearest passages, and logs the question', async () => {
    const question = 'What is the boiling point of water on Mars?';
    const user = fakeUser('offtopic');
    const sent = h.fake.slashCommand('ask', { question }, { user });
    const edit = await h.fake.waitForOriginalEdit(sent);
    const answer = lastAnswerFor(question);
    expect(answer.found).toBe(false);
    const description: string = edit.body.embeds[0].description;
    expect(description).toMatch(/^\*\*The sources don't cover this question\.\*\*/);
    if (answer.quotes.length > 0) {
      expect(description).toContain('Nearest passages');
      expectVerbatim(description, answer);
    }
    await h.settle();
    expect(readJsonl(h.feedbackPath).some((entry: Json) => entry.kind === 'unanswered' && entry.question === question)).toBe(true);
  });
});

describe('mentions with the real core', () => {
  it('answers in a thread on the question; a mention in the thread is a follow-up carrying the previous question', async () => {
    const user = fakeUser('threader');
    const question = 'Why did Alibaba stop the cloud spin-off?';
    const channelId = h.fake.channel('general');
    const message = h.fake.userMessage({ author: user, content: `<@${h.fake.botUser.id}> ${question}`, channelId, mentionBot: true });
    await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${channelId}/typing`);
    await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages/${message.id}/threads`);
    const answerPost = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${message.id}/messages`);
    expectVerbatim(answerPost.body.embeds[0].description, lastAnswerFor(question));

    const followUpQuestion = 'and what did the US chip export restrictions have to do with it?';
    const followUp = h.fake.userMessage({ author: user, content: `<@${h.fake.botUser.id}> ${followUpQuestion}`, channelId: message.id, mentionBot: true });
    const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === followUp.id);
    expect(reply.path).toBe(`/channels/${message.id}/messages`);
    expect(asked.findLast((item) => item.question === followUpQuestion)?.options).toMatchObject({ context: question });
    expectVerbatim(reply.body.embeds[0].description, lastAnswerFor(followUpQuestion));
  });
});

describe('/quote with the real core', () => {
  it('autocompletes passages and quotes the chosen one verbatim', async () => {
    const typed = h.fake.autocomplete('quote', 'query', 'cloud revenue', { user: fakeUser('quoter') });
    const callback = await h.fake.waitForCallback(typed);
    expect(callback.body.type).toBe(8);
    const choice: Json = callback.body.data.choices[0];
    expect(choice).toBeDefined();
    expect(choice.name.length).toBeLessThanOrEqual(100);

    const sent = h.fake.slashCommand('quote', { query: choice.value }, { user: fakeUser('quoter') });
    const edit = await h.fake.waitForOriginalEdit(sent);
    const passage = h.tether.getPassage(choice.value);
    if (!passage) throw new Error(`no passage ${choice.value}`);
    expect(passageIn(edit.body.embeds[0].description)).toBe(fileSlice(passage.source, passage.start, passage.end));
  });
});

/** Starts `tsx src/main.ts` with exactly these settings (no inherited Discord or dotenv settings). */
function startMain(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DISCORD_|SHARD|ALLOW|RATE_|MAX_|FEEDBACK|LLM_|EMBEDDINGS)/.test(key)));
  // DOTENV_CONFIG_PATH pointing nowhere keeps a developer's .env out of the test.
  const child = spawn(tsx, ['src/main.ts'], {
    cwd: projectRoot,
    env: { ...base, DOTENV_CONFIG_PATH: path.join(dir, 'no.env'), INDEX_DIR: indexDir, FEEDBACK_LOG: path.join(dir, 'feedback.jsonl'), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm run deploy-commands', () => {
  it('registers the commands in the guild named by DISCORD_GUILD_ID through DISCORD_API_BASE', async () => {
    const fake = await FakeDiscord.start();
    try {
      const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('DISCORD_')));
      const child = spawn(tsx, ['scripts/deploy-commands.ts'], {
        cwd: projectRoot,
        env: { ...base, DOTENV_CONFIG_PATH: path.join(dir, 'no.env'), DISCORD_TOKEN: 'deploy-token', DISCORD_API_BASE: fake.apiBase, DISCORD_GUILD_ID: fake.guild.id },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(output).toContain(`Registered 5 commands in guild ${fake.guild.id}`);
      expect(code).toBe(0);
      expect(fake.commands.get(`guild:${fake.guild.id}`)?.map((command) => command.name).sort()).toEqual(['Find sources', 'ask', 'help', 'quote', 'sources']);
    } finally {
      await fake.close();
    }
  });
});

describe('npm start', () => {
  it('without DISCORD_TOKEN exits with how to create a bot and that npm run ask works without Discord', async () => {
    const run = startMain({});
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('DISCORD_TOKEN is not set');
    expect(run.output()).toContain('Message Content Intent');
    expect(run.output()).toContain('npm run ask');
    expect(run.output()).not.toMatch(/\n\s+at /);
  });

  it('names a bad setting in one readable error', async () => {
    const run = startMain({ DISCORD_TOKEN: 'x', RATE_LIMIT_PER_MINUTE: 'lots' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('RATE_LIMIT_PER_MINUTE: must be a whole number above 0, got "lots"');
  });

  it('logs in, answers with the real core, and shuts down gracefully on SIGTERM without printing the token', async () => {
    const fake = await FakeDiscord.start();
    const run = startMain({ DISCORD_TOKEN: 'super-secret-token', DISCORD_API_BASE: fake.apiBase });
    try {
      await waitUntil(() => fake.identifies.length === 1 && run.output().includes('Discord client ready'), 'login');
      const sent = fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser('prod') });
      const edit = await fake.waitForOriginalEdit(sent, 30_000);
      expect(quotesIn(edit.body.embeds[0].description)).toHaveLength(3);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('shutting down');
      expect(run.output()).toContain('Discord client stopped');
      expect(run.output()).not.toContain('super-secret-token');
    } finally {
      run.child.kill('SIGKILL');
      await fake.close();
    }
  });

  it('SHARDS=2 runs discord.js ShardingManager: two shard processes identify with [0, 2] and [1, 2]', async () => {
    const guildIds = [String(2_000_000n << 22n), String(2_000_001n << 22n)];
    const fake = await FakeDiscord.start({ guildIds });
    const run = startMain({ DISCORD_TOKEN: 'shard-token', DISCORD_API_BASE: fake.apiBase, SHARDS: '2' });
    try {
      await waitUntil(() => fake.identifies.length === 2, 'two shards to identify', 90_000);
      expect(fake.identifies.map((identify) => identify.shard).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      await waitUntil(() => run.output().includes('all shards spawned'), 'the manager to finish spawning', 90_000);
      for (const [shard, guild] of fake.guilds.entries()) {
        const channelId = guild.channels[0]?.id ?? '';
        const sent = fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser(`s${shard}`), channelId });
        const edit = await fake.waitForOriginalEdit(sent, 30_000);
        expect(quotesIn(edit.body.embeds[0].description)).toHaveLength(3);
      }
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output().match(/Discord client stopped/g)).toHaveLength(2);
    } finally {
      run.child.kill('SIGKILL');
      await fake.close();
    }
  }, 200_000); // two shard processes each open the core; its own waits allow 90 s each
});
