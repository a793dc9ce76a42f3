import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runAskCli, runAskInTerminal, runTsx, STACK_LINE, type CliResult } from '../support/cli.js';
import { copyToTmp, makeTmpDir, REPO_ROOT, unfaithfulQuotes } from '../support/corpus.js';

// The real corpus with a temp index: the first run builds it (the CLI says so), later runs reuse it.
// Runs that build an index run the TypeScript sources (`tsx src/cli/ask.ts`), whose build takes its
// lexicon from the run's one reading of CC-CEDICT and WordNet (test/support/lexicon-hook; the compiled
// CLI bundles that code, out of the hook's reach); every other run is `npm run ask`'s `node bin/run.mjs ask`.
let indexDir: string;
let env: Record<string, string>;
let first: CliResult;
const tmpDirs: string[] = [];

const QUOTE_KEYS = ['n', 'source', 'title', 'lang', 'paragraph', 'start', 'end', 'text', 'score'];
const ANSWER_KEYS = ['question', 'found', 'confidence', 'answer', 'quotes', 'timings_ms'];

interface JsonQuote {
  n: number;
  source: string;
  start: number;
  end: number;
  text: string;
  score: number;
}

beforeAll(async () => {
  const root = await makeTmpDir('cli');
  tmpDirs.push(root);
  indexDir = path.join(root, 'index');
  env = cliEnv({ INDEX_DIR: indexDir });
  first = await runTsx('src/cli/ask.ts', ['--json', 'What happened to the revenue of Alibaba Cloud?'], env);
});

