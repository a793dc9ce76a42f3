import { describe, expect, it } from 'vitest';
import { MAX_QUESTION_LENGTH, validateQuestion } from '../../src/answer/question.js';
import { TetherError, toUserMessage } from '../../src/errors.js';

function rejection(raw: string, maxLength?: number): TetherError {
  try {
    validateQuestion(raw, maxLength);
  } catch (error) {
    expect(error).toBeInstanceOf(TetherError);
    return error as TetherError;
  }
  throw new Error(`"${raw.slice(0, 40)}" was accepted`);
}

describe('validateQuestion', () => {
  it.each([
    ['empty', ''],
    ['whitespace', ' \t\n\u3000 '],
    ['only invisible characters', '\u200B\uFEFF'],
    ['20,000 characters', 'why '.repeat(5000)],
    ['a control character', 'why\u0007 did it stop?'],
    ['an escape sequence', 'hello \u001B[31mred'],
    ['a NUL byte', 'a\u0000b'],
    ['only punctuation', '?!?…。？'],
    ['only symbols', '@#$%^&*()'],
  ])('refuses %s with one friendly line', (_name, raw) => {
    const error = rejection(raw);
    expect(error.code).toBe('BAD_QUESTION');
    expect(error.userMessage).not.toContain('\n');
    expect(error.userMessage.length).toBeLessThan(200);
    expect(error.userMessage).not.toMatch(/\bat \S+:\d+/);
    expect(toUserMessage(error)).toBe(error.userMessage);
  });

  it('says how long a too-long question is and what the limit is', () => {
    const message = rejection('a'.repeat(20_000)).message;
    expect(message).toContain('20,000');
    expect(message).toContain(MAX_QUESTION_LENGTH.toLocaleString('en-US'));
    expect(rejection('a'.repeat(11), 10).code).toBe('BAD_QUESTION');
  });

  it('accepts questions in any of the languages, trimmed and without invisible formatting', () => {
    expect(validateQuestion('  Why did Alibaba stop the spin-off?\n')).toBe('Why did Alibaba stop the spin-off?');
    expect(validateQuestion('阿里雲\u200B為什麼暫停分拆？')).toBe('阿里雲為什麼暫停分拆？');
    expect(validateQuestion('为什么')).toBe('为什么');
    expect(validateQuestion('2023?')).toBe('2023?');
    expect(validateQuestion('a'.repeat(MAX_QUESTION_LENGTH))).toHaveLength(MAX_QUESTION_LENGTH);
    expect(validateQuestion('line one\twith a tab')).toBe('line one\twith a tab');
  });
});

describe('toUserMessage', () => {
  it('shows our own messages with their hint, and nothing of other errors', () => {
    expect(toUserMessage(new TetherError('INDEX_CORRUPT', 'Broken.', { hint: 'Run it.' }))).toBe('Broken.\nRun it.');
    const generic = toUserMessage(new Error('ENOENT: secret/path/at/line 12'));
    expect(generic).not.toContain('secret');
  });
});
