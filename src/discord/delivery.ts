import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiscordAPIError, HTTPError } from 'discord.js';
import type { Logger } from '../logger.js';

/** Time as the bot sees it; tests pass one that skips the waits instead of sleeping. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** A number in [0, 1) that spreads retries out (Math.random in production). */
  random(): number;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
  random: () => Math.random(),
};

/** How long Discord lets a reply wait, and how long the bot keeps trying. */
export const deliveryWindows = {
  /** An interaction must be acknowledged within 3 s of its creation; retries stop a little before. */
  interactionCallbackMs: 2_600,
  /** An interaction token lasts 15 minutes; retries stop half a minute before. */
  interactionTokenMs: 15 * 60_000 - 30_000,
  /** A mention is worth answering for about a minute; later the user has moved on. */
  messageMs: 60_000,
} as const;

/** Waits between attempts: doubling from `firstDelayMs` up to `maxDelayMs`, each scaled by 50–100 % at random. */
export interface Backoff {
  firstDelayMs: number;
  maxDelayMs: number;
}

/** The backoff used unless a test passes another. */
export const defaultBackoff: Backoff = { firstDelayMs: 250, maxDelayMs: 30_000 };

/** One call to Discord worth retrying: what it is (for the log) and until when it is worth trying. */
export interface DeliveryOptions {
  what: string;
  /** Epoch ms after which no further attempt is made. */
  deadline: number;
  details?: Record<string, unknown>;
}

/** Sends to Discord with bounded retries, so an outage of a few seconds costs no answer. */
export interface Delivery {
  readonly clock: Clock;
  /**
   * Runs `send` until it succeeds, fails with an error that retrying cannot fix, the next wait would pass the
   * deadline, or the bot stops; then throws the last error. Only the send is repeated, never the work before it.
   */
  send<T>(send: () => Promise<T>, options: DeliveryOptions): Promise<T>;
}

/** Creates the delivery of one bot; `signal` aborts waits when the bot stops. */
export function createDelivery(options: { clock?: Clock; logger: Logger; signal: AbortSignal; backoff?: Backoff }): Delivery {
  const clock = options.clock ?? systemClock;
  const backoff = options.backoff ?? defaultBackoff;
  const { logger, signal } = options;
  return {
    clock,
    async send(send, { what, deadline, details }) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await send();
        } catch (error) {
          if (!isTransient(error)) throw error;
          const delayMs = Math.round(Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** (attempt - 1)) * (0.5 + clock.random() / 2));
          if (signal.aborted || clock.now() + delayMs > deadline) {
            logger.warn({ err: error, what, attempts: attempt, ...details }, 'Discord call failed: giving up');
            throw error;
          }
          logger.warn({ err: error, what, attempt, delayMs, ...details }, 'Discord call failed: retrying');
          try {
            await clock.sleep(delayMs, signal);
          } catch {
            throw error;
          }
        }
      }
    },
  };
}

/** Network-level failures worth another try (a timeout, a reset or refused connection, DNS trouble). */
const transientNetworkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** True when Discord may well accept the same call a moment later: a 5xx, or the request never got an answer. */
export function isTransient(error: unknown): boolean {
  if (error instanceof HTTPError || error instanceof DiscordAPIError) return error.status >= 500;
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && transientNetworkCodes.has(code)) return true;
  // undici's fetch wraps the socket error: "fetch failed" with the reason as the cause.
  return error.message === 'fetch failed' || (error.cause !== undefined && error.cause !== error && isTransient(error.cause));
}

/** Discord's error code for a failed call, if Discord gave one (10008 Unknown Message, 50001 Missing Access, …). */
export function discordErrorCode(error: unknown): number | string | undefined {
  return error instanceof DiscordAPIError ? error.code : undefined;
}

/** A one-time value for `nonce` with `enforceNonce`, so a retried message create never posts twice. */
export function createNonce(): string {
  // Discord accepts up to 25 characters.
  return randomBytes(12).toString('hex');
}
