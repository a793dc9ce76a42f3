import { Writable } from 'node:stream';
import type { Answerer } from '../../src/answer/types.js';
import { createLogger, type Logger } from '../../src/logger.js';

/** A logger whose JSON lines the test can read. */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('debug', destination), lines };
}

/** The offline answerer's part in these tests: answers with the best ranked quote, and counts its calls. */
export function recordingFallback(): Answerer & { calls: number } {
  const fallback = {
    name: 'extractive',
    calls: 0,
    async answer(request: Parameters<Answerer['answer']>[0]) {
      fallback.calls++;
      const best = request.quotes[0];
      return {
        found: request.found && best !== undefined,
        answer: best ? `“${best.text}” [${best.n}]` : 'The sources do not cover this.',
        quotes: request.quotes,
        answeredBy: 'extractive',
      };
    },
  };
  return fallback;
}
