import path from 'node:path';
import { defineCommand, runCli, wholeNumber } from '../src/cli/boundary.js';
import { loadProjectConfig } from '../src/config.js';
import { readFeedbackLog } from '../src/feedback/log.js';
import { formatFeedbackReport, summariseFeedback } from '../src/feedback/report.js';

/** `npm run report`: a summary of the Discord feedback log. */
const reportCommand = defineCommand({
  meta: { name: 'report', description: 'Summarises the Discord feedback log: ratings, and the questions the sources do not cover' },
  args: {
    file: { type: 'positional', required: false, valueHint: 'LOG_FILE', description: 'the log to read (default FEEDBACK_LOG, data/feedback.jsonl)' },
    json: { type: 'boolean', description: 'print the summary as JSON' },
    top: { type: 'string', valueHint: 'N', description: 'how many unanswered questions to list (default 20)' },
  },
  run({ args }) {
    const top = wholeNumber(args.top, '--top', { fallback: 20 });
    const logPath = args.file ? path.resolve(args.file) : loadProjectConfig().discord.feedbackLog;
    const { entries, badLines } = readFeedbackLog(logPath);
    const summary = summariseFeedback(entries);
    process.stdout.write(args.json ? `${JSON.stringify({ file: logPath, badLines, ...summary }, null, 2)}\n` : `${formatFeedbackReport(summary, { top, badLines })}\n`);
  },
});

runCli(reportCommand);
