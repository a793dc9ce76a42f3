import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Structured logs (JSON lines) on stderr, so stdout stays free for answers and --json output.
 * Secrets are redacted wherever they appear as fields.
 */
export function createLogger(level: string, destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** A logger that drops everything, for tests and quiet runs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
