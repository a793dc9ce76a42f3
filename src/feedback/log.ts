import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.js';
import type { Lang } from '../corpus/types.js';

/** Where a question came from. */
export type Channel = 'ask' | 'mention';

/** Fields shared by every log line. */
interface EntryBase {
  /** ISO timestamp. */
  at: string;
  /** sha256 of the salted user id: counts distinct users without storing who they are. */
  user: string;
  question: string;
  lang: Lang;
}

/** A 👍/👎 on an answer. */
export interface FeedbackEntry extends EntryBase {
  kind: 'feedback';
  rating: 'up' | 'down';
  found: boolean;
  answeredBy: string;
  quotes: { source: string; paragraph: number }[];
}

/** A question the sources did not cover (`found: false`). */
export interface UnansweredEntry extends EntryBase {
  kind: 'unanswered';
  via: Channel;
  /** `unsure` (passages offered as "may answer it") or `none` (not in the sources); absent in older logs. */
  confidence?: 'unsure' | 'none';
  nearest: { source: string; paragraph: number; score: number }[];
}

/** One line of the feedback log. */
export type LogEntry = FeedbackEntry | UnansweredEntry;

/** What a front end records; the log adds the time and hashes the user id. */
export type NewEntry = Omit<FeedbackEntry, 'at' | 'user'> | Omit<UnansweredEntry, 'at' | 'user'>;

/** Appends feedback and unanswered questions to a local JSONL file. */
export interface FeedbackLog {
  /** Queues one line; never throws (a failed write is logged, the user's answer must not suffer). */
  record(entry: NewEntry, userId: string): void;
  /** Resolves when every queued line is on disk. */
  flush(): Promise<void>;
}

/** Hashes a Discord user id with a salt (sha256, hex, first 32 characters). */
export function hashUserId(userId: string, salt: string): string {
  return createHash('sha256').update(salt).update('\0').update(userId).digest('hex').slice(0, 32);
}

/**
 * Reads the salt kept beside the log (`<log>.salt`), creating a random one on first use, so hashes stay stable
 * across restarts without a setting and the salt never leaves the machine.
 */
export function loadOrCreateSalt(logPath: string): string {
  const saltPath = `${logPath}.salt`;
  try {
    const existing = fs.readFileSync(saltPath, 'utf8').trim();
    if (existing) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(saltPath), { recursive: true });
  const salt = randomBytes(32).toString('hex');
  fs.writeFileSync(saltPath, `${salt}\n`, { mode: 0o600 });
  return salt;
}

/** Creates the JSONL log at `logPath`; writes are serialised so lines never interleave. */
export function createFeedbackLog(options: { path: string; salt: string; logger: Logger; now?: () => Date }): FeedbackLog {
  const now = options.now ?? (() => new Date());
  let queue: Promise<void> = Promise.resolve();
  let dirReady = false;

  return {
    record(entry, userId) {
      const line = JSON.stringify({ at: now().toISOString(), user: hashUserId(userId, options.salt), ...entry });
      queue = queue.then(async () => {
        try {
          if (!dirReady) {
            await fs.promises.mkdir(path.dirname(options.path), { recursive: true });
            dirReady = true;
          }
          await fs.promises.appendFile(options.path, `${line}\n`, 'utf8');
        } catch (error) {
          options.logger.error({ err: error, path: options.path }, 'could not write the feedback log');
        }
      });
    },
    flush() {
      return queue;
    },
  };
}

/** Reads every well-formed line of a feedback log; a missing file is an empty log, bad lines are skipped. */
export function readFeedbackLog(logPath: string): { entries: LogEntry[]; badLines: number } {
  let text: string;
  try {
    text = fs.readFileSync(logPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], badLines: 0 };
    throw error;
  }
  const entries: LogEntry[] = [];
  let badLines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as Partial<LogEntry>;
      if ((parsed.kind === 'feedback' || parsed.kind === 'unanswered') && typeof parsed.question === 'string') entries.push(parsed as LogEntry);
      else badLines += 1;
    } catch {
      badLines += 1;
    }
  }
  return { entries, badLines };
}
