import { loadProjectConfig } from '../config.js';
import { defineCommand, runCli, wantsColor } from './boundary.js';
import { ASK_NOTES, runAsk } from './run-ask.js';

/** `npm run ask`: the real config, index and streams wired into `runAsk`. */
const askCommand = defineCommand({
  meta: { name: 'ask', description: 'Answers a question about the articles in corpus/ with verbatim, cited quotes' },
  args: {
    question: { type: 'positional', required: false, description: 'the question (unquoted words are joined); none: one per line of stdin, or a prompt in a terminal' },
    json: { type: 'boolean', description: 'one JSON object per answer: question, found, confidence, answer, quotes (with score and offsets), timings_ms' },
    explain: { type: 'boolean', description: 'with --json: also the decision, its probabilities, thresholds and the evidence it weighed' },
    limit: { type: 'string', valueHint: 'N', description: 'how many quotes to show (default 3, at most 20)' },
    context: { type: 'string', valueHint: 'TEXT', description: 'the previous question, when this one follows up on it' },
    debug: { type: 'boolean', description: 'print full error details' },
  },
  async run({ rawArgs }) {
    // A reader that stops early (`| head`) closes the pipe: stop quietly instead of crashing on EPIPE.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') process.stderr.write(`Cannot write the output: ${error.message}\n`);
      process.exit(error.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
    });
    // Wrapping is loaded only for a terminal (see ./terminal.ts).
    const terminal = process.stdout.isTTY === true ? (await import('./terminal.js')).terminalLayout(process.stdout.columns) : undefined;
    return runAsk(
      rawArgs,
      {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        isTTY: process.stdin.isTTY === true,
        display: { terminal, color: wantsColor(process.stdout) },
      },
      {
        loadConfig: () => loadProjectConfig(),
        openTether: async (config, { onProgress, debug }) => {
          // Loaded on first use: --help and refused questions never pay for LangChain and hnswlib.
          const [{ openConfiguredTether }, { createLogger }] = await Promise.all([import('../tether.js'), import('../logger.js')]);
          // Per-answer info logs would clutter a terminal: the CLI logs warnings and worse unless debugging.
          const level = debug ? 'debug' : ['error', 'fatal', 'silent'].includes(config.logLevel) ? config.logLevel : 'warn';
          return openConfiguredTether(config, { logger: createLogger(level, undefined, config.logFormat), onProgress });
        },
      },
    );
  },
});

runCli(askCommand, { notes: ASK_NOTES });