afterAll(async () => {
  await Promise.all(tmpDirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

/** Checks the exact --json shape of one answer and that its quotes are verbatim. */
async function expectAnswerJson(value: unknown, question: string): Promise<void> {
  // readAs (a follow-up as read) and reply (from metadata) are added only when there are any.
  expect(Object.keys(value as object).filter((key) => !['readAs', 'reply'].includes(key)).sort()).toEqual([...ANSWER_KEYS].sort());
  const answer = value as { question: string; found: boolean; answer: string; quotes: JsonQuote[]; timings_ms: Record<string, unknown> };
  expect(answer.question).toBe(question);
  expect(typeof answer.found).toBe('boolean');
  expect(answer.answer.length).toBeGreaterThan(0);
  expect(Object.keys(answer.timings_ms)).toEqual(['total']);
  expect(typeof answer.timings_ms.total).toBe('number');
  expect(answer.quotes.length).toBeGreaterThan(0);
  answer.quotes.forEach((quote, i) => {
    // A quote in another language than the question may carry a gloss.
    expect(Object.keys(quote).filter((key) => key !== 'gloss').sort()).toEqual([...QUOTE_KEYS].sort());
    expect(quote.n).toBe(i + 1);
    expect(quote.source).toMatch(/^corpus\/.+\.txt$/);
  });
  expect(await unfaithfulQuotes(answer.quotes, REPO_ROOT)).toEqual([]);
}

describe('npm run ask -- --json "question"', () => {
  it('builds the missing index, saying so on stderr, and prints exactly one JSON object on stdout', async () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/No index in .* building it now/);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    await expectAnswerJson(JSON.parse(lines[0]!), 'What happened to the revenue of Alibaba Cloud?');
    expect((JSON.parse(lines[0]!) as { quotes: unknown[] }).quotes.length).toBeLessThanOrEqual(3);
  });

  it('reuses the index on the next run, answers a Chinese question, and honours --limit', async () => {
    const question = '阿里雲的收入增長了多少？';
    const result = await runAskCli(['--json', '--limit', '1', question], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const answer = JSON.parse(result.stdout) as { quotes: unknown[] };
    await expectAnswerJson(answer, question);
    expect(answer.quotes).toHaveLength(1);
  });

  it('run from another folder, reads the project corpus (CORPUS_DIR relative to the project root) and cites paths relative to it', async () => {
    const elsewhere = await makeTmpDir('cli-elsewhere');
    tmpDirs.push(elsewhere);
    const question = 'When did Alibaba Cloud go down again?';
    const result = await runAskCli(['--json', question], { ...env, CORPUS_DIR: 'corpus' }, undefined, { cwd: elsewhere });
    expect(result.code, result.stderr).toBe(0);
    await expectAnswerJson(JSON.parse(result.stdout), question);
    // Nothing was read or written under the working directory.
    expect(await fs.readdir(elsewhere)).toEqual([]);
  });
});

describe('the usage', () => {
  it('prints the usage with --help', async () => {
    const result = await runAskCli(['--help'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^USAGE npm run ask -- \[OPTIONS\] \[QUESTION\]$/m);
    for (const flag of ['--json', '--limit', '--context']) expect(result.stdout).toContain(flag);
  });
});

describe('one question per line on stdin', () => {
  it('with --json prints one JSON object per question, an error object for a bad line, and fails overall', async () => {
    const questions = ['What is Alibaba Cloud planning for AI?', '', '?!?', '阿里雲為什麼不再分拆？'];
    const result = await runAskCli(['--json'], env, `${questions.join('\n')}\n`);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    const [good, bad, chinese] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    await expectAnswerJson(good, questions[0]!);
    expect(bad).toEqual({ question: '?!?', error: expect.stringMatching(/punctuation/) as unknown });
    await expectAnswerJson(chinese, questions[3]!);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('stops quietly when the reader closes the pipe early (| head -1)', async () => {
    const input = `${Array.from({ length: 40 }, (_, i) => `Question number ${i + 1} about Alibaba Cloud?`).join('\n')}\n`;
    const result = await runAskCli(['--json'], env, input, { closeStdoutAfterFirstLine: true });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stderr).not.toContain('EPIPE');
  });
});

describe('in a terminal: the interactive prompt', () => {
  it('reads a pronoun follow-up with the person the previous answer named, and says how it read it', async () => {
    const result = await runAskInTerminal(['Who is in charge of Alibaba Cloud now?', 'What other positions does he hold?', ''], env);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Ask a question about the articles');
    expect(result.output).toContain('(read as: What other positions does Wu Yongming hold?)');
    // The follow-up's first quote is about the person, not someone else.
    const followUp = result.output.slice(result.output.indexOf('(read as:'));
    expect(/\[1\] ([^\n]*)/.exec(followUp)?.[1]).toMatch(/Wu Yongming|吳泳銘/);
    expect(result.output).not.toMatch(STACK_LINE);
  });
});

// Independent short runs: two at a time keeps the file quick on two cores.
describe.concurrent('bad input', () => {
  // Every kind of bad question is refused in process (test/cli/run-ask.test.ts); here two go through a real process.
  const badQuestions: Array<[string, string]> = [
    ['control characters', 'why\u0007did\u001bit stop'],
    ['only punctuation', '?!…。？'],
  ];

  it.each(badQuestions)('%s: a one-line friendly error, a non-zero exit, no stack trace', async (_name, question) => {
    const result = await runAskCli([question], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trim().length).toBeGreaterThan(10);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stderr).not.toMatch(/TetherError|Error:/);
  });

  it('an unknown option or a bad --limit is a usage error (exit 2)', async () => {
    // Every usage error is checked in process (test/cli/run-ask.test.ts); here two go through a real process.
    const runs = [['--jsno', 'why?'], ['--limit', '-1', 'why?']];
    const results = await Promise.all(runs.map((args) => runAskCli(args, env)));
    for (const [i, result] of results.entries()) {
      const args = runs[i]!;
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).not.toMatch(STACK_LINE);
    }
  });

  it('a corrupt index is rebuilt, saying so, and the question answered; the next ask opens it as is', async () => {
    const broken = await copyToTmp('cli-corrupt', indexDir);
    tmpDirs.push(broken);
    await fs.writeFile(path.join(broken, 'lexical.sqlite'), 'not a database');
    const env = cliEnv({ INDEX_DIR: broken });
    const repaired = await runTsx('src/cli/ask.ts', ['--json', 'Who is in charge of Alibaba Cloud?'], env);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stderr).toMatch(/damaged or incomplete .*rebuilding it/);
    expect(repaired.stderr).not.toMatch(STACK_LINE);
    const answer = JSON.parse(repaired.stdout) as { quotes: Array<{ source: string; start: number; end: number; text: string }> };
    expect(answer.quotes.length).toBeGreaterThan(0);
    expect(await unfaithfulQuotes(answer.quotes, REPO_ROOT)).toEqual([]);
    const again = await runAskCli(['Who is in charge of Alibaba Cloud?'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/rebuilding/);
  });

  it('a bad setting: the settings error, exit 1, no stack trace', async () => {
    const result = await runAskCli(['Who is in charge of Alibaba Cloud?'], cliEnv({ INDEX_DIR: indexDir, LOG_LEVEL: 'loud' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LOG_LEVEL');
    expect(result.stderr).not.toMatch(STACK_LINE);
  });
});
