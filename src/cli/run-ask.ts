import readline from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { validateQuestion } from '../answer/question.js';
import type { Gloss } from '../answer/gloss.js';
import type { Answer, AskOptions, Tether } from '../answer/types.js';
import type { Config } from '../config.js';
import { isTetherError, type TetherErrorCode } from '../errors.js';
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError } from './boundary.js';
import { formatAnswer, type DisplayOptions } from './format.js';

export { formatAnswer } from './format.js';

/** The streams the CLI talks through; tests pass their own. */
export interface AskIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stdin is a terminal: with no question, a prompt instead of one question per line. */
  isTTY: boolean;
  /** How answers are laid out: the terminal's width and whether it takes emphasis (none for a pipe). */
  display?: DisplayOptions;
}

/** What the CLI needs from the rest of Tether; the entry point wires the real ones. */
export interface AskDeps {
  loadConfig: () => Config;
  /** Opens the core; `debug` asks for verbose logs, `onProgress` is where index builds report. */
  openTether: (config: Config, options: { onProgress: (message: string) => void; debug: boolean }) => Promise<Tether>;
}

/** Exit codes: 0 answered, 1 an error (bad question, broken index…), 2 a usage error, 130 Ctrl-C at the prompt. */
export { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE };

const DEFAULT_LIMIT = 3;
const MAX_LIMIT = 20;

/** Examples and what the answer kinds mean: under the generated `npm run ask -- --help`. */
export const ASK_NOTES = `  npm run ask -- "Why did Alibaba stop the cloud spin-off?"
  npm run ask -- --json "阿里雲為什麼暫停分拆？"
  npm run ask < questions.txt              one question per line
  npm run ask                              in a terminal: an interactive prompt (each question follows up on the last)

Ask about the articles' content, or about the articles themselves ("Who wrote the Chinese
article?", "這篇文章的標題是什麼？", "How many articles are there?"): those are answered from
the corpus metadata, quoting the byline or title line when the text has one.

Answers come in three kinds (confidence in --json):
  answer   the short answer, then the quotes that ground it
  unsure   "Not sure: these passages may answer it", with the closest clauses and the quotes
  none     "The sources do not cover this question", with the nearest passages (not an answer)
Quotes come best first; "score" (in --json) is the ranker's estimate (0–1) that the quote holds the answer
(1 for a byline or title line that states an asked fact). Under a quote in another language
than the question, a "gloss" line gives the matched terms and converted figures: it is help to
read the quote, never part of it.`;

/** Text of `runAsk(["--help"])`. */
export const ASK_USAGE = `Usage: npm run ask -- [options] ["question"]

Answers a question about the articles in corpus/ with verbatim, cited quotes.

${ASK_NOTES}

Options:
  --json             one JSON object per answer: {question, found, confidence, answer, quotes, timings_ms};
                     also readAs (a follow-up as read), scopedTo (the articles a question named, its
                     quotes' only sources), reply ("corpus" or "small-talk" when the answer did not
                     come from retrieval) and a quote's gloss, when there are any
  --explain          with --json: also the decision (answer / unsure / none), its probabilities
                     (the best quote right, the sources answering at all), thresholds and the
                     evidence it weighed
  --limit N          how many quotes to show (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})
  --context TEXT     the previous question, when this one follows up on it ("What about PaaS?",
                     "他還擔任什麼職務？"); a question that stands on its own ignores it
  --debug            print full error details
  -h, --help         show this help`;


interface Flags {
  json: boolean;
  explain: boolean;
  limit: number;
  context: string | undefined;
  debug: boolean;
}

/**
 * Runs the `ask` command: parses `argv`, answers one question, a batch from stdin, or an
 * interactive session, and returns the exit code. The only place CLI errors are caught: a
 * TetherError becomes its friendly message, anything else a short line (in full with --debug).
 */
