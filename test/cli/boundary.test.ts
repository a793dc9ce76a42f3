import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defineCommand, EXIT_ERROR, EXIT_OK, EXIT_USAGE, runCliCommand, UsageError, wholeNumber } from '../../src/cli/boundary.js';
import { explainDiscordFailure } from '../../src/discord/reach.js';
import { createOpenAiEmbeddings } from '../../src/embeddings/openai.js';
import { TetherError } from '../../src/errors.js';
import { createLogger, wantsPrettyLogs } from '../../src/logger.js';
import { closedAddress, startServer } from './servers.js';

/** A stream that keeps what is written to it. */
function capture(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

/** Runs a command that records its arguments, or fails with `failure`. */
async function run(argv: string[], failure?: unknown) {
  const stdout = capture();
  const stderr = capture();
  let ran: Record<string, unknown> | undefined;
  const command = defineCommand({
    meta: { name: 'demo', description: 'A demo command' },
    args: {
      rounds: { type: 'string', valueHint: 'N', description: 'how many rounds' },
      verbose: { type: 'boolean', description: 'say more' },
      split: { type: 'enum', options: ['train', 'test'], description: 'which split' },
    },
    run({ args }) {
      if (failure) throw failure;
      ran = { rounds: wholeNumber(args.rounds, '--rounds', { fallback: 20 }), verbose: args.verbose === true, split: args.split };
      return args.verbose ? 3 : undefined;
    },
  });
  const code = await runCliCommand(command, { argv, stdout, stderr, env: {}, notes: 'Extra notes.' });
  return { code, stdout: stdout.text(), stderr: stderr.text(), ran };
}

describe('the CLI boundary', () => {
  it('--help prints the generated usage with every option and the notes, without running the command', async () => {
    const result = await run(['--rounds', '5', '--help']);
    expect(result.code).toBe(EXIT_OK);
    expect(result.ran).toBeUndefined();
    expect(result.stdout).toMatch(/^USAGE npm run demo -- \[OPTIONS\]$/m);
    for (const option of ['--rounds=<N>', '--verbose', '--split=<train|test>']) expect(result.stdout).toContain(option);
    expect(result.stdout).toContain('Extra notes.');
    // Not a terminal: no escape codes.
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('--version prints the version from package.json', async () => {
    const result = await run(['--version']);
    expect(result.code).toBe(EXIT_OK);
    expect(result.stdout).toMatch(/^tether \d+\.\d+\.\d+\n$/);
    expect(result.ran).toBeUndefined();
  });

  it('runs the command with its parsed arguments and exits with the code it returns', async () => {
    expect(await run(['--rounds', '7', '--split', 'test'])).toMatchObject({ code: EXIT_OK, ran: { rounds: 7, verbose: false, split: 'test' } });
    expect(await run(['--verbose'])).toMatchObject({ code: 3, ran: { rounds: 20, verbose: true } });
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'."],
    [['--rounds', '0'], '--rounds must be a whole number above 0, got "0".'],
    [['--rounds', '-1'], '--rounds must be a whole number above 0, got "-1".'],
    [['--rounds'], "Option '--rounds <value>' argument missing."],
    [['--split', 'dev'], 'Invalid value for argument: --split (dev). Expected one of: train, test.'],
    [['stray'], "Unexpected argument 'stray'."],
  ])('%j is a one-line usage error (exit 2) and nothing runs', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toBe(`${message} (see npm run demo -- --help)\n`);
    expect(result.stdout).toBe('');
  });

  it('a TetherError prints its message and hint once (exit 1); anything else a short line and the detail', async () => {
    const ours = await run([], new TetherError('CORPUS', 'Cannot read the corpus folder /x.', { hint: 'Set CORPUS_DIR.' }));
    expect(ours).toMatchObject({ code: EXIT_ERROR, stderr: 'Cannot read the corpus folder /x.\nSet CORPUS_DIR.\n' });
    const bug = await run([], new RangeError('index out of range'));
    expect(bug.code).toBe(EXIT_ERROR);
    expect(bug.stderr.split('\n')[0]).toBe('Unexpected error: index out of range. This is a bug in Tether; the detail below helps to report it.');
    expect(bug.stderr).toContain('RangeError: index out of range');
    const usage = await run([], new UsageError('--dataset takes no eval file.'));
    expect(usage).toMatchObject({ code: EXIT_USAGE, stderr: '--dataset takes no eval file. (see npm run demo -- --help)\n' });
  });
});

describe('failures that name their URL and fix', () => {
  it('Discord unreachable and a refused token are told apart', async () => {
    const address = await closedAddress();
    const refusedConnection = await fetch(address).catch((error: unknown) => error);
    const down = explainDiscordFailure(refusedConnection, `${address}/api`, 'Could not log in to Discord');
    expect(down.message).toBe(`Could not log in to Discord: Discord is unreachable at ${address}/api (ECONNREFUSED).`);
    expect(down.hint).toContain('DISCORD_API_BASE');
    const refused = explainDiscordFailure(Object.assign(new Error('An invalid token was provided.'), { code: 'TokenInvalid' }), undefined, 'Could not log in to Discord');
    expect(refused.message).toBe('Could not log in to Discord: Discord refused the bot token (401 from https://discord.com/api).');
    expect(refused.hint).toContain('Reset Token');
  });

  it('an embeddings endpoint that never answers fails after EMBEDDINGS_TIMEOUT_MS with its URL and the fix', async () => {
    const silent = await startServer(() => undefined);
    try {
      const embeddings = createOpenAiEmbeddings({ baseUrl: `${silent.url}/v1`, model: 'e', apiKey: undefined, timeoutMs: 300 }, { maxRetries: 0 });
      const failure = embeddings.embedQuery('hello');
      await expect(failure).rejects.toThrow(`The embeddings endpoint ${silent.url}/v1 did not answer within 0.3 s (model e).`);
      await expect(failure).rejects.toMatchObject({ hint: expect.stringContaining('EMBEDDINGS_TIMEOUT_MS') });
      expect(silent.requests.map((r) => r.path)).toEqual(['/v1/embeddings']);
    } finally {
      await silent.close();
    }
  });
});

describe('logs', () => {
  it('pretty on a terminal or with LOG_FORMAT=pretty, JSON otherwise', () => {
    expect(wantsPrettyLogs('auto', { isTTY: true })).toBe(true);
    expect(wantsPrettyLogs('auto', { isTTY: false })).toBe(false);
    expect(wantsPrettyLogs('pretty', { isTTY: false })).toBe(true);
    expect(wantsPrettyLogs('json', { isTTY: true })).toBe(false);
  });

  it('a pretty line is readable text with the level and message; a JSON line parses', () => {
    const pretty = capture();
    const lines: string[] = [];
    createLogger('info', pretty, 'pretty').warn({ url: 'http://127.0.0.1:1/v1' }, 'chat model answer not used');
    createLogger('info', { write: (line: string) => void lines.push(line) }, 'json').warn({ url: 'http://127.0.0.1:1/v1' }, 'chat model answer not used');
    expect(pretty.text()).toMatch(/WARN.*: chat model answer not used\n\s+url: "http:\/\/127\.0\.0\.1:1\/v1"/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, msg: 'chat model answer not used', url: 'http://127.0.0.1:1/v1' });
  });
});
