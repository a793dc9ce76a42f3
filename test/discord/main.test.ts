/**
 * `npm start` as a real process (tsx src/main.ts) against the fake Discord: the missing-token help, bad settings,
 * a full run with the real core and a graceful SIGTERM, and SHARDS=2 through discord.js's ShardingManager.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTether } from '../../src/tether.js';
import { FakeDiscord, fakeUser } from './fake-discord.js';
import { projectRoot } from './fake-tether.js';
import { quotesIn } from './helpers.js';

const tsx = path.join(projectRoot, 'node_modules/.bin/tsx');
let dir: string;
let indexDir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-main-'));
  indexDir = path.join(dir, 'index');
  // Built once here so the bot processes only load it.
  await openTether({ corpusDir: path.join(projectRoot, 'corpus'), indexDir, root: projectRoot });
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
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
  });
});
