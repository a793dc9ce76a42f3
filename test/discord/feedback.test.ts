/** The feedback log (hashed users, serialised appends) and `npm run report`. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFeedbackLog, hashUserId, loadOrCreateSalt, readFeedbackLog, type NewEntry } from '../../src/feedback/log.js';
import { formatFeedbackReport, summariseFeedback } from '../../src/feedback/report.js';
import { createLogger } from '../../src/logger.js';
import { projectRoot } from './fake-tether.js';

const run = promisify(execFile);
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-feedback-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const unanswered = (question: string): NewEntry => ({ kind: 'unanswered', question, lang: 'en', via: 'ask', nearest: [{ source: 'corpus/a.txt', paragraph: 3, score: 0.2 }] });
const rating = (question: string, value: 'up' | 'down'): NewEntry => ({
  kind: 'feedback',
  rating: value,
  question,
  lang: 'en',
  found: true,
  answeredBy: 'extractive',
  quotes: [{ source: 'corpus/a.txt', paragraph: 5 }],
});

describe('feedback log', () => {
  it('appends one JSON line per entry, in order, with the user id hashed (salted sha256)', async () => {
    const file = path.join(dir, 'nested', 'feedback.jsonl');
    const log = createFeedbackLog({ path: file, salt: 'pepper', logger: createLogger('silent'), now: () => new Date('2024-01-02T03:04:05Z') });
    for (let i = 0; i < 20; i += 1) log.record(unanswered(`question ${i}`), `user${i % 3}`);
    await log.flush();
    const { entries, badLines } = readFeedbackLog(file);
    expect(badLines).toBe(0);
    expect(entries.map((entry) => entry.question)).toEqual(Array.from({ length: 20 }, (_, i) => `question ${i}`));
    expect(entries[0]).toMatchObject({ at: '2024-01-02T03:04:05.000Z', kind: 'unanswered', user: hashUserId('user0', 'pepper') });
    expect(fs.readFileSync(file, 'utf8')).not.toContain('user0');
    expect(hashUserId('user0', 'pepper')).not.toBe(hashUserId('user0', 'salt'));
  });

  it('keeps a random salt beside the log, stable across restarts', () => {
    const file = path.join(dir, 'feedback.jsonl');
    const salt = loadOrCreateSalt(file);
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(loadOrCreateSalt(file)).toBe(salt);
    expect(fs.statSync(`${file}.salt`).mode & 0o077).toBe(0);
  });

  it('never throws when the log cannot be written', async () => {
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, '');
    const log = createFeedbackLog({ path: path.join(blocker, 'feedback.jsonl'), salt: 's', logger: createLogger('silent') });
    log.record(unanswered('q'), 'u');
    await expect(log.flush()).resolves.toBeUndefined();
  });

  it('reads a missing log as empty and skips unreadable lines', () => {
    expect(readFeedbackLog(path.join(dir, 'none.jsonl'))).toEqual({ entries: [], badLines: 0 });
    const file = path.join(dir, 'feedback.jsonl');
    fs.writeFileSync(file, `${JSON.stringify({ at: 'x', user: 'u', ...unanswered('q') })}\nnot json\n{"kind":"other"}\n`);
    const { entries, badLines } = readFeedbackLog(file);
    expect(entries).toHaveLength(1);
    expect(badLines).toBe(2);
  });
});

describe('report', () => {
  it('summarises ratings and what the sources do not cover, most asked first', () => {
    const entries = [
      { at: '2024-01-01T00:00:00Z', user: 'a', ...unanswered('What about AWS?') },
      { at: '2024-01-02T00:00:00Z', user: 'b', ...unanswered('what about  AWS') },
      { at: '2024-01-03T00:00:00Z', user: 'a', ...unanswered('Who is the CEO of Tencent?') },
      { at: '2024-01-03T00:00:00Z', user: 'c', ...rating('Why the spin-off?', 'up') },
      { at: '2024-01-04T00:00:00Z', user: 'd', ...rating('Why the spin-off?', 'down') },
    ] as Parameters<typeof summariseFeedback>[0];
    const summary = summariseFeedback(entries);
    expect(summary.feedback).toEqual({ up: 1, down: 1 });
    expect(summary.users).toBe(4);
    expect(summary.unanswered[0]).toMatchObject({ question: 'what about  AWS', count: 2, users: 2 });
    expect(summary.unanswered[1]).toMatchObject({ question: 'Who is the CEO of Tencent?', count: 1 });
    expect(summary.downvotedParagraphs).toEqual([{ source: 'corpus/a.txt', paragraph: 5, count: 1 }]);
    const text = formatFeedbackReport(summary);
    expect(text).toContain('Ratings: 1 👍, 1 👎 (50% helpful)');
    expect(text).toMatch(/2×\s+what about {2}AWS/);
    expect(formatFeedbackReport(summariseFeedback([]))).toMatch(/empty/);
  });

  it('npm run report prints the summary of a log file (and --json)', async () => {
    const file = path.join(dir, 'feedback.jsonl');
    const log = createFeedbackLog({ path: file, salt: 's', logger: createLogger('silent') });
    log.record(unanswered('What about AWS?'), 'u1');
    log.record(rating('Why?', 'down'), 'u2');
    await log.flush();
    const tsx = path.join(projectRoot, 'node_modules/.bin/tsx');
    const text = await run(tsx, ['scripts/report.ts', file], { cwd: projectRoot });
    expect(text.stdout).toContain('Questions the sources do not cover (1 distinct):');
    expect(text.stdout).toContain('What about AWS?');
    const json = await run(tsx, ['scripts/report.ts', '--json', file], { cwd: projectRoot });
    expect(JSON.parse(json.stdout)).toMatchObject({ entries: 2, feedback: { up: 0, down: 1 } });
  });
});
