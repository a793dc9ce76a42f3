import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** What one measured child process did. */
export interface MeasuredRun {
  command: string;
  exitCode: number | null;
  /** Wall time from spawn to exit, as the parent saw it. */
  wallMs: number;
  /** Peak resident set size of the child (the largest process of its tree), in KB; undefined when unknown. */
  maxRssKb: number | undefined;
  /** User plus system CPU time of the child and its descendants (GNU time only): less sensitive than wall time to other load. */
  cpuMs: number | undefined;
  stdout: string;
  stderr: string;
}

/** How peak RSS of a child is read: GNU time's `-v` report, or a preloaded module that prints it at exit. */
export type RssProbe = { kind: 'gnu-time'; binary: string } | { kind: 'preload' };

/** Options for a measured child process. */
export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  probe: RssProbe;
  /** Text written to the child's stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

const RSS_REPORTER = fileURLToPath(new URL('./child/report-rss.mjs', import.meta.url));
const GNU_TIME_RSS = /Maximum resident set size \(kbytes\): (\d+)/;
const GNU_TIME_USER = /User time \(seconds\): ([\d.]+)/;
const GNU_TIME_SYSTEM = /System time \(seconds\): ([\d.]+)/;
const PRELOAD_RSS = /bench-max-rss-kb=(\d+)/g;

/** GNU time at `binary` when it supports `-v`, otherwise the preload reporter. */
export async function detectRssProbe(binary = '/usr/bin/time'): Promise<RssProbe> {
  try {
    await fs.access(binary, fs.constants.X_OK);
    const probe = await runChild(binary, ['-v', 'true'], { cwd: process.cwd(), env: {} });
    if (probe.exitCode === 0 && GNU_TIME_RSS.test(probe.stderr)) return { kind: 'gnu-time', binary };
  } catch {
    // No usable GNU time: fall through to the preload reporter.
  }
  return { kind: 'preload' };
}

/** Runs `command args` to completion and measures its wall time and peak RSS. */
export async function runMeasured(command: string, args: string[], options: RunOptions): Promise<MeasuredRun> {
  const { probe } = options;
  const env =
    probe.kind === 'preload'
      ? { ...options.env, NODE_OPTIONS: `${options.env.NODE_OPTIONS ?? ''} --import=${JSON.stringify(RSS_REPORTER).slice(1, -1)}`.trim() }
      : options.env;
  const [binary, argv] = probe.kind === 'gnu-time' ? [probe.binary, ['-v', command, ...args]] : [command, args];
  const run = await runChild(binary, argv, { cwd: options.cwd, env, input: options.input, timeoutMs: options.timeoutMs });
  let stderr = run.stderr;
  let maxRssKb: number | undefined;
  let cpuMs: number | undefined;
  if (probe.kind === 'gnu-time') {
    const reportAt = stderr.lastIndexOf('\tCommand being timed:');
    const report = stderr.slice(Math.max(0, reportAt));
    maxRssKb = Number(GNU_TIME_RSS.exec(report)?.[1]) || undefined;
    const user = Number(GNU_TIME_USER.exec(report)?.[1]);
    const system = Number(GNU_TIME_SYSTEM.exec(report)?.[1]);
    cpuMs = Number.isFinite(user) && Number.isFinite(system) ? Math.round((user + system) * 1000) : undefined;
    if (reportAt >= 0) stderr = stderr.slice(0, reportAt);
  } else {
    const reported = [...stderr.matchAll(PRELOAD_RSS)].map((match) => Number(match[1]));
    maxRssKb = reported.length > 0 ? Math.max(...reported) : undefined;
    stderr = stderr.replace(/\n?bench-max-rss-kb=\d+\n/g, '');
  }
  return { command: [command, ...args].join(' '), exitCode: run.exitCode, wallMs: run.wallMs, maxRssKb, cpuMs, stdout: run.stdout, stderr };
}

interface ChildOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/** Spawns a process, collects its output and times it from spawn to exit. */
export function runChild(command: string, args: string[], options: ChildOptions): Promise<{ exitCode: number | null; wallMs: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      const wallMs = performance.now() - startedAt;
      if (timer) clearTimeout(timer);
      resolve({ exitCode, wallMs, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The last line of `text` that parses as a JSON object, or undefined. */
export function lastJsonLine(text: string): Record<string, unknown> | undefined {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.trim().startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // Not this line: keep looking.
    }
  }
  return undefined;
}
