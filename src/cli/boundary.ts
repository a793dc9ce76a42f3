import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { renderUsage, runCommand, type ArgsDef, type CommandDef } from 'citty';
import { PROJECT_ROOT } from '../config.js';
import { isTetherError } from '../errors.js';

export { defineCommand } from 'citty';

/** Exit codes of every command: 0 done, 1 a failure (its message says what to do), 2 a mistake in the command line, 130 interrupted (Ctrl-C). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** A mistake in the command line itself (unknown option, bad number): one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What a command's `run` may return: its exit code, or nothing for 0. */
export type CommandResult = number | void;

/** How a command is run; tests pass their own streams and arguments. */
export interface CliOptions {
  /** The arguments after the script name (default: process.argv.slice(2)). */
  argv?: string[];
  /** Text printed under the generated help: examples and what the command's output means. */
  notes?: string;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream;
  /** Where the full detail of an unexpected error goes (default: the stderr stream). */
  logDetail?: (error: unknown) => void;
  env?: NodeJS.ProcessEnv;
}

/** The version of Tether, from package.json (what `--version` prints). */
export function tetherVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}

/** True when `stream` should get colour and bold: a terminal, and NO_COLOR unset (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/**
 * The one boundary of every entry point: `--help` (generated from the declared arguments), `--version`,
 * a strict parse (an unknown option or a bad value is a one-line usage error, exit 2, and nothing runs),
 * then the command. A TetherError prints its message and exits 1; anything else prints a short line and
 * its detail for a bug report, and exits 1.
 */
export async function runCliCommand<A extends ArgsDef>(command: CommandDef<A>, options: CliOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const argv = options.argv ?? process.argv.slice(2);
  const meta = (command.meta ?? {}) as { name?: string };
  const name = meta.name ?? 'tether';
  const plain = (text: string) => (wantsColor(stdout, env) ? text : stripVTControlCharacters(text)).replace(/[ \t]+$/gm, '');
  try {
    const args = (command.args ?? {}) as ArgsDef;
    const rawArgs = joinNegativeValues(argv, args);
    const before = rawArgs.indexOf('--') === -1 ? rawArgs : rawArgs.slice(0, rawArgs.indexOf('--'));
    if (before.includes('--help') || before.includes('-h')) {
      const usage = await renderUsage({ ...command, meta: { ...meta, name: `npm run ${name} --` } } as CommandDef<A>);
      // citty repeats the command after the description ("… (npm run eval --)"): the USAGE line says it already.
      const text = plain(usage).replace(` (npm run ${name} --)`, '');
      stdout.write(`${text}\n${options.notes ? `\n${options.notes}\n` : ''}`);
      return EXIT_OK;
    }
    if (before.includes('--version')) {
      stdout.write(`tether ${tetherVersion()}\n`);
      return EXIT_OK;
    }
    checkStrictly(rawArgs, args);
    const { result } = await runCommand(command, { rawArgs });
    return typeof result === 'number' ? result : EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && error.name === 'CLIError')) {
      stderr.write(`${stripVTControlCharacters((error as Error).message)} (see npm run ${name} -- --help)\n`);
      return EXIT_USAGE;
    }
    if (isTetherError(error)) {
      stderr.write(`${error.userMessage}\n`);
      return EXIT_ERROR;
    }
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`Unexpected error: ${oneLine(message, 200)}. This is a bug in Tether; the detail below helps to report it.\n`);
    (options.logDetail ?? ((detail: unknown) => stderr.write(`${detail instanceof Error ? (detail.stack ?? detail.message) : String(detail)}\n`)))(error);
    return EXIT_ERROR;
  }
}

/**
 * Runs `command` as this process's entry point and exits with its code once stdout has drained (a pipe to a
 * slow reader still gets every answer), without waiting for handles left open (sockets, timers, a build
 * still running after a failure).
 */
export function runCli<A extends ArgsDef>(command: CommandDef<A>, options: CliOptions = {}): void {
  void runCliCommand(command, options).then((code) => {
    process.exitCode = code;
    process.stdout.write('', () => process.exit(code));
  });
}

/** `--limit -1` reads as a value, not as an unknown option `-1`: joined into `--limit=-1` so the check below can explain it. */
function joinNegativeValues(argv: string[], args: ArgsDef): string[] {
  const valued = new Set(Object.entries(args).filter(([, def]) => def.type === 'string' || def.type === 'enum').map(([key]) => `--${key}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (valued.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else out.push(arg);
  }
  return out;
}

/** node:util's strict parse over the declared arguments: citty itself accepts any option. */
function checkStrictly(rawArgs: string[], args: ArgsDef): void {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  let positionals = false;
  for (const [key, def] of Object.entries(args)) {
    if (def.type === 'positional') {
      positionals = true;
      continue;
    }
    const type = def.type === 'boolean' ? 'boolean' : 'string';
    const aliases = 'alias' in def ? [def.alias ?? []].flat() : [];
    const short = aliases.find((alias) => alias.length === 1);
    options[key] = short ? { type, short } : { type };
    if (type === 'boolean') options[`no-${key}`] = { type };
  }
  try {
    parseArgs({ args: rawArgs, options, strict: true, allowPositionals: positionals });
  } catch (error) {
    // node explains the mistake in its first sentence ("Unknown option '--bogus'."); the rest is about `--`.
    const first = (error as Error).message.split(/(?<=\.)\s/)[0] ?? String(error);
    throw new UsageError(/[.?!]$/.test(first) ? first : `${first}.`);
  }
}

/**
 * A whole number option in [min, max]: `fallback` when unset, a UsageError naming the option otherwise.
 */
export function wholeNumber(value: string | undefined, option: string, { fallback, min = 1, max }: { fallback: number; min?: number; max?: number }): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed) || parsed < min || (max !== undefined && parsed > max)) {
    const range = max === undefined ? (min === 1 ? 'above 0' : `of at least ${min}`) : `from ${min} to ${max}`;
    throw new UsageError(`${option} must be a whole number ${range}, got "${value}".`);
  }
  return parsed;
}

/** A list option (`--dataset xquad,drcd`) whose items must be among `allowed`. */
export function listOf<T extends string>(value: string | undefined, option: string, allowed: readonly T[], fallback: readonly T[]): T[] {
  if (value === undefined) return [...fallback];
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
  if (items.length === 0 || unknown.length > 0) throw new UsageError(`${option} takes ${allowed.join(', ')} (comma-separated), got "${value}".`);
  return items as T[];
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
