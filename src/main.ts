import { once } from 'node:events';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { REST, Routes, ShardingManager, type RESTGetAPIGatewayBotResult } from 'discord.js';
import type { Tether } from './answer/types.js';
import { loadProjectConfig, type Config } from './config.js';
import { createBot } from './discord/bot.js';
import { toUserMessage } from './errors.js';
import { createFeedbackLog, loadOrCreateSalt } from './feedback/log.js';
import { createLogger, type Logger } from './logger.js';

/** Printed by `npm start` without a token: how to get one, and what works without Discord. */
export const missingTokenHelp = [
  'DISCORD_TOKEN is not set, so the Discord bot cannot start.',
  '',
  'To create a bot (README, "Running the Discord bot"):',
  '  1. https://discord.com/developers/applications → New Application → Bot → Reset Token; put it in .env as DISCORD_TOKEN=...',
  '  2. On the Bot page enable the privileged "Message Content Intent" (the bot also uses Guilds and Guild Messages).',
  '  3. OAuth2 → URL Generator: scopes "bot" and "applications.commands"; permissions View Channels, Send Messages,',
  '     Send Messages in Threads, Create Public Threads, Read Message History, Embed Links. Open the URL to invite it.',
  '  4. npm run deploy-commands   (set DISCORD_GUILD_ID for instant registration in one server)',
  '  5. npm start',
  '',
  'Without Discord, ask from the terminal: npm run ask -- "Why did Alibaba stop the cloud spin-off?"',
].join('\n');

/** How long the sharding manager waits for a shard to become ready: a shard opens the core before logging in. */
const shardReadyTimeoutMs = 120_000;

/** Entry point of `npm start`: loads settings, opens the core, and runs the bot (or the sharding manager). */
export async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadProjectConfig();
  } catch (error) {
    process.stderr.write(`${toUserMessage(error)}\n`);
    return 1;
  }
  const token = config.discord.token;
  if (!token) {
    process.stderr.write(`${missingTokenHelp}\n`);
    return 1;
  }
  const logger = createLogger(config.logLevel);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection (kept running)'));
  process.on('uncaughtExceptionMonitor', (error) => logger.fatal({ err: error }, 'uncaught exception'));

  try {
    // ShardingManager starts this same file per shard; a shard runs one client.
    if (config.discord.shards !== undefined && !config.discord.isShard) return await runShardingManager(config, token, logger);
    return await runBot(config, token, logger);
  } catch (error) {
    logger.error({ err: error }, 'the bot could not start');
    process.stderr.write(`${toUserMessage(error)}\n`);
    logger.flush();
    return 1;
  }
}

/** Opens the core as `npm run ask` does (configured embedder and chat model), building the index when missing. */
async function openCore(config: Config, logger: Logger): Promise<Tether> {
  // Loaded here, not at the top: a missing token or bad setting is reported without loading LangChain and hnswlib.
  const { openConfiguredTether } = await import('./tether.js');
  return openConfiguredTether(config, { logger, onProgress: (message) => logger.info(message) });
}

/** Runs one bot process (all shards of a small bot, or the one shard ShardingManager gave this process). */
async function runBot(config: Config, token: string, logger: Logger): Promise<number> {
  const tether = await openCore(config, logger);
  const feedbackPath = config.discord.feedbackLog;
  const feedback = createFeedbackLog({ path: feedbackPath, salt: loadOrCreateSalt(feedbackPath), logger });
  const bot = createBot({ tether, logger, settings: config.discord, feedback, apiBase: config.discord.apiBase });
  const stopped = onShutdownSignal(logger, () => bot.stop());
  await bot.start(token);
  await stopped;
  return 0;
}

/** Runs discord.js's ShardingManager: one process per shard, each running this file as a single shard. */
async function runShardingManager(config: Config, token: string, logger: Logger): Promise<number> {
  // Built once here so shards do not race to build the same index.
  await openCore(config, logger);
  const shards = config.discord.shards;
  const totalShards = shards === 'auto' ? await recommendedShardCount(token, config.discord.apiBase) : (shards ?? 1);
  const manager = new ShardingManager(fileURLToPath(import.meta.url), {
    token,
    totalShards,
    mode: 'process',
    respawn: true,
    // The shard runs TypeScript through tsx like this process does.
    execArgv: process.execArgv,
  });
  manager.on('shardCreate', (shard) => {
    logger.info({ shard: shard.id, totalShards }, 'shard process started');
    shard.on('death', () => logger.warn({ shard: shard.id }, 'shard process exited (respawning)'));
    shard.on('disconnect', () => logger.warn({ shard: shard.id }, 'shard disconnected'));
    shard.on('reconnecting', () => logger.info({ shard: shard.id }, 'shard reconnecting'));
    shard.on('ready', () => logger.info({ shard: shard.id }, 'shard ready'));
  });
  const stopped = onShutdownSignal(logger, async () => {
    await Promise.all(
      manager.shards.map(async (shard) => {
        const child = shard.process;
        if (!child || child.exitCode !== null) return;
        const exited = once(child, 'exit');
        // Shard.kill() detaches the respawn listener, then sends SIGTERM: the shard shuts down gracefully.
        shard.kill();
        await Promise.race([exited, sleep(15_000)]);
      }),
    );
  });
  await manager.spawn({ amount: totalShards, timeout: shardReadyTimeoutMs });
  logger.info({ totalShards }, 'all shards spawned');
  await stopped;
  return 0;
}

/** Discord's recommended shard count, asked through the configured REST base (so a proxy or fake works). */
async function recommendedShardCount(token: string, apiBase: string | undefined): Promise<number> {
  const rest = new REST(apiBase ? { api: apiBase } : {}).setToken(token);
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return Math.max(1, gateway.shards);
}

/**
 * Resolves after SIGINT or SIGTERM once `stop` finished (destroying the client, flushing logs). A second signal
 * exits at once, for a shutdown that hangs.
 */
function onShutdownSignal(logger: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handle = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        logger.flush();
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      stop()
        .catch((error: unknown) => logger.error({ err: error }, 'error while shutting down'))
        .finally(() => {
          logger.info('shut down');
          logger.flush();
          resolve();
        });
    };
    process.on('SIGINT', handle);
    process.on('SIGTERM', handle);
  });
}

// Run only when executed (tsx src/main.ts, or as a shard), never when imported.
const entry = process.argv[1];
if (entry !== undefined && fs.realpathSync(entry) === fs.realpathSync(fileURLToPath(import.meta.url))) {
  const code = await main();
  // Open handles (sockets, timers) must not keep a stopped bot alive.
  process.exit(code);
}
