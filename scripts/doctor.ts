import { defineCommand, runCli, wholeNumber } from '../src/cli/boundary.js';
import { loadDotEnv, PROJECT_ROOT } from '../src/config.js';

/** `npm run doctor`: settings, corpus, index and the configured endpoints, each with the fix when it fails. */
const doctorCommand = defineCommand({
  meta: { name: 'doctor', description: 'Checks the settings, corpus, index and the Discord / chat-model / embeddings endpoints' },
  args: {
    timeout: { type: 'string', valueHint: 'MS', description: 'how long each endpoint may take to answer (default 5000)' },
    json: { type: 'boolean', description: 'print the checks as JSON' },
  },
  async run({ args }) {
    const timeoutMs = wholeNumber(args.timeout, '--timeout', { fallback: 5_000 });
    loadDotEnv();
    // Loaded here: `--help` and usage errors need none of what the checks import.
    const { formatChecks, runChecks } = await import('../src/cli/doctor.js');
    const checks = await runChecks({ env: process.env, root: PROJECT_ROOT, timeoutMs });
    process.stdout.write(`${args.json ? JSON.stringify(checks, null, 2) : formatChecks(checks)}\n`);
    return checks.some((check) => check.status === 'fail') ? 1 : 0;
  },
});

runCli(doctorCommand);
