import { TetherError } from '../errors.js';

/** Longest question the core accepts; front ends may set a lower cap (Discord does). */
export const MAX_QUESTION_LENGTH = 2000;

// C0/C1 controls other than tab and newlines: never part of a typed question.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
// Zero-width and bidirectional formatting characters: invisible, so dropped rather than refused.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/gu;

/**
 * Checks a question and returns it cleaned (trimmed, invisible formatting removed). Throws a
 * TetherError with a friendly message for an empty, over-long, control-character or word-less one.
 */
export function validateQuestion(raw: string, maxLength = MAX_QUESTION_LENGTH): string {
  const question = raw.replace(INVISIBLE, '').trim();
  if (question === '') {
    throw new TetherError('BAD_QUESTION', 'The question is empty: ask something about the articles in the corpus.');
  }
  if (question.length > maxLength) {
    throw new TetherError(
      'BAD_QUESTION',
      `The question is too long (${question.length.toLocaleString('en-US')} characters; the limit is ${maxLength.toLocaleString('en-US')}). Ask it in fewer words.`,
    );
  }
  if (CONTROL.test(question)) {
    throw new TetherError('BAD_QUESTION', 'The question contains control characters; type it as plain text.');
  }
  if (!/[\p{L}\p{N}]/u.test(question)) {
    throw new TetherError('BAD_QUESTION', 'The question has no words in it, only punctuation or symbols: ask it in words.');
  }
  return question;
}

/** What kind of answer a question asks for, when its wording says so. */
export type AnswerKind = 'number' | 'date' | 'person' | 'reason' | 'any';

const KIND_PATTERNS: Array<[AnswerKind, RegExp]> = [
  ['reason', /\bwhy\b|\bhow come\b|\bwhat (?:caused|led to|drove)\b|\bfor what reason\b|為什麼|为什么|為何|为何|原因|怎麼會|怎么会/iu],
  ['date', /\bwhen\b|\bwhat (?:year|month|day|date|time)\b|\bsince when\b|何時|何时|什麼時候|什么时候|哪天|哪一天|哪年|哪一年|幾月|几月|幾號|几号|日期|時間|时间/iu],
  ['number', /\bhow (?:much|many|fast|big|large)\b|\bwhat (?:percentage|share|proportion|rate|amount)\b|\bby what\b|\bhow high\b|多少|幾成|几成|幾個|几个|百分之|比例|增速|規模|规模|增長了|增长了/iu],
  ['person', /\bwho\b|\bwhom\b|\bwhose\b|誰|谁|哪位/iu],
];

/** The kind of answer a question's wording asks for ("when" → a date), or `any`. */
export function detectAnswerKind(question: string): AnswerKind {
  return KIND_PATTERNS.find(([, pattern]) => pattern.test(question))?.[0] ?? 'any';
}
