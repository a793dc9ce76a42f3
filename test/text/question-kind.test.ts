import { describe, expect, it } from 'vitest';
import { detectAnswerKind } from '../../src/text/question-kind.js';

describe('the kind of answer a question asks for', () => {
  it('reads "who" as asking for a person at the start of a question or after a verb of knowing, not as a relative pronoun', () => {
    expect(detectAnswerKind('Who runs Alibaba Cloud now?')).toBe('person');
    expect(detectAnswerKind('and who took over after that?')).toBe('person');
    expect(detectAnswerKind('do you know who took over sales?')).toBe('person');
    expect(detectAnswerKind('What did the exec who took over sales change?')).toBe('any');
    expect(detectAnswerKind('The exec who took over sales, how many regions did he merge?')).toBe('number');
  });

  it('reads chat spellings and casual Chinese question words', () => {
    expect(detectAnswerKind('y did they cancel the spin-off')).toBe('reason');
    expect(detectAnswerKind('IDC说上半年云市场为啥不景气?')).toBe('reason');
    expect(detectAnswerKind('他们干嘛要拆分?')).toBe('reason');
    // A chat spelling inside a word is not one ("Yang" is not "why").
    expect(detectAnswerKind('Yang took over in 2022')).toBe('any');
  });
});
