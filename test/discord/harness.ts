/** Starts the fake Discord and the real bot (real discord.js) logged into it, for one test file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Tether } from '../../src/answer/types.js';
import { createBot, type Bot } from '../../src/discord/bot.js';
import type { DiscordSettings } from '../../src/discord/context.js';
import type { Clock } from '../../src/discord/delivery.js';
import { createFeedbackLog } from '../../src/feedback/log.js';
import { createLogger } from '../../src/logger.js';
import { FakeDiscord, type FakeDiscordOptions, type Json } from './fake-discord.js';
import { createFakeTether } from './fake-tether.js';

/** A running fake Discord with the bot logged in. */
export interface Harness {
  fake: FakeDiscord;
  bot: Bot;
  tether: Tether;
  /** Every log line the bot wrote, parsed. */
  logs: Json[];
  feedbackPath: string;
  /** Resolves when every handler finished and the feedback log is on disk. */
  settle(): Promise<void>;
  /** Stops the bot, and the fake unless it was passed in. */
  close(): Promise<void>;
}

/** Default settings for tests: generous rate limit so tests do not trip it by accident. */
export const testSettings: DiscordSettings = { allowedChannelIds: [], allowDms: true, rateLimitPerMinute: 1000, maxQuestionLength: 500 };

/** Starts the fake and logs a bot into it. */
export async function startHarness(
  options: {
    tether?: Tether;
    /** Settings over `testSettings`; a function gets the started fake, for allow-lists of its channel ids. */
    settings?: Partial<DiscordSettings> | ((fake: FakeDiscord) => Partial<DiscordSettings>);
    /** An already started fake to log into (several shards share one); started here otherwise. */
    fake?: FakeDiscord;
    fakeOptions?: FakeDiscordOptions;
    clientOptions?: Parameters<typeof createBot>[0]['clientOptions'];
    /** The bot's clock: `skippingClock()` makes retry waits instant. */
    clock?: Clock;
  } = {},
): Promise<Harness> {
  const fake = options.fake ?? (await FakeDiscord.start(options.fakeOptions));
  const settings = typeof options.settings === 'function' ? options.settings(fake) : options.settings;
  const tether = options.tether ?? createFakeTether();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-discord-'));
  const feedbackPath = path.join(dir, 'feedback.jsonl');
  const logs: Json[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line)) });
  const feedback = createFeedbackLog({ path: feedbackPath, salt: 'test-salt', logger });
  const bot = createBot({
    tether,
    logger,
    settings: { ...testSettings, ...settings },
    feedback,
    apiBase: fake.apiBase,
    clientOptions: options.clientOptions,
    shutdownGraceMs: 2000,
    clock: options.clock,
  });
  await bot.start('fake-token');
  return {
    fake,
    bot,
    tether,
    logs,
    feedbackPath,
    async settle() {
      await bot.idle();
      await feedback.flush();
    },
    async close() {
      await bot.stop();
      if (!options.fake) await fake.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads the feedback log written so far. */
export function readJsonl(file: string): Json[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** A clock whose waits return at once and move its time forward instead: retries are tested without waiting. */
export interface SkippingClock extends Clock {
  /** Every wait asked for, in ms, in order. */
  waits: number[];
  /** How far this clock is ahead of real time. */
  skippedMs(): number;
}

/** Creates a skipping clock; `random` is fixed at the top of its range so waits are the backoff's full steps. */
export function skippingClock(): SkippingClock {
  let skipped = 0;
  const waits: number[] = [];
  return {
    waits,
    skippedMs: () => skipped,
    now: () => Date.now() + skipped,
    random: () => 0.999_999,
    async sleep(ms, signal) {
      signal.throwIfAborted();
      waits.push(ms);
      skipped += ms;
      // A turn of the event loop, as a real wait would give.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
