import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { validateQuestion } from '../../src/answer/question.js';
import type { Answer, AskOptions, Quote, Tether } from '../../src/answer/types.js';
import { formatAnswer, runAsk, toJson, type AskDeps } from '../../src/cli/run-ask.js';
import { loadConfig } from '../../src/config.js';
import { TetherError } from '../../src/errors.js';
import { STACK_LINE } from '../support/cli.js';

/** A stream that keeps what is written to it. */
function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

const QUOTE: Quote = {
  n: 1,
  articleId: 'a',
  passageId: 'a:4',
  source: 'corpus/a.txt',
  title: 'An article',
  lang: 'en',
  paragraph: 4,
  start: 10,
  end: 31,
  text: 'The bridge was built.',
  score: 0.8125,
};

/** A stand-in core: echoes the question, records the options it was asked with. */
function fakeTether(calls: Array<{ question: string; options: AskOptions | undefined }>, failWith?: Error | ((question: string) => Error | undefined)): Tether {
  return {
    async ask(question, options) {
      const failure = typeof failWith === 'function' ? failWith(question) : failWith;
      if (failure) throw failure;
      const cleaned = validateQuestion(question);
      calls.push({ question: cleaned, options });
      const limit = options?.limit ?? 3;
      const quotes = [QUOTE, { ...QUOTE, n: 2, start: 40, end: 50, text: 'It is long.', paragraph: 5 }].slice(0, limit);
      // A follow-up with "he" is read with a name, as the core does.
      const readAs = /\bhe\b/.test(cleaned) ? { readAs: cleaned.replace(/\bhe\b/, 'Wu Yongming') } : {};
      return { question: cleaned, found: true, confidence: 'answer', answer: `Answer to ${cleaned} [1]`, quotes, lang: 'en', answeredBy: 'extractive', timings_ms: { total: 1.5 }, ...readAs };
    },
    async findPassages() {
      return [];
    },
    getPassage() {
      return undefined;
    },
    listSources() {
      return [];
    },
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  opened: number;
  calls: Array<{ question: string; options: AskOptions | undefined }>;
}

async function run(
  argv: string[],
  options: { input?: string; isTTY?: boolean; failWith?: Error | ((question: string) => Error | undefined); openError?: Error; env?: Record<string, string> } = {},
): Promise<Run> {
  const stdin = new PassThrough();
  const stdout = sink();
  const stderr = sink();
  const calls: Run['calls'] = [];
  let opened = 0;
  const deps: AskDeps = {
    loadConfig: () => loadConfig({ LOG_LEVEL: 'info', ...options.env }, '/project'),
    openTether: async (_config, { onProgress }) => {
      opened += 1;
      if (options.openError) throw options.openError;
      onProgress('Loading the index.');
      return fakeTether(calls, options.failWith);
    },
  };
  stdin.end(options.input ?? '');
  const code = await runAsk(argv, { stdin, stdout, stderr, isTTY: options.isTTY ?? false }, deps);
  return { code, stdout: stdout.text(), stderr: stderr.text(), opened, calls };
}

describe('runAsk: one question', () => {
  it('prints the answer and its numbered, cited quotes; progress goes to stderr', async () => {
    const result = await run(['Who', 'built', 'the bridge?']);
    expect(result.code).toBe(0);
    expect(result.calls).toEqual([{ question: 'Who built the bridge?', options: { limit: 3, context: undefined } }]);
    expect(result.stdout).toBe(
      'Answer to Who built the bridge? [1]\n\n' +
        '[1] The bridge was built.\n    — An article, paragraph 4 · corpus/a.txt:10–31\n\n' +
        '[2] It is long.\n    — An article, paragraph 5 · corpus/a.txt:40–50\n',
    );
    expect(result.stderr).toBe('Loading the index.\n');
  });

  it('--json prints exactly the documented fields, and passes --limit and --context', async () => {
    const result = await run(['--json', '--limit', '1', '--context', 'What about the bridge?', 'And the cost?']);
    expect(result.code).toBe(0);
    expect(result.calls[0]?.options).toEqual({ limit: 1, context: 'What about the bridge?' });
    expect(JSON.parse(result.stdout)).toEqual({
      question: 'And the cost?',
      found: true,
      confidence: 'answer',
      answer: 'Answer to And the cost? [1]',
      quotes: [{ n: 1, source: 'corpus/a.txt', title: 'An article', lang: 'en', paragraph: 4, start: 10, end: 31, text: 'The bridge was built.', score: 0.8125 }],
      timings_ms: { total: 1.5 },
    });
  });

  it('refuses a bad question before opening the index', async () => {
    for (const question of ['', '  ', '   \t ', '\u0001', 'why\u0007did\u001bit stop', '!!!', '?!…。？', 'q'.repeat(20_000)]) {
      const result = await run([question]);
      expect(result.code).toBe(1);
      expect(result.opened).toBe(0);
      expect(result.stdout).toBe('');
      // One friendly line: no stack trace, no error class.
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr.trim().length).toBeGreaterThan(10);
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(result.stderr).not.toMatch(/TetherError|Error:/);
    }
  });

  it('--help prints usage without opening anything', async () => {
    const result = await run(['-h']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage:/);
    expect(result.opened).toBe(0);
  });

  it('usage errors exit 2 with one line', async () => {
    const usageErrors = [['--nope'], ['--jsno', 'why?'], ['--limit'], ['--limit', 'many', 'why?'], ['--limit', '0', 'why?'], ['--limit', '-1', 'why?'], ['--limit', '2.5', 'q'], ['--limit', '21', 'q'], ['--context', '???', 'q']];
    for (const argv of usageErrors) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr.trimEnd().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(result.stderr, argv.join(' ')).not.toMatch(STACK_LINE);
      expect(result.opened).toBe(0);
    }
  });

  it('a TetherError shows its message and hint; exit 1', async () => {
    const result = await run(['q'], { openError: new TetherError('INDEX_CORRUPT', 'The index is damaged.', { hint: 'Run `npm run build-index`.' }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('The index is damaged.\nRun `npm run build-index`.\n');
  });

  it('a bad setting is reported like any TetherError', async () => {
    const result = await run(['q'], { env: { LOG_LEVEL: 'loud' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LOG_LEVEL');
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('an unexpected error is one short line, in full only with --debug or LOG_LEVEL=debug', async () => {
    const failWith = new Error('socket hang up\nwith details');
    const quiet = await run(['q'], { failWith });
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toMatch(/^Loading the index\.\nUnexpected error: socket hang up with details \(run with --debug for details\)\n$/);
    expect(quiet.stderr).not.toMatch(STACK_LINE);

    for (const loud of [await run(['--debug', 'q'], { failWith }), await run(['q'], { failWith, env: { LOG_LEVEL: 'debug' } })]) {
      expect(loud.code).toBe(1);
      expect(loud.stderr).toMatch(STACK_LINE);
    }
  });
});

describe('runAsk: questions on stdin (not a terminal)', () => {
  it('--json: one object per non-empty line, errors in place, exit 1 if any line failed', async () => {
    const result = await run(['--json'], { input: 'first question\n\n   \n\u0007bad\nsecond question' });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.question)).toEqual(['first question', '\u0007bad', 'second question']);
    expect(lines[1]).toEqual({ question: '\u0007bad', error: 'The question contains control characters; type it as plain text.' });
    expect(result.opened).toBe(1);
  });

  it('all good lines exit 0; human format separates answers by a blank line', async () => {
    const result = await run([], { input: 'one\r\ntwo\r\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^> one\nAnswer to one \[1\][\s\S]*\n\n> two\nAnswer to two \[1\]/);
  });

  it('a broken index stops the batch with its message', async () => {
    const result = await run(['--json'], { input: 'one\ntwo\n', openError: new TetherError('INDEX_CORRUPT', 'Damaged.', { hint: 'Run `npm run build-index`.' }) });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Damaged.\nRun `npm run build-index`.\n');
  });

  it('a failure answering one line is that line\'s error; the rest are still answered', async () => {
    const failWith = (question: string) =>
      question === 'crash' ? new TypeError('x is undefined') : question === 'slow' ? new TetherError('UPSTREAM', 'The chat model did not answer in time.') : undefined;
    const result = await run(['--json'], { input: 'one\ncrash\nslow\ntwo\n', failWith });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { question: string; error?: string });
    expect(lines.map((line) => [line.question, line.error !== undefined])).toEqual([
      ['one', false],
      ['crash', true],
      ['slow', true],
      ['two', false],
    ]);
    expect(lines[1]?.error).not.toContain('x is undefined');
    expect(lines[2]?.error).toBe('The chat model did not answer in time.');
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('an index error while answering ends the batch', async () => {
    const failWith = (question: string) => (question === 'two' ? new TetherError('INDEX_CORRUPT', 'Damaged.') : undefined);
    const result = await run(['--json'], { input: 'one\ntwo\nthree\n', failWith });
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toBe('Loading the index.\nDamaged.\n');
  });

  it('empty input answers nothing and succeeds', async () => {
    const result = await run(['--json'], { input: '' });
    expect(result).toMatchObject({ code: 0, stdout: '', opened: 0 });
  });
});

describe('runAsk: interactive prompt (a terminal)', () => {
  it('prompts with ">", answers each line, reports a bad one and goes on, and stops at an empty line', async () => {
    const result = await run([], { isTTY: true, input: 'first\n???\nsecond\n\nnever asked\n' });
    expect(result.code).toBe(0);
    expect(result.calls.map((call) => call.question)).toEqual(['first', 'second']);
    expect(result.stdout.match(/> /g)?.length).toBeGreaterThanOrEqual(3);
    expect(result.stdout).toContain('Answer to first [1]');
    expect(result.stdout).toContain('Answer to second [1]');
    expect(result.stderr).toContain('only punctuation');
  });

  it('passes each answered question as the context of the next, as a thread does', async () => {
    const result = await run([], { isTTY: true, input: 'Who runs Alibaba Cloud?\n???\nand why?\n' });
    expect(result.calls.map((call) => [call.question, call.options?.context])).toEqual([
      ['Who runs Alibaba Cloud?', undefined],
      ['and why?', 'Who runs Alibaba Cloud?'],
    ]);
  });

  it('follows up on a question as it was read (a pronoun replaced by the name)', async () => {
    const result = await run([], { isTTY: true, input: 'What does he run?\nAnd since when?\n' });
    expect(result.calls.map((call) => call.options?.context)).toEqual([undefined, 'What does Wu Yongming run?']);
    expect(result.stdout).toContain('(read as: What does Wu Yongming run?)');
  });

  it('stops at end of input (Ctrl-D)', async () => {
    const result = await run(['--json'], { isTTY: true, input: 'only\n' });
    expect(result.code).toBe(0);
    expect(result.calls).toHaveLength(1);
    expect(result.stdout).toContain('"question":"only"');
  });
});

describe('formatting helpers', () => {
  it('toJson keeps only the documented fields', () => {
    const answer: Answer = { question: 'q', found: false, confidence: 'none', answer: 'a', quotes: [QUOTE], lang: 'zh-Hant', answeredBy: 'extractive', timings_ms: { total: 2 } };
    expect(Object.keys(toJson(answer))).toEqual(['question', 'found', 'confidence', 'answer', 'quotes', 'timings_ms']);
  });

  it('toJson adds how a follow-up was read, where a reply came from and a quote\'s gloss, only when there are any', () => {
    const gloss = { terms: [{ text: '收入', gloss: 'revenue' }], figures: [{ text: '276.48億元', gloss: '27.648 billion yuan' }] };
    const answer: Answer = {
      question: 'and his revenue?',
      found: true,
      confidence: 'answer',
      answer: 'a [1]',
      quotes: [{ ...QUOTE, lang: 'zh-Hant', gloss }, { ...QUOTE, n: 2 }],
      lang: 'en',
      answeredBy: 'extractive',
      readAs: 'and Wu Yongming revenue?',
      reply: 'corpus',
      timings_ms: { total: 2 },
    };
    const json = toJson(answer);
    expect(json).toMatchObject({ readAs: 'and Wu Yongming revenue?', reply: 'corpus' });
    expect(json.quotes[0]?.gloss).toEqual(gloss);
    expect(Object.keys(json.quotes[1]!)).not.toContain('gloss');
  });

  it('formatAnswer puts a gloss line, marked as such, under a quote in another language and never inside it', () => {
    const gloss = { terms: [{ text: '收入', gloss: 'revenue' }], figures: [{ text: '276.48億元', gloss: '27.648 billion yuan' }] };
    const quote: Quote = { ...QUOTE, lang: 'zh-Hant', text: '阿里雲收入同比增長2%至276.48億元', gloss };
    const answer: Answer = { question: 'How much?', found: true, confidence: 'answer', answer: 'a [1]', quotes: [quote], lang: 'en', answeredBy: 'extractive', timings_ms: { total: 2 } };
    const [, block] = formatAnswer(answer).split('\n\n');
    const [quoteLine, , glossLine] = block!.split('\n');
    expect(quoteLine).toBe(`[1] ${quote.text}`);
    expect(glossLine).toBe('    gloss, not part of the quote: 收入 = revenue · 276.48億元 = 27.648 billion yuan');
  });

  it('formatAnswer labels paragraphs in the question language', () => {
    const answer: Answer = { question: '誰？', found: true, confidence: 'answer', answer: '答案 [1]', quotes: [QUOTE], lang: 'zh-Hant', answeredBy: 'extractive', timings_ms: { total: 2 } };
    expect(formatAnswer(answer)).toContain('第4段');
  });
});