export async function runAsk(argv: string[], io: AskIO, deps: AskDeps): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const parsed = parseCommandLine(argv);
    if (parsed === 'help') {
      io.stdout.write(`${ASK_USAGE}\n`);
      return EXIT_OK;
    }
    const { flags, question } = parsed;
    // Bad input is refused before the index is opened (or built): it costs nothing.
    const cleaned = question === undefined ? undefined : validateQuestion(question);
    const config = deps.loadConfig();
    debug ||= flags.debug || config.logLevel === 'debug' || config.logLevel === 'trace';

    let opened: Promise<Tether> | undefined;
    const onProgress = (message: string) => io.stderr.write(`${message}\n`);
    const tether = () => (opened ??= deps.openTether(config, { onProgress, debug }));
    const options: AskOptions = { limit: flags.limit, context: flags.context, ...(flags.explain ? { explain: true } : {}) };

    if (cleaned !== undefined) {
      const answer = await (await tether()).ask(cleaned, options);
      io.stdout.write(`${flags.json ? JSON.stringify(toJson(answer)) : formatAnswer(answer, io.display)}\n`);
      return EXIT_OK;
    }
    if (io.isTTY) return await interactive(io, tether, options, flags, debug);
    return await batch(io, tether, options, flags, debug);
  } catch (error) {
    reportError(io.stderr, error, debug);
    if (error instanceof UsageError) return EXIT_USAGE;
    return EXIT_ERROR;
  }
}

const OPTIONS = {
  json: { type: 'boolean' },
  explain: { type: 'boolean' },
  limit: { type: 'string' },
  context: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The command line's flags and words; a mistake in it is a UsageError. */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    // parseArgs explains the mistake ("Unknown option '--jsn'"); the usage line says what is allowed.
    throw new UsageError(`${(error as Error).message.split(/(?<=\.)\s/)[0]} (see npm run ask -- --help)`);
  }
}

