import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Client,
  Events,
  GatewayCloseCodes,
  GatewayIntentBits,
  Partials,
  WebSocketShardEvents,
  type ClientOptions,
  type Interaction,
  type Message,
} from 'discord.js';
import type { Tether } from '../answer/types.js';
import { TetherError, toUserMessage } from '../errors.js';
import { explainDiscordFailure } from './reach.js';
import type { FeedbackLog } from '../feedback/log.js';
import type { Logger } from '../logger.js';
import { createAnswerStore, type AnswerStore } from './answers.js';
import { LRUCache } from 'lru-cache';
import { handleAnswerButton } from './buttons.js';
import { commands as allCommands, type ChatCommand, type Command, type MessageCommand } from './commands/index.js';
import type { BotContext, DiscordSettings } from './context.js';
import { createDelivery, type Backoff, type Clock } from './delivery.js';
import { refusePlace, type Place } from './guards.js';
import { uiLangFromLocale } from '../i18n.js';
import { channelGone, handleMessage, replyNotice } from './mentions.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { withSecretRedaction } from './redact.js';
import { acknowledge, tellUser } from './respond.js';

/** The intents the bot needs: guilds and their channels, messages, and message text (privileged) for mentions. */
export const botIntents = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.DirectMessages,
] as const;

/** What the bot is built from; the composition root (src/main.ts) or a test passes it in. */
export interface BotDeps {
  tether: Tether;
  logger: Logger;
  settings: DiscordSettings;
  feedback: FeedbackLog;
  /** REST base such as `http://127.0.0.1:8080/api` (a REST proxy, or a test's fake Discord); Discord's own when unset. */
  apiBase?: string | undefined;
  /** Extra discord.js options, e.g. `shards`/`shardCount` in tests. */
  clientOptions?: Partial<ClientOptions>;
  rateLimiter?: RateLimiter;
  answers?: AnswerStore;
  commands?: readonly Command[];
  /** How long `stop()` lets answers in progress finish. */
  shutdownGraceMs?: number;
  /** Time for retry waits and deadlines (tests skip the waits). */
  clock?: Clock;
  /** Waits between retries of a failed Discord call. */
  backoff?: Backoff;
}

/** A running (or ready to run) Discord bot. */
export interface Bot {
  readonly client: Client;
  /** Logs in and resolves once the client is ready. */
  start(token: string): Promise<void>;
  /** Stops taking events, lets answers in progress finish (bounded), destroys the client and flushes the log. */
  stop(): Promise<void>;
  /** Resolves when no handler is running. */
  idle(): Promise<void>;
  /**
   * Resolves (never rejects) if Discord closes the gateway for good (bad token, disallowed intents, invalid shard:
   * codes 4004, 4010–4014): the bot is deaf from then on, and the error says what to check.
   */
  readonly lost: Promise<TetherError>;
}

/** What to check for each gateway close code that discord.js will not recover from. */
const unrecoverableCloseAdvice: Record<number, string> = {
  [GatewayCloseCodes.AuthenticationFailed]:
    'Discord rejected the token (was it reset or revoked?). Put the current token (developer portal → Bot → Reset Token) in DISCORD_TOKEN, then start again.',
  [GatewayCloseCodes.InvalidShard]: 'Discord refused the shard: check SHARDS (shard ids must be below the shard count), then start again.',
  [GatewayCloseCodes.ShardingRequired]: 'The bot is in too many servers for one connection: set SHARDS=auto, then start again.',
  [GatewayCloseCodes.InvalidAPIVersion]: 'Discord no longer accepts this gateway version: update discord.js (npm ci with a current lockfile).',
  [GatewayCloseCodes.InvalidIntents]: 'Discord refused the intents the bot asks for: update discord.js (npm ci with a current lockfile).',
  [GatewayCloseCodes.DisallowedIntents]:
    'The bot asks for a privileged intent it is not allowed: enable Message Content Intent (developer portal → Bot → Privileged Gateway Intents), then start again.',
};

