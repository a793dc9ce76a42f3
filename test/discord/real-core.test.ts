/**
 * End to end with the REAL core over the real corpus: real discord.js → fake Discord → bot → openTether, and
 * the production command (`node bin/run.mjs start`), `npm start` and `npm run deploy-commands` as real
 * processes (including SHARDS=2 through ShardingManager, signals, and a gateway closed for good).
 * Every quote shown must be the source file's text at the quote's offsets, exactly. One index is built for the
 * whole run (test/support/global-setup.ts), since building is the slow part.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer, AskOptions, Tether } from '../../src/answer/types.js';
import { openTether } from '../../src/tether.js';
import { sharedProject } from '../support/shared.js';
import { FakeDiscord, fakeUser, type Json } from './fake-discord.js';
import { projectRoot } from './fake-tether.js';
import { buttonIn, passageIn, quotesIn } from './helpers.js';
import { readJsonl, startHarness, type Harness } from './harness.js';

const tsx = path.join(projectRoot, 'node_modules/.bin/tsx');
/** The documented production command, as systemd and pm2 run it: node itself, so signals reach the bot. */
const productionCommand = ['bin/run.mjs', 'start'];
let h: Harness;
let dir: string;
let indexDir: string;
/** What the core was asked and answered, in order. */
const asked: { question: string; options: AskOptions | undefined; answer: Answer }[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-discord-real-'));
  // The shipped corpus's index, built once for the run: this file and the processes it starts only read it.
  indexDir = sharedProject('shipped').indexDir;
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
    // Answered, or offered as passages that may answer it: never "not in the sources".
    expect(answer.confidence).not.toBe('none');
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
    expect(edit.body.embeds[0].description).toMatch(/第\d+段/);
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
    expect(description).toMatch(/^\*\*The sources do not cover this question\.\*\*/);
    // Nearest passages are listed when there are any, each verbatim.
    expect(description.includes('Nearest passages')).toBe(answer.quotes.length > 0);
    expect(quotesIn(description).map((quote) => quote.text)).toEqual(answer.quotes.map((quote) => quote.text));
    for (const quote of answer.quotes) expect(quote.text).toBe(fileSlice(quote.source, quote.start, quote.end));
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

/** A started bot process. */
interface MainRun {
  child: ChildProcess;
  output: () => string;
  /** The exit code, or the signal that killed the process. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * Starts the production command (or `npm start` with `via: 'npm'`, in its own process group) with exactly these
 * settings (no inherited Discord settings).
 */
function startMain(env: Record<string, string>, options: { via?: 'node' | 'npm' } = {}): MainRun {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DISCORD_|SHARD|ALLOW|RATE_|MAX_|FEEDBACK|LLM_|EMBEDDINGS|npm_)/.test(key)));
  const [command, args] = options.via === 'npm' ? ['npm', ['start', '--silent']] : [process.execPath, productionCommand];
  const child = spawn(command, args, {
    cwd: projectRoot,
    // Shards start (and restart) a tenth of a second apart: the fake gateway has no identify rate limit.
    env: { ...base, DOTENV_CONFIG_PATH: path.join(dir, 'no.env'), INDEX_DIR: indexDir, FEEDBACK_LOG: path.join(dir, 'feedback.jsonl'), LOG_LEVEL: 'info', SHARD_SPAWN_DELAY_MS: '100', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.via === 'npm',
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return { child, output: () => output, exited };
}

/** Kills whatever is left of a run (its process group for `npm start`), so no test leaves a bot behind. */
function killRun(run: MainRun, group: boolean): void {
  try {
    if (group && run.child.pid) process.kill(-run.child.pid, 'SIGKILL');
    else run.child.kill('SIGKILL');
  } catch {
    // Already gone.
  }
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

describe('signals from a process manager (issue 11, item 6)', () => {
  const question = 'Why did Alibaba stop the cloud spin-off?';

  /** Starts a run, waits for login, and leaves an answer waiting on Discord (its edit held by the fake). */
  async function runWithAnswerInFlight(fake: FakeDiscord, via: 'node' | 'npm'): Promise<{ run: MainRun; sent: { id: string; token: string }; release: () => void }> {
    const run = startMain({ DISCORD_TOKEN: 'signal-token', DISCORD_API_BASE: fake.apiBase }, { via });
    await waitUntil(() => run.output().includes('Discord client ready'), 'login');
    const held = fake.holdNext('PATCH', /\/messages\/@original$/);
    const sent = fake.slashCommand('ask', { question }, { user: fakeUser(`signal-${via}`) });
    await held.arrived;
    return { run, sent, release: held.release };
  }

  /** The answer reached Discord, the client disconnected, and the process exited 0. */
  async function expectDrained(fake: FakeDiscord, run: MainRun, sent: { id: string; token: string }): Promise<void> {
    expect(await run.exited).toBe(0);
    expect(fake.interactionRequests(sent).filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([200]);
    expect(run.output()).toContain('Discord client stopped');
    // Nobody left running: the bot's gateway session is closed.
    await waitUntil(() => fake.openSessions === 0, 'the gateway session to close', 5_000);
  }

  it('node bin/run.mjs start: SIGTERM lets the answer in progress finish, then exits 0', async () => {
    const fake = await FakeDiscord.start();
    let run: MainRun | undefined;
    try {
      const started = await runWithAnswerInFlight(fake, 'node');
      run = started.run;
      started.run.child.kill('SIGTERM');
      await waitUntil(() => started.run.output().includes('shutting down'), 'the signal to arrive');
      started.release();
      await expectDrained(fake, started.run, started.sent);
    } finally {
      if (run) killRun(run, false);
      await fake.close();
    }
  });

  it('npm start: SIGTERM to npm alone reaches the bot, which drains; npm exits 0', async () => {
    const fake = await FakeDiscord.start();
    let run: MainRun | undefined;
    try {
      const started = await runWithAnswerInFlight(fake, 'npm');
      run = started.run;
      process.kill(started.run.child.pid ?? 0, 'SIGTERM');
      await waitUntil(() => started.run.output().includes('shutting down'), 'the signal to reach the bot');
      started.release();
      await expectDrained(fake, started.run, started.sent);
    } finally {
      if (run) killRun(run, true);
      await fake.close();
    }
  });

  it('npm start: SIGINT to the whole process group (Ctrl-C) drains once and exits 0', async () => {
    const fake = await FakeDiscord.start();
    let run: MainRun | undefined;
    try {
      const started = await runWithAnswerInFlight(fake, 'npm');
      run = started.run;
      process.kill(-(started.run.child.pid ?? 0), 'SIGINT');
      await waitUntil(() => started.run.output().includes('shutting down'), 'the signal to reach the bot');
      started.release();
      await expectDrained(fake, started.run, started.sent);
      expect(started.run.output()).not.toContain('second signal');
    } finally {
      if (run) killRun(run, true);
      await fake.close();
    }
  });

  it('npm start, the systemd unit and the pm2 example all run the production command', () => {
    const packageJson = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // `exec`: the shell npm runs the script in (dash) would otherwise die of npm's forwarded SIGTERM and orphan the bot.
    expect(packageJson.scripts.start).toBe(`exec node ${productionCommand.join(' ')}`);
    const unit = fs.readFileSync(path.join(projectRoot, 'deploy/tether.service'), 'utf8');
    expect(unit).toMatch(new RegExp(`^ExecStart=/usr/bin/node ${productionCommand.join(' ')}$`, 'm'));
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=78$/m);
    const pm2 = fs.readFileSync(path.join(projectRoot, 'deploy/ecosystem.config.cjs'), 'utf8');
    expect(pm2).toContain(`args: '${productionCommand.join(' ')}'`);
    expect(pm2).toMatch(/stop_exit_codes: \[0, 78\]/);
  });
});

describe('a gateway closed for good (issue 11, item 4)', () => {
  it('close code 4004 mid-session: says what to check, shuts down cleanly, exits 78', async () => {
    const fake = await FakeDiscord.start();
    const run = startMain({ DISCORD_TOKEN: 'revoked-token', DISCORD_API_BASE: fake.apiBase });
    try {
      await waitUntil(() => run.output().includes('Discord client ready'), 'login');
      fake.closeGateway(4004);
      expect(await run.exited).toBe(78);
      expect(run.output()).toContain('Discord closed the gateway connection with code 4004 (AuthenticationFailed)');
      expect(run.output()).toContain('Put the current token (developer portal → Bot → Reset Token) in DISCORD_TOKEN');
      expect(run.output()).toContain('Discord client stopped');
      expect(run.output()).not.toContain('revoked-token');
    } finally {
      killRun(run, false);
      await fake.close();
    }
  });

  it('SHARDS=1: the shard exits 78, the manager stops too (no respawn) and exits 78', async () => {
    const fake = await FakeDiscord.start();
    const run = startMain({ DISCORD_TOKEN: 'revoked-shard-token', DISCORD_API_BASE: fake.apiBase, SHARDS: '1' });
    try {
      await waitUntil(() => run.output().includes('all shards spawned'), 'the shard to start', 90_000);
      fake.closeGateway(4004);
      expect(await run.exited).toBe(78);
      expect(run.output()).toContain('in DISCORD_TOKEN');
      expect(run.output()).toContain('a shard lost its gateway connection for good');
      expect(fake.identifies).toHaveLength(1);
      expect(fake.openSessions).toBe(0);
    } finally {
      killRun(run, false);
      await fake.close();
    }
  }, 120_000);
});

describe('a shard that crashes', () => {
  it('is started again by the sharding manager, which keeps running', async () => {
    const fake = await FakeDiscord.start();
    const run = startMain({ DISCORD_TOKEN: 'crash-token', DISCORD_API_BASE: fake.apiBase, SHARDS: '1' });
    try {
      await waitUntil(() => run.output().includes('all shards spawned'), 'the shard to start', 90_000);
      const pid = Number(/"pid":(\d+),"msg":"shard ready"/.exec(run.output())?.[1]);
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, 'SIGKILL');
      await waitUntil(() => fake.identifies.length === 2 && fake.openSessions === 1, 'the shard to be respawned', 90_000);
      expect(run.output()).toContain('shard process exited (respawning)');
      expect(run.child.exitCode).toBeNull();
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      killRun(run, false);
      await fake.close();
    }
  }, 150_000);
});

describe('a sharding manager killed outright', () => {
  it('its shard notices the manager is gone, shuts down and disconnects', async () => {
    const fake = await FakeDiscord.start();
    const run = startMain({ DISCORD_TOKEN: 'orphan-token', DISCORD_API_BASE: fake.apiBase, SHARDS: '1' });
    try {
      await waitUntil(() => run.output().includes('all shards spawned'), 'the shard to start', 90_000);
      expect(fake.openSessions).toBe(1);
      run.child.kill('SIGKILL');
      await waitUntil(() => fake.openSessions === 0 && run.output().includes('Discord client stopped'), 'the orphaned shard to stop', 30_000);
      expect(run.output()).toContain('"signal":"manager gone"');
    } finally {
      killRun(run, false);
      await fake.close();
    }
  }, 120_000);
});

describe('several machines sharing one bot (issue 11, item 9)', () => {
  it('two processes with SHARD_IDS=0 and 1 of SHARD_COUNT=2: each identifies its shard and gets only its events', async () => {
    // Guild ids chosen so (id >> 22) % 2 puts one guild on each shard.
    const guildIds = [String(3_000_000n << 22n), String(3_000_001n << 22n)];
    const fake = await FakeDiscord.start({ guildIds });
    const feedbackLogs = [path.join(dir, 'machine-a.jsonl'), path.join(dir, 'machine-b.jsonl')];
    const runs = [0, 1].map((shard) =>
      startMain({ DISCORD_TOKEN: 'shared-token', DISCORD_API_BASE: fake.apiBase, SHARD_IDS: String(shard), SHARD_COUNT: '2', FEEDBACK_LOG: feedbackLogs[shard] ?? '' }),
    );
    try {
      await waitUntil(() => runs.every((run) => run.output().includes('Discord client ready')), 'both machines to log in');
      expect(fake.identifies.map((identify) => identify.shard).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      // A question the sources do not cover is logged by the process that received it, and only there.
      const questions = ['What is the boiling point of water on Mars?', 'Who won the 1930 football world cup?'];
      for (const [shard, guild] of fake.guilds.entries()) {
        const sent = fake.slashCommand('ask', { question: questions[shard] ?? '' }, { user: fakeUser(`machine${shard}`), channelId: guild.channels[0]?.id ?? '' });
        await fake.waitForOriginalEdit(sent, 30_000);
      }
      for (const run of runs) run.child.kill('SIGTERM');
      expect(await Promise.all(runs.map((run) => run.exited))).toEqual([0, 0]);
      for (const [shard, file] of feedbackLogs.entries()) {
        expect(readJsonl(file).map((entry: Json) => entry.question)).toEqual([questions[shard]]);
      }
      expect(runs[0]?.output()).toMatch(/"shards":\[0\]/);
      expect(runs[1]?.output()).toMatch(/"shards":\[1\]/);
    } finally {
      for (const run of runs) killRun(run, false);
      await fake.close();
    }
  });
});