function parseCommandLine(argv: string[]): { flags: Flags; question: string | undefined } | 'help' {
  const { values, positionals } = parseFlags(argv);
  if (values.help) return 'help';

  let limit = DEFAULT_LIMIT;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}, got "${values.limit}".`);
    }
  }
  const context = values.context?.trim() ? values.context : undefined;
  if (context !== undefined) {
    try {
      validateQuestion(context);
    } catch (error) {
      throw new UsageError(`--context: ${(error as Error).message}`);
    }
  }

  // Unquoted words (npm run ask -- why did it stop) are one question.
  const question = positionals.length > 0 ? positionals.join(' ') : undefined;
  return { flags: { json: values.json ?? false, explain: values.explain ?? false, limit, context, debug: values.debug ?? false }, question };
}

/**
 * Answers one line, or says why not: a bad question or a failure of that one answer (a chat model
 * timing out, a bug an odd input hits) is the line's own error. An index, corpus or settings problem
 * would fail every line alike, so it is thrown to the boundary and ends the run.
 */
async function answerLine(line: string, tether: () => Promise<Tether>, options: AskOptions, io: AskIO, debug: boolean): Promise<Answer | { error: string }> {
  let question: string;
  try {
    question = validateQuestion(line);
  } catch (error) {
    if (!isTetherError(error)) throw error;
    return { error: error.userMessage };
  }
  const core = await tether();
  try {
    return await core.ask(question, options);
  } catch (error) {
    if (isTetherError(error) && FATAL_CODES.has(error.code)) throw error;
    if (debug) io.stderr.write(`${describe(error)}\n`);
    return { error: isTetherError(error) ? error.userMessage : 'Something went wrong answering this question (run with --debug for details).' };
  }
}

/** Errors that no other question would escape: they end a batch or a session. */
const FATAL_CODES = new Set<TetherErrorCode>(['BAD_CONFIG', 'CORPUS', 'INDEX_CORRUPT', 'EMBEDDER_MISMATCH', 'MODEL']);

/** One question per line of stdin; a bad line is reported in place and the rest still answered. */
async function batch(io: AskIO, tether: () => Promise<Tether>, options: AskOptions, flags: Flags, debug: boolean): Promise<number> {
  const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity });
  let failed = false;
  let first = true;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const result = await answerLine(line, tether, options, io, debug);
    if ('error' in result) {
      failed = true;
      if (flags.json) io.stdout.write(`${JSON.stringify({ question: line, error: result.error })}\n`);
      else io.stderr.write(`${oneLine(line, 60)}: ${result.error}\n`);
      continue;
    }
    if (flags.json) io.stdout.write(`${JSON.stringify(toJson(result))}\n`);
    else io.stdout.write(`${first ? '' : '\n'}> ${result.question}\n${formatAnswer(result, io.display)}\n`);
    first = false;
  }
  return failed ? EXIT_ERROR : EXIT_OK;
}

/** A prompt in a terminal: `>`; an empty line or Ctrl-D ends it (exit 0), Ctrl-C interrupts it (exit 130). */
async function interactive(io: AskIO, tether: () => Promise<Tether>, options: AskOptions, flags: Flags, debug: boolean): Promise<number> {
  const rl = readline.createInterface({ input: io.stdin, output: io.stdout, prompt: '> ' });
  // Ctrl-C, even with a half-typed line, ends the session as an interruption (exit 130, as a shell reports it).
  let interrupted = false;
  rl.on('SIGINT', () => {
    interrupted = true;
    rl.close();
  });
  io.stdout.write('Ask a question about the articles (an empty line or Ctrl-D quits).\n');
  rl.prompt();
  let endedByEmptyLine = false;
  let previous = options.context;
  // Iterating (rather than rl.question) buffers lines that arrive while an answer is being found.
  for await (const line of rl) {
    if (line.trim() === '') {
      endedByEmptyLine = true;
      break;
    }
    const result = await answerLine(line, tether, { ...options, context: previous }, io, debug);
    if ('error' in result) io.stderr.write(`${result.error}\n`);
    else {
      io.stdout.write(`${flags.json ? JSON.stringify(toJson(result)) : formatAnswer(result, io.display)}\n\n`);
      // As in a Discord thread, the next question follows up on this one ("and why?"), as it was read.
      previous = result.readAs ?? result.question;
    }
    rl.prompt();
  }
  rl.close();
  // Ctrl-D or Ctrl-C leaves the cursor after the prompt: end the line so the shell prompt starts clean.
  if (!endedByEmptyLine) io.stdout.write('\n');
  return interrupted ? EXIT_INTERRUPTED : EXIT_OK;
}

/** The `--json` shape: exactly these fields of an Answer, nothing else. */
export interface AnswerJson {
  question: string;
  found: boolean;
  confidence: Answer['confidence'];
  answer: string;
  quotes: Array<{ n: number; source: string; title: string; lang: string; paragraph: number; start: number; end: number; text: string; score: number; gloss?: Gloss }>;
  timings_ms: { total: number };
  /** A follow-up as Tether read it (a pronoun replaced), when it was rewritten. */
  readAs?: string;
  /** The articles the question named ("the English piece"), to which its quotes were limited. */
  scopedTo?: Answer['scopedTo'];
  /** `corpus` or `small-talk` when the answer came from the metadata, not from retrieval. */
  reply?: Answer['reply'];
  /** With --explain: the decision and the evidence it used. */
  decision?: Answer['decision'];
}

/** Picks the `--json` fields of an answer. */
export function toJson(answer: Answer): AnswerJson {
  return {
    question: answer.question,
    found: answer.found,
    confidence: answer.confidence,
    answer: answer.answer,
    quotes: answer.quotes.map(({ n, source, title, lang, paragraph, start, end, text, score, gloss }) => ({
      n,
      source,
      title,
      lang,
      paragraph,
      start,
      end,
      text,
      score,
      ...(gloss ? { gloss } : {}),
    })),
    timings_ms: { total: answer.timings_ms.total },
    ...(answer.readAs ? { readAs: answer.readAs } : {}),
    ...(answer.scopedTo ? { scopedTo: answer.scopedTo } : {}),
    ...(answer.reply ? { reply: answer.reply } : {}),
    ...(answer.decision ? { decision: answer.decision } : {}),
  };
}

function reportError(stderr: NodeJS.WritableStream, error: unknown, debug: boolean): void {
  if (isTetherError(error)) {
    stderr.write(`${error.userMessage}\n`);
    if (debug && error.cause !== undefined) stderr.write(`${describe(error.cause)}\n`);
  } else if (error instanceof UsageError) {
    stderr.write(`${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`Unexpected error: ${oneLine(message, 200)}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug) stderr.write(`${describe(error)}\n`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
