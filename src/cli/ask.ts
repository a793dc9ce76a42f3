import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadProjectConfig } from '../config.js';
import { runAsk } from './run-ask.js';

/** Entry point of `npm run ask`: wires the real config, index and streams into `runAsk`. */
export async function main(argv: string[]): Promise<number> {
  // A reader that stops early (`| head`) closes the pipe: stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.stderr.write(`Cannot write the output: ${error.message}\n`);
    process.exit(error.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
  });
  return runAsk(
    argv,
    { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, isTTY: process.stdin.isTTY === true },
    {
      loadConfig: () => loadProjectConfig(),
      openTether: async (config, { onProgress, debug }) => {
        // Loaded on first use: --help and refused questions never pay for LangChain and hnswlib.
        const [{ openConfiguredTether }, { createLogger }] = await Promise.all([import('../tether.js'), import('../logger.js')]);
        // Per-answer info logs would clutter a terminal: the CLI logs warnings and worse unless debugging.
        const level = debug ? 'debug' : ['error', 'fatal', 'silent'].includes(config.logLevel) ? config.logLevel : 'warn';
        return openConfiguredTether(config, { logger: createLogger(level), onProgress });
      },
    },
  );
}

// Run only when executed (tsx src/cli/ask.ts), never when imported.
const entry = process.argv[1];
if (entry !== undefined && fs.realpathSync(entry) === fs.realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = await main(process.argv.slice(2));
}
