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
