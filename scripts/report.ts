import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProjectConfig } from '../src/config.js';
import { toUserMessage } from '../src/errors.js';
import { readFeedbackLog } from '../src/feedback/log.js';
import { formatFeedbackReport, summariseFeedback } from '../src/feedback/report.js';

const usage = `Usage: npm run report [-- [--json] [--top N] [LOG_FILE]]
Summarises the Discord feedback log (FEEDBACK_LOG, data/feedback.jsonl by default): ratings, and the questions
the sources do not cover.`;

/** Entry point of `npm run report`. */
export async function main(argv: string[]): Promise<number> {
  let json = false;
  let top = 20;
  let file: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--top') {
      top = Number(argv[++i]);
      if (!Number.isInteger(top) || top < 1) {
        process.stderr.write(`--top needs a whole number above 0\n${usage}\n`);
        return 1;
      }
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${usage}\n`);
      return 0;
    } else if (arg && !arg.startsWith('-')) file = path.resolve(arg);
    else {
      process.stderr.write(`Unknown option ${arg}\n${usage}\n`);
      return 1;
    }
  }
  try {
    const logPath = file ?? loadProjectConfig().discord.feedbackLog;
    const { entries, badLines } = readFeedbackLog(logPath);
    const summary = summariseFeedback(entries);
    process.stdout.write(json ? `${JSON.stringify({ file: logPath, badLines, ...summary }, null, 2)}\n` : `${formatFeedbackReport(summary, { top, badLines })}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${toUserMessage(error)}\n`);
    return 1;
  }
}

// Run only when executed, never when imported.
const entry = process.argv[1];
if (entry !== undefined && fs.realpathSync(entry) === fs.realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = await main(process.argv.slice(2));
}
