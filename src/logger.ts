import { pino, type Logger, type DestinationStream } from 'pino';
import { createRequire } from 'node:module';

export type { Logger };

/** LOG_FORMAT: `pretty` lines for people, `json` lines for a log collector, `auto` pretty on a terminal only. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** True when `format` asks for pretty lines on this stderr: LOG_FORMAT=pretty, or auto and stderr is a terminal. */
export function wantsPrettyLogs(format: LogFormat, stderr: { isTTY?: boolean } = process.stderr): boolean {
  return format === 'pretty' || (format === 'auto' && stderr.isTTY === true);
}

/**
 * Logs on stderr, so stdout stays free for answers and --json output: human-readable lines on a terminal
 * (pino-pretty, coloured unless NO_COLOR), JSON lines otherwise. A given `destination` (a test's) gets JSON
 * unless `format` is `pretty`. Secrets are redacted wherever they appear as fields.
 */
export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'auto'): Logger {
  const pretty = destination === undefined ? wantsPrettyLogs(format) : format === 'pretty';
  const stream = pretty
    ? prettyStreamBuilder()({
        destination: destination ?? 2,
        // Synchronous, like pino.destination(2): a line written before process.exit is never lost.
        sync: true,
        colorize: destination === undefined && process.stderr.isTTY === true && !process.env.NO_COLOR,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname',
      })
    : (destination ?? pino.destination(2));
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    stream,
  );
}

/** pino-pretty, loaded only when lines are pretty: a JSON logger (a pipe, a service) never pays for its import. */
function prettyStreamBuilder(): typeof import('pino-pretty').build {
  return (createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty')).build;
}
