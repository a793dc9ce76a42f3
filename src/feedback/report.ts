import type { LogEntry } from './log.js';

/** A question and how often it came up. */
export interface QuestionCount {
  question: string;
  count: number;
  users: number;
  lastAt: string;
}

/** What the feedback log says, summarised. */
export interface FeedbackSummary {
  entries: number;
  from: string | undefined;
  to: string | undefined;
  users: number;
  feedback: { up: number; down: number };
  /** Questions the sources did not cover, most frequent first. */
  unanswered: QuestionCount[];
  /** Answers users marked 👎, most frequent first. */
  downvoted: QuestionCount[];
  /** Sources and paragraphs cited by 👎 answers, most frequent first. */
  downvotedParagraphs: { source: string; paragraph: number; count: number }[];
}

/** Normalises a question so trivially different spellings count together. */
function questionKey(question: string): string {
  return question.normalize('NFKC').toLowerCase().replace(/[\s\p{P}]+/gu, ' ').trim();
}

function countQuestions(entries: LogEntry[]): QuestionCount[] {
  const groups = new Map<string, { question: string; count: number; users: Set<string>; lastAt: string }>();
  for (const entry of entries) {
    const key = questionKey(entry.question);
    const group = groups.get(key) ?? { question: entry.question, count: 0, users: new Set<string>(), lastAt: entry.at };
    group.count += 1;
    group.users.add(entry.user);
    if (entry.at >= group.lastAt) {
      group.lastAt = entry.at;
      group.question = entry.question;
    }
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((group) => ({ question: group.question, count: group.count, users: group.users.size, lastAt: group.lastAt }))
    .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt));
}

/** Summarises log entries: what users ask that the sources do not cover, and how answers were rated. */
export function summariseFeedback(entries: LogEntry[]): FeedbackSummary {
  const times = entries.map((entry) => entry.at).sort();
  const feedback = entries.filter((entry) => entry.kind === 'feedback');
  const down = feedback.filter((entry) => entry.rating === 'down');
  const paragraphs = new Map<string, { source: string; paragraph: number; count: number }>();
  for (const entry of down) {
    for (const quote of entry.quotes) {
      const key = `${quote.source}#${quote.paragraph}`;
      const item = paragraphs.get(key) ?? { source: quote.source, paragraph: quote.paragraph, count: 0 };
      item.count += 1;
      paragraphs.set(key, item);
    }
  }
  return {
    entries: entries.length,
    from: times[0],
    to: times.at(-1),
    users: new Set(entries.map((entry) => entry.user)).size,
    feedback: { up: feedback.length - down.length, down: down.length },
    unanswered: countQuestions(entries.filter((entry) => entry.kind === 'unanswered')),
    downvoted: countQuestions(down),
    downvotedParagraphs: [...paragraphs.values()].sort((a, b) => b.count - a.count),
  };
}

/** The summary as plain text for a terminal. */
export function formatFeedbackReport(summary: FeedbackSummary, options: { top?: number; badLines?: number } = {}): string {
  const top = options.top ?? 20;
  const lines: string[] = [];
  if (summary.entries === 0) {
    lines.push('The feedback log is empty: no ratings and no unanswered questions yet.');
    return lines.join('\n');
  }
  lines.push(`Feedback log: ${summary.entries} entries from ${summary.users} users, ${summary.from} to ${summary.to}`);
  if (options.badLines) lines.push(`(${options.badLines} unreadable lines skipped)`);
  const rated = summary.feedback.up + summary.feedback.down;
  const share = rated > 0 ? ` (${Math.round((summary.feedback.up / rated) * 100)}% helpful)` : '';
  lines.push(`Ratings: ${summary.feedback.up} 👍, ${summary.feedback.down} 👎${share}`);
  lines.push('');
  lines.push(`Questions the sources do not cover (${summary.unanswered.length} distinct):`);
  if (summary.unanswered.length === 0) lines.push('  none');
  for (const item of summary.unanswered.slice(0, top)) lines.push(`  ${String(item.count).padStart(4)}×  ${item.question}  (${item.users} users, last ${item.lastAt})`);
  lines.push('');
  lines.push(`Answers rated 👎 (${summary.downvoted.length} distinct questions):`);
  if (summary.downvoted.length === 0) lines.push('  none');
  for (const item of summary.downvoted.slice(0, top)) lines.push(`  ${String(item.count).padStart(4)}×  ${item.question}`);
  if (summary.downvotedParagraphs.length > 0) {
    lines.push('');
    lines.push('Paragraphs quoted in 👎 answers:');
    for (const item of summary.downvotedParagraphs.slice(0, top)) lines.push(`  ${String(item.count).padStart(4)}×  ${item.source} ¶${item.paragraph}`);
  }
  return lines.join('\n');
}
