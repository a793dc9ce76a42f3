import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { REST, Routes, ShardingManager, type RESTGetAPIGatewayBotResult } from 'discord.js';
import type { Tether } from './answer/types.js';
import { defineCommand, runCli } from './cli/boundary.js';
import { loadProjectConfig, type Config } from './config.js';
import { createBot, type Bot } from './discord/bot.js';
import { explainDiscordFailure } from './discord/reach.js';
import { withSecretRedaction } from './discord/redact.js';
import { isTetherError, toUserMessage, type TetherError } from './errors.js';
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
  '     Send Messages in Threads, Create Public Threads, Read Message History, Embed Links, Add Reactions.',
  '     Open the URL to invite it.',
  '  4. npm run deploy-commands   (set DISCORD_GUILD_ID for instant registration in one server)',
  '  5. npm start   (in production: node bin/run.mjs start under systemd or pm2, see deploy/)',
  '',
  'Without Discord, ask from the terminal: npm run ask -- "Why did Alibaba stop the cloud spin-off?"',
].join('\n');

/** How long the sharding manager waits for a shard to become ready: a shard opens the core before logging in. */
const shardReadyTimeoutMs = 120_000;

/**
 * Exit code when Discord closed the gateway for good (bad token, disallowed intents): EX_CONFIG, so a supervisor
 * can tell it from a crash and not restart in a loop (systemd RestartPreventExitStatus=78, pm2 stop_exit_codes).
 */
export const gatewayLostExitCode = 78;

/** What `npm start` does: loads settings, opens the core, and runs the bot (or the sharding manager). */
async function main(): Promise<number> {
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
  // Errors of failed Discord calls carry interaction tokens in their URL: redacted, as is the bot token.
  const logger = withSecretRedaction(createLogger(config.logLevel, undefined, config.logFormat), [token]);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection (kept running)'));
  process.on('uncaughtExceptionMonitor', (error) => logger.fatal({ err: error }, 'uncaught exception'));

  try {
    // ShardingManager starts this same file per shard; a shard runs one client.
    if (config.discord.shards !== undefined && !config.discord.isShard) return await runShardingManager(config, token, logger);
    return await runBot(config, token, logger);
  } catch (error) {
    // Printed once: our own failure as its message (with the URL and the fix), a bug in full in the log.
    if (isTetherError(error)) logger.debug({ err: error }, 'the bot could not start');
    else logger.error({ err: error }, 'the bot could not start');
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
  const slice = config.discord.shardSlice;
  const bot = createBot({
    tether,
    logger,
    settings: config.discord,
    feedback,
    apiBase: config.discord.apiBase,
    // Part of the shards of a bot that several machines share: discord.js identifies only these.
    clientOptions: slice ? { shards: slice.ids, shardCount: slice.count } : undefined,
  });
  const stopped = onShutdownSignal(logger, () => bot.stop(), { isShard: config.discord.isShard });
  try {
    await bot.start(token);
  } catch (error) {
    if (error !== (await settledValue(bot.lost))) throw error;
  }
  const lost = await Promise.race([stopped.then(() => undefined), bot.lost]);
  if (!lost) return 0;
  return stopAfterGatewayLoss(bot, lost, logger);
}

/** The value of a promise that has already resolved; undefined while it is pending. */
async function settledValue<T>(promise: Promise<T>): Promise<T | undefined> {
  return Promise.race([promise, Promise.resolve(undefined)]);
}

/** After Discord closed the gateway for good: says what to check, lets answers finish, and exits non-zero. */
async function stopAfterGatewayLoss(bot: Bot, error: TetherError, logger: Logger): Promise<number> {
  process.stderr.write(`${error.userMessage}\n`);
  logger.info('shutting down: the gateway connection cannot be recovered');
  await bot.stop().catch((stopError: unknown) => logger.error({ err: stopError }, 'error while shutting down'));
  logger.info({ exitCode: gatewayLostExitCode }, 'shut down');
  logger.flush();
  return gatewayLostExitCode;
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
    // Respawning is decided here, by exit code: a shard that lost its gateway for good must not come back.
    respawn: false,
    // A shard runs this same file as this process does: compiled (dist/), or TypeScript through tsx,
    // whose loader bin/run.mjs may have registered in-process, where execArgv does not show it.
    execArgv: import.meta.url.endsWith('.ts') && !process.execArgv.some((arg) => /(?:^|[=/\\])tsx(?:$|[/\\])/.test(arg)) ? [...process.execArgv, '--import', 'tsx'] : process.execArgv,
  });
  let stopping = false;
  let spawned = false;
  let lostShard: number | undefined;
  let reportLost: (shardId: number) => void = () => undefined;
  const lost = new Promise<number>((resolve) => {
    reportLost = resolve;
  });
  manager.on('shardCreate', (shard) => {
    logger.info({ shard: shard.id, totalShards }, 'shard process started');
    shard.on('death', (child) => {
      const exitCode = 'exitCode' in child ? (child as ChildProcess).exitCode : null;
      if (stopping) return;
      if (exitCode === gatewayLostExitCode) {
        logger.fatal({ shard: shard.id, exitCode }, 'a shard lost its gateway connection for good (see its log): stopping every shard');
        lostShard ??= shard.id;
        reportLost(shard.id);
        return;
      }
      // Exit code 0 is a shard that was told to stop; anything else is a crash worth another start.
      if (exitCode === 0 || !spawned) {
        logger.warn({ shard: shard.id, exitCode }, 'shard process exited');
        return;
      }
      logger.warn({ shard: shard.id, exitCode }, 'shard process exited (respawning)');
      void sleep(config.discord.shardSpawnDelayMs).then(async () => {
        if (stopping) return;
        await shard.spawn(shardReadyTimeoutMs).catch((error: unknown) => logger.error({ err: error, shard: shard.id }, 'shard could not be respawned'));
      });
    });
    shard.on('error', (error) => logger.error({ err: error, shard: shard.id }, 'shard error'));
    shard.on('disconnect', () => logger.warn({ shard: shard.id }, 'shard disconnected'));
    shard.on('reconnecting', () => logger.info({ shard: shard.id }, 'shard reconnecting'));
    shard.on('ready', () => logger.info({ shard: shard.id, pid: shard.process?.pid }, 'shard ready'));
  });
  const stopShards = async (): Promise<void> => {
    stopping = true;
    await Promise.all(
      manager.shards.map(async (shard) => {
        const child = shard.process;
        if (!child || child.exitCode !== null) return;
        const exited = once(child, 'exit');
        // Shard.kill() detaches discord.js's exit listener, then sends SIGTERM: the shard drains and exits.
        shard.kill();
        await Promise.race([exited, sleep(15_000)]);
      }),
    );
  };
  const stopped = onShutdownSignal(logger, stopShards);
  try {
    await manager.spawn({ amount: totalShards, delay: config.discord.shardSpawnDelayMs, timeout: shardReadyTimeoutMs });
    spawned = true;
    logger.info({ totalShards }, 'all shards spawned');
  } catch (error) {
    // A shard that died of a lost gateway while spawning is reported below; anything else is a failed start.
    if (lostShard === undefined) {
      await stopShards();
      throw error;
    }
  }
  const outcome = await Promise.race([stopped.then(() => 'stopped' as const), lost.then(() => 'lost' as const)]);
  if (outcome === 'stopped') return 0;
  await stopShards();
  logger.info({ exitCode: gatewayLostExitCode }, 'shut down');
  logger.flush();
  return gatewayLostExitCode;
}