/** The error for a gateway connection Discord closed for good, with what to check. */
export function gatewayLostError(code: number): TetherError {
  const name = GatewayCloseCodes[code] ?? 'unknown';
  return new TetherError('UPSTREAM', `Discord closed the gateway connection with code ${code} (${name}); the bot cannot reconnect.`, {
    hint: unrecoverableCloseAdvice[code] ?? 'Check DISCORD_TOKEN and the bot settings in the developer portal, then start again.',
  });
}

/** Builds the bot: a discord.js client wired to the command, button and mention handlers. Nothing connects yet. */
export function createBot(deps: BotDeps): Bot {
  // Failed interaction calls carry their token in err.url: redacted before anything is written.
  const logger = withSecretRedaction(deps.logger);
  const client = new Client({
    intents: [...botIntents],
    // DM channels are not cached until used: without the Channel partial their first message is dropped.
    partials: [Partials.Channel],
    // A default for every message; each handler also sets it explicitly.
    allowedMentions: { parse: [], repliedUser: false },
    ...deps.clientOptions,
    // discord.js's own retries fire within milliseconds; the delivery's retries back off and respect deadlines.
    rest: { retries: 0, ...deps.clientOptions?.rest, ...(deps.apiBase ? { api: deps.apiBase } : {}) },
  });
  /** Aborted when the shutdown grace ends: retry waits stop, so nothing outlives the client. */
  const stopRetries = new AbortController();

  const ctx: BotContext = {
    tether: deps.tether,
    logger,
    settings: deps.settings,
    answers: deps.answers ?? createAnswerStore(),
    conversations: new LRUCache<string, string[]>({ max: 5000 }),
    feedback: deps.feedback,
    rateLimiter: deps.rateLimiter ?? createRateLimiter({ limit: deps.settings.rateLimitPerMinute, windowMs: 60_000 }),
    delivery: createDelivery({ clock: deps.clock, logger, signal: stopRetries.signal, backoff: deps.backoff }),
  };
  const commandList = deps.commands ?? allCommands;
  const chatCommands = new Map(commandList.filter((c): c is ChatCommand => c.kind === 'chat').map((c) => [c.data.name, c]));
  const messageCommands = new Map(commandList.filter((c): c is MessageCommand => c.kind === 'message').map((c) => [c.data.name, c]));

  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  /** The one error boundary: a failing handler is logged in full and the user told briefly; nothing escapes. */
  function runGuarded(label: string, details: Record<string, unknown>, work: () => Promise<void>, tellFailure: (error: unknown) => Promise<void>): void {
    const task = (async () => {
      try {
        await work();
      } catch (error) {
        logger.error({ err: error, ...details }, `${label} failed`);
        try {
          await tellFailure(error);
        } catch (replyError) {
          logger.warn({ err: replyError, ...details }, `${label}: could not tell the user about the failure`);
        }
      }
    })();
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }

  client.on(Events.InteractionCreate, (interaction) => {
    if (stopping) return;
    runGuarded(
      'interaction',
      { interactionId: interaction.id, type: interaction.type, user: interaction.user.id, ...interactionName(interaction) },
      () => routeInteraction(interaction),
      async (error) => {
        if (interaction.isAutocomplete()) {
          if (!interaction.responded) await acknowledge(interaction, ctx, 'autocomplete', () => interaction.respond([]));
        } else if (interaction.isRepliable()) {
          await tellUser(interaction, toUserMessage(error), ctx);
        }
      },
    );
  });

  client.on(Events.MessageCreate, (message: Message) => {
    if (stopping) return;
    runGuarded(
      'message',
      { messageId: message.id, channelId: message.channelId },
      () => handleMessage(message, ctx),
      async (error) => {
        if (!channelGone(message, ctx)) await replyNotice(message, toUserMessage(error), ctx);
      },
    );
  });

  async function routeInteraction(interaction: Interaction): Promise<void> {
    if (interaction.isButton()) {
      await handleAnswerButton(interaction, ctx);
      return;
    }
    const place: Place = {
      inGuild: interaction.inGuild(),
      channelId: interaction.channelId,
      parentId: interaction.channel?.isThread() ? interaction.channel.parentId : null,
    };
    const refusal = refusePlace(place, ctx.settings, uiLangFromLocale(interaction.locale));
    if (interaction.isAutocomplete()) {
      const command = chatCommands.get(interaction.commandName);
      if (refusal || !command?.autocomplete) await acknowledge(interaction, ctx, 'autocomplete', () => interaction.respond([]));
      else await command.autocomplete(interaction, ctx);
      return;
    }
    if (!interaction.isRepliable()) return;
    if (refusal) {
      await tellUser(interaction, refusal, ctx);
      return;
    }
    if (interaction.isChatInputCommand()) {
      const command = chatCommands.get(interaction.commandName);
      if (!command) throw new Error(`unknown command /${interaction.commandName}`);
      await command.execute(interaction, ctx);
    } else if (interaction.isMessageContextMenuCommand()) {
      const command = messageCommands.get(interaction.commandName);
      if (!command) throw new Error(`unknown context menu command "${interaction.commandName}"`);
      await command.execute(interaction, ctx);
    }
  }

  client.on(Events.ClientReady, (ready) => {
    logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size, shards: ready.ws.shards.map((shard) => shard.id) }, 'Discord client ready');
  });
  const watchedShards = new Set<number>();
  client.on(Events.ShardReady, (shardId) => {
    logger.info({ shard: shardId }, 'shard ready');
    const shard = client.ws.shards.get(shardId);
    if (!shard || watchedShards.has(shardId)) return;
    watchedShards.add(shardId);
    // shardReconnecting does not say why; the shard's own close event carries the gateway close code.
    shard.on(WebSocketShardEvents.Close, (event) => logger.warn({ shard: shardId, code: event.code }, 'gateway connection closed'));
  });
  let reportLost: (error: TetherError) => void = () => undefined;
  const lost = new Promise<TetherError>((resolve) => {
    reportLost = resolve;
  });
  // discord.js emits shardDisconnect only for the close codes it will not reconnect after.
  client.on(Events.ShardDisconnect, (event, shardId) => {
    if (stopping) return;
    const error = gatewayLostError(event.code);
    logger.fatal({ shard: shardId, code: event.code, hint: error.hint }, `gateway closed for good: ${error.message}`);
    reportLost(error);
  });
  client.on(Events.ShardReconnecting, (shardId) => logger.info({ shard: shardId }, 'shard reconnecting'));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shard: shardId, replayed }, 'shard resumed'));
  client.on(Events.ShardError, (error, shardId) => logger.error({ err: error, shard: shardId }, 'shard error'));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'Discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ detail: message }, 'Discord client warning'));
  client.rest.on('response', (request, response) => {
    if (response.status === 429) {
      logger.warn({ route: request.route, method: request.method, retryAfter: response.headers.get('retry-after') }, 'Discord answered 429: retrying after Retry-After');
    }
  });
  client.rest.on('rateLimited', (info) =>
    logger.warn({ route: info.route, method: info.method, retryAfterMs: info.retryAfter, global: info.global, scope: info.scope }, 'Discord rate limit hit: waiting it out'),
  );

  const idle = async (): Promise<void> => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  return {
    client,
    lost,
    async start(token) {
      const ready = once(client, Events.ClientReady);
      const lostBeforeReady = lost.then((error) => Promise.reject(error));
      // Observed here so that a loss after start() returned is no unhandled rejection.
      lostBeforeReady.catch(() => undefined);
      try {
        await Promise.race([client.login(token), lostBeforeReady]);
      } catch (error) {
        // Unreachable or a refused token, told apart; discord.js's messages never contain the token.
        throw explainDiscordFailure(error, deps.apiBase, 'Could not log in to Discord');
      }
      await Promise.race([ready, lostBeforeReady]);
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      const grace = deps.shutdownGraceMs ?? 10_000;
      const timer = new AbortController();
      await Promise.race([idle(), sleep(grace, undefined, { signal: timer.signal }).catch(() => undefined)]);
      timer.abort();
      stopRetries.abort();
      if (inFlight.size > 0) logger.warn({ unfinished: inFlight.size }, 'shutting down with answers still in progress');
      await client.destroy();
      await ctx.feedback.flush();
      logger.info('Discord client stopped');
    },
    idle,
  };
}

function interactionName(interaction: Interaction): Record<string, string> {
  if (interaction.isCommand() || interaction.isAutocomplete()) return { command: interaction.commandName };
  if (interaction.isMessageComponent()) return { customId: interaction.customId };
  return {};
}
