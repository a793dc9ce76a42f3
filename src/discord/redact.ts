import { pino } from 'pino';
import type { Logger } from '../logger.js';

/**
 * An interaction token in a REST path: `/webhooks/<application>/<token>` or `/interactions/<id>/<token>`. Such a
 * token lets anyone post as the bot for 15 minutes, so it never reaches a log.
 */
const interactionTokenInPath = /(\/(?:webhooks|interactions)\/\d+\/)[^/?#\s"'`]+/g;

/** Replaces interaction tokens (and the given secrets, such as the bot token) in a string. */
export function redactSecretsInText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(interactionTokenInPath, '$1[redacted]');
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  return out;
}

/** A deep copy of `value` with every string redacted; cycles and depth are bounded. */
export function redactSecrets(value: unknown, secrets: readonly string[] = [], depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactSecretsInText(value, secrets);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, secrets, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactSecrets(item, secrets, depth + 1, seen);
  return out;
}

/**
 * A child logger whose `err` field is serialised as usual (type, message, stack, cause, and every field such as
 * discord.js's `url`) and then redacted, so a failed interaction call never logs its token.
 */
export function withSecretRedaction(logger: Logger, secrets: readonly string[] = []): Logger {
  return logger.child(
    {},
    {
      serializers: {
        err: (error: unknown) => redactSecrets(error instanceof Error ? pino.stdSerializers.err(error) : error, secrets),
      },
    },
  );
}
