/**
 * `runAsk` (what `npm run ask` runs) with the real core over the shipped corpus and its index built
 * for the run: output formats and the kinds of reply, in process. test/cli/ask.spawn.test.ts runs
 * the CLI itself as a process (index build, stdin, pipes, a terminal, exit codes).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Tether } from '../../src/answer/types.js';
import { runAsk } from '../../src/cli/run-ask.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openConfiguredTether } from '../../src/tether.js';
import { cliEnv } from '../support/cli.js';
import { REPO_ROOT, unfaithfulQuotes } from '../support/corpus.js';
import { sharedProject } from '../support/shared.js';

interface JsonQuote {
  source: string;
  start: number;
  end: number;
  text: string;
}

let opening: Promise<Tether> | undefined;

/** Runs `npm run ask -- ...argv` in process, `input` on stdin (not a terminal), as the CLI wires it. */
async function ask(argv: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const text = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        text[key] += String(chunk);
        done();
      },
    });
  const stdin = new PassThrough();
  stdin.end(input);
  const code = await runAsk(
    argv,
    { stdin, stdout: sink('stdout'), stderr: sink('stderr'), isTTY: false, display: { terminal: undefined, color: false } },
    {
      // The settings a spawned CLI gets (test/support/cli.ts), over the run's shared index of the shipped corpus.
      loadConfig: () => loadConfig(cliEnv({ INDEX_DIR: sharedProject('shipped').indexDir }), REPO_ROOT),
      // One core for the file, opened as the CLI opens it (warnings and worse logged).
      openTether: (config, { onProgress }) => (opening ??= openConfiguredTether(config, { logger: createLogger('warn', undefined, config.logFormat), onProgress })),
    },
  );
  return { code, ...text };
}

describe('human-readable output', () => {
  it('shows the answer, then numbered quotes each with its citation, a blank line between them', async () => {
    const result = await ask(['Who is in charge of Alibaba Cloud?']);
    expect(result.code, result.stderr).toBe(0);
    const blocks = result.stdout.trimEnd().split('\n\n');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(blocks[0]!.length).toBeGreaterThan(0);
    const quoteBlocks = blocks.slice(1);
    expect(quoteBlocks.length).toBeLessThanOrEqual(3);
    for (const [i, block] of quoteBlocks.entries()) {
      const [quoteLine, citation] = block.split('\n');
      expect(quoteLine).toMatch(new RegExp(`^\\[${i + 1}\\] \\S`));
      const match = /^ {4}— .+, (?:paragraph \d+|第\d+段) · (corpus\/\S+\.txt):(\d+)–(\d+)$/.exec(citation ?? '');
      expect(match, citation).not.toBeNull();
      const [, source, start, end] = match!;
      const fileText = await fs.readFile(path.join(REPO_ROOT, source!), 'utf8');
      expect(quoteLine!.slice(`[${i + 1}] `.length)).toBe(fileText.slice(Number(start), Number(end)));
    }
  });

  it('answers one question per line of stdin (CRLF too), separated by a blank line, and succeeds when every line is good', async () => {
    const result = await ask([], 'What is Alibaba Cloud planning for AI?\r\nWho is in charge of Alibaba Cloud?\n');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('> What is Alibaba Cloud planning for AI?\n');
    expect(result.stdout).toContain('\n\n> Who is in charge of Alibaba Cloud?\n');
    expect(result.stdout.match(/^\[1\] /gm)).toHaveLength(2);
  });
});

describe('kinds of reply', () => {
  it('a question about the articles themselves is answered from their metadata, the byline quoted', async () => {
    const result = await ask(['--json', 'Who wrote the Chinese article?']);
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as { reply: string; confidence: string; answer: string; quotes: JsonQuote[] };
    expect(answer).toMatchObject({ reply: 'corpus', confidence: 'answer' });
    expect(answer.answer).toContain('王葉琳');
    expect(answer.quotes.map((q) => q.text)).toEqual(['撰文 | 王葉琳']);
    expect(await unfaithfulQuotes(answer.quotes, REPO_ROOT)).toEqual([]);
  });

  it('small talk gets a short reply with what Tether knows, and an uncovered question says so', async () => {
    const hello = await ask(['hi!']);
    const uncovered = await ask(['Who won the 2022 World Cup?']);
    expect(hello.stdout).toMatch(/^Hello!/);
    expect(hello.stdout).toContain('阿里雲,暫停裂土封王');
    expect(uncovered.stdout).toMatch(/^The sources do not cover this question\./);
  });
});
