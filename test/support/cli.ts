import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './corpus.js';

/** What a finished CLI process left behind. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The complete environment for a spawned CLI: every setting the CLI reads is explicit (set variables
 * win over a .env), so neither the developer's shell nor their .env changes what the test sees.
 */
export function cliEnv(settings: { INDEX_DIR: string; CORPUS_DIR?: string } & Record<string, string>): Record<string, string> {
  return {
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

/** Runs `tsx src/cli/ask.ts ...args` from the repository root, feeding `input` (if any) on stdin. */
export function runAskCli(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return runTsx('src/cli/ask.ts', args, env, input);
}

/** Runs `tsx <script> ...args` (a path relative to the repository root), from the repository root unless `cwd` says otherwise. */
export function runTsx(
  script: string,
  args: string[],
  env: Record<string, string>,
  input?: string,
  options: { closeStdoutAfterFirstLine?: boolean; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // Node runs tsx's own entry (node_modules/.bin/tsx), so the child needs no PATH.
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules/.bin/tsx'), path.join(REPO_ROOT, script), ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
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
