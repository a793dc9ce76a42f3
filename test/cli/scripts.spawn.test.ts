import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runLauncher, runTsx, STACK_LINE, type CliResult } from '../support/cli.js';
import { makeTmpDir, REPO_ROOT } from '../support/corpus.js';
import { closedAddress } from './servers.js';

// Every entry point, as its npm script runs it: `node bin/run.mjs ask|start` (compiled), tsx for the others.
const LAUNCHED = { ask: 'ask', start: 'start' } as const;
const SCRIPTS: Record<string, string> = {
  'build-index': 'scripts/build-index.ts',
  eval: 'scripts/eval.ts',
  bench: 'scripts/bench.ts',
  report: 'scripts/report.ts',
  train: 'scripts/train.ts',
  'semantic-recall': 'scripts/semantic-recall.ts',
  'deploy-commands': 'scripts/deploy-commands.ts',
  sources: 'scripts/sources.ts',
  doctor: 'scripts/doctor.ts',
};

let tmp: string;
let env: Record<string, string>;
let indexDir: string;

beforeAll(async () => {
  tmp = await makeTmpDir('scripts');
  indexDir = path.join(tmp, 'index');
  env = cliEnv({ INDEX_DIR: indexDir, PATH: process.env.PATH ?? '' });
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs an entry point by its npm script's name. */
function runScript(name: string, args: string[], environment: Record<string, string>): Promise<CliResult> {
  const launched = Object.hasOwn(LAUNCHED, name) ? LAUNCHED[name as keyof typeof LAUNCHED] : undefined;
  return launched ? runLauncher(launched, args, environment) : runTsx(SCRIPTS[name]!, args, environment);
}

describe.concurrent('every entry point goes through the CLI boundary', () => {
  for (const name of [...Object.keys(LAUNCHED), ...Object.keys(SCRIPTS)]) {
    it(`${name} --help: the generated usage, exit 0, nothing run`, async () => {
      const result = await runScript(name, ['--help'], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^USAGE npm run ${name} --`, 'm'));
      expect(result.stderr).toBe('');
    });
  }

  it('--version prints the version', async () => {
    const result = await runTsx('scripts/build-index.ts', ['--version'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`tether ${JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  it('build-index --help and a bad option build nothing', async () => {
    const [help, bogus] = await Promise.all([runTsx('scripts/build-index.ts', ['--help'], env), runTsx('scripts/build-index.ts', ['--force'], env)]);
    expect(help.code).toBe(0);
    expect(bogus).toMatchObject({ code: 2, stderr: "Unknown option '--force'. (see npm run build-index -- --help)\n" });
    expect(fs.existsSync(indexDir)).toBe(false);
  });

  it.each([
    ['eval', ['--bogus'], "Unknown option '--bogus'."],
    ['bench', ['--rounds', '0'], '--rounds must be a whole number above 0, got "0".'],
    ['bench', ['--warmup', '-5'], '--warmup must be a whole number of at least 0, got "-5".'],
    ['eval', ['--dataset', 'xquad', '--limit', '-1'], '--limit must be a whole number above 0, got "-1".'],
    ['eval', ['--split', 'test'], '--split applies to --dataset only.'],
    ['train', ['--dataset', 'squad'], '--dataset takes xquad, drcd, cmrc (comma-separated), got "squad".'],
    ['report', ['--top', 'ten'], '--top must be a whole number above 0, got "ten".'],
  ])('%s %j: one line, exit 2, no stack trace', async (name, args, message) => {
    const result = await runScript(name, args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${message} (see npm run ${name} -- --help)\n`);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('a failure of ours (an unreadable corpus) is its message and the fix, exit 1, once', async () => {
    const result = await runTsx('scripts/sources.ts', [], { ...env, CORPUS_DIR: path.join(tmp, 'no-corpus') });
    expect(result.code).toBe(1);
    // The message and its fix, two lines, nothing else (no stack, no second report in a log line).
    const [message, fix, ...rest] = result.stderr.split('\n');
    expect(message).toBe(`Cannot read the corpus folder ${path.join(tmp, 'no-corpus')}.`);
    expect(fix).toMatch(/^Set CORPUS_DIR to /);
    expect(rest).toEqual(['']);
  });

  it('doctor exits 1 when a configured endpoint is down, naming its URL and the fix', async () => {
    const down = await closedAddress();
    const result = await runTsx('scripts/doctor.ts', ['--timeout', '2000'], { ...env, LLM_BASE_URL: `${down}/v1`, LLM_MODEL: 'm' });
    expect(result.code).toBe(1);
    // Names are padded to the longest check's name.
    expect(result.stdout).toMatch(new RegExp(`^FAIL  chat model +unreachable at ${down.replace(/[.]/g, '\\.')}/v1/models \\(ECONNREFUSED\\)$`, 'm'));
    expect(result.stdout).toMatch(/\(ECONNREFUSED\)\n\s+→ Start the server, or fix LLM_BASE_URL/);
  });
});

// util-linux's `script` gives the CLI a terminal, so readline sees Ctrl-C as a keypress.
describe('the interactive prompt', () => {
  it('Ctrl-C with a half-typed line exits 130', async () => {
    const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, path.join(REPO_ROOT, 'bin/run.mjs'), 'ask'].map(quote).join(' ');
    const child = spawn('/usr/bin/script', ['-qfec', command, '/dev/null'], { cwd: REPO_ROOT, env: { ...env, TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let typed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      // Typed once the prompt waits: half a question, then Ctrl-C instead of Enter.
      if (!typed && /(?:^|\n)> $/.test(output.replace(/\r/g, ''))) {
        typed = true;
        child.stdin.write('Who is in cha');
        child.stdin.write('\u0003');
      }
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(typed, output).toBe(true);
    expect(code, output).toBe(130);
  });
});