/** Discord's recommended shard count, asked through the configured REST base (so a proxy or fake works). */
async function recommendedShardCount(token: string, apiBase: string | undefined): Promise<number> {
  const rest = new REST(apiBase ? { api: apiBase } : {}).setToken(token);
  const gateway = (await rest.get(Routes.gatewayBot()).catch((error: unknown) => {
    throw explainDiscordFailure(error, apiBase, 'Could not ask Discord for the shard count');
  })) as RESTGetAPIGatewayBotResult;
  return Math.max(1, gateway.shards);
}

/**
 * A signal this soon after the first is the same request delivered twice (Ctrl-C reaches the whole process group,
 * and `npm start` forwards it again), not a user insisting.
 */
const repeatedSignalMs = 1_000;

/**
 * Resolves after SIGINT or SIGTERM once `stop` finished (destroying the client, flushing logs). A second signal,
 * a second or more after the first, exits at once, for a shutdown that hangs. A shard also stops when its
 * sharding manager is gone (its IPC channel closes), so a killed manager leaves no shard running.
 */
function onShutdownSignal(logger: Logger, stop: () => Promise<void>, options: { isShard?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    let firstSignalAt: number | undefined;
    const handle = (signal: NodeJS.Signals | 'manager gone') => {
      if (firstSignalAt !== undefined) {
        if (signal === 'manager gone' || Date.now() - firstSignalAt < repeatedSignalMs) {
          logger.debug({ signal }, 'signal delivered again: already shutting down');
          return;
        }
        logger.warn({ signal }, 'second signal: exiting now');
        logger.flush();
        process.exit(1);
      }
      firstSignalAt = Date.now();
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
    if (options.isShard) process.once('disconnect', () => handle('manager gone'));
  });
}

/** `npm start` (and each shard ShardingManager starts): the bot, through the one CLI boundary. */
const startCommand = defineCommand({
  meta: { name: 'start', description: 'Runs the Discord bot (DISCORD_TOKEN in .env; SHARDS for several shards)' },
  args: {},
  // Open handles (sockets, timers) must not keep a stopped bot alive: runCli exits with the code.
  run: () => main(),
});

runCli(startCommand);
