import 'dotenv/config';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.js';
import { TetherError } from '../errors.js';
import { runAsk } from './run-ask.js';

/** Entry point of `npm run ask`: wires the real config, index and streams into `runAsk`. */
export async function main(argv: string[]): Promise<number> {
  return runAsk(
    argv,
    { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, isTTY: process.stdin.isTTY === true },
    {
      loadConfig: () => loadConfig(),
      openTether: async (config, onProgress) => {
        // The OpenAI-compatible embedder is not wired into the CLI yet: refuse rather than mix vectors.
        if (config.embeddings.kind !== 'local') {
          throw new TetherError('BAD_CONFIG', 'The ask CLI supports only the built-in embedder for now (EMBEDDINGS=local).', {
            hint: 'Unset EMBEDDINGS or set it to local.',
          });
        }
        // Loaded on first use: --help and refused questions never pay for LangChain and hnswlib.
        const { openTether } = await import('../tether.js');
        return openTether({ corpusDir: config.corpusDir, indexDir: config.indexDir, onProgress });
      },
    },
  );
}

// Run only when executed (tsx src/cli/ask.ts), never when imported.
const entry = process.argv[1];
if (entry !== undefined && fs.realpathSync(entry) === fs.realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = await main(process.argv.slice(2));
}
