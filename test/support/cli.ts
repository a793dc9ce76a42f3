import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { inject } from 'vitest';
import { REPO_ROOT } from './corpus.js';

/** What a finished CLI process left behind. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * What makes a spawned process's index builds take their lexicon from the run's one reading of
 * CC-CEDICT and WordNet (test/support/lexicon-hook/), as the test files' builds do: the same
 * lexicon, without the several seconds a fresh reading takes in every process that builds.
 */
export function sharedLexiconEnv(): Record<string, string> {
  return {
    // A file URL: NODE_OPTIONS splits on spaces, which a URL never holds.
    NODE_OPTIONS: `--import=${pathToFileURL(path.join(REPO_ROOT, 'test/support/lexicon-hook/register.mjs')).href}`,
    TETHER_TEST_LEXICON_SOURCES: inject('sharedIndexes').lexiconSourcesFile,
  };
}

/**
 * The complete environment for a spawned CLI: every setting the CLI reads is explicit (set variables
 * win over a .env), so neither the developer's shell nor their .env changes what the test sees.
 */
export function cliEnv(settings: { INDEX_DIR: string; CORPUS_DIR?: string } & Record<string, string>): Record<string, string> {
  return {
    ...sharedLexiconEnv(),
    CORPUS_DIR: path.join(REPO_ROOT, 'corpus'),
    LOG_LEVEL: 'info',
    EMBEDDINGS: 'local',
    LLM_BASE_URL: '',
    LLM_MODEL: '',
    LLM_API_KEY: '',
    EMBEDDINGS_BASE_URL: '',
    EMBEDDINGS_MODEL: '',
    EMBEDDINGS_API_KEY: '',
    ...settings,
  };
}

/** How a spawned CLI is fed and read: its working folder, and `| head -1` (the reader goes away after one line). */
export interface RunOptions {
  closeStdoutAfterFirstLine?: boolean;
  cwd?: string;
}

/**
 * Runs `node bin/run.mjs ask ...args` (what `npm run ask` runs: the compiled CLI, kept up to date
 * for the run by test/support/global-setup.ts) from the repository root unless `cwd` says
 * otherwise, feeding `input` (if any) on stdin.
 */
export function runAskCli(args: string[], env: Record<string, string>, input?: string, options: RunOptions = {}): Promise<CliResult> {
  return runLauncher('ask', args, env, input, options);
}

/** Runs `node bin/run.mjs <command> ...args`: what `npm run ask` and `npm start` run. */
export function runLauncher(command: 'ask' | 'start', args: string[], env: Record<string, string>, input?: string, options: RunOptions = {}): Promise<CliResult> {
  return runNode([path.join(REPO_ROOT, 'bin/run.mjs'), command, ...args], env, input, options);
}

/**
 * Runs `<script> ...args` (a path relative to the repository root) through tsx's loader, from the
 * repository root unless `cwd` says otherwise: `node --import tsx`, what `tsx <script>` (the npm
 * scripts) runs in its child process, without the parent that only relays to it (a fifth of a short run's CPU).
 */
export function runTsx(script: string, args: string[], env: Record<string, string>, input?: string, options: RunOptions = {}): Promise<CliResult> {
  // tsx's loader by file URL: found whatever the working folder, and the child needs no PATH.
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return runNode(['--import', loader, path.join(REPO_ROOT, script), ...args], env, input, options);
}

function runNode(argv: string[], env: Record<string, string>, input: string | undefined, options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      // Like `| head -1`: the reader goes away while the CLI still has output to write.
      if (options.closeStdoutAfterFirstLine && stdout.includes('\n')) child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {}); // The CLI may exit (bad flag) before reading its input.
    child.stdin.end(input ?? '');
  });
}

/** Lines of a stack trace ("    at fn (file:1:2)"): never shown to a user without --debug. */
export const STACK_LINE = /^\s+at\s/m;

/** What a CLI run on a pseudo-terminal showed (input echo and prompts included), escape codes removed. */
export interface TerminalResult {
  code: number | null;
  output: string;
}

// util-linux's `script` runs a command on a pseudo-terminal: the CLI sees a terminal, as a person's shell gives it.
const SCRIPT = '/usr/bin/script';

/**
 * Runs `node bin/run.mjs ask` (`npm run ask`) on a pseudo-terminal and types `lines` one at a time,
 * each when the prompt ("> ") is waiting: as a person would, never ahead of the answer.
 */
export function runAskInTerminal(lines: string[], env: Record<string, string>): Promise<TerminalResult> {
  if (!fs.existsSync(SCRIPT)) throw new Error(`${SCRIPT} (util-linux) is needed to run the CLI on a terminal`);
  const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, path.join(REPO_ROOT, 'bin/run.mjs'), 'ask'].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], { cwd: REPO_ROOT, env: { ...env, TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let raw = '';
    let typed = 0;
    const clean = () => raw.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
    const onOutput = (chunk: string) => {
      raw += chunk;
      const shown = clean();
      const prompts = shown.match(/(?:^|\n)> /g)?.length ?? 0;
      // The prompt is waiting when the output ends with it.
      if (typed < lines.length && prompts > typed && /(?:^|\n)> $/.test(shown)) child.stdin.write(`${lines[typed++]}\r`);
    };
    child.stdout.setEncoding('utf8').on('data', onOutput);
    child.stderr.setEncoding('utf8').on('data', onOutput);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: clean() }));
  });
}
