import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import type { Answer, Quote } from '../../src/answer/types.js';
import { wantsColor } from '../../src/cli/boundary.js';
import { formatAnswer, hangingWrap } from '../../src/cli/format.js';
import { terminalLayout } from '../../src/cli/terminal.js';

const ENGLISH = 'Alibaba Cloud said that a complete spin-off of the group may not enhance shareholder value, so it decided not to move forward with the plan at this time.';
const CHINESE = '叫停分拆不等於停止投入，曾被比喻爲阿里集團“王冠上的明珠”的阿里雲，還得繼續“堅守崗位”，做阿里巴巴面向未來的招牌。';

function quote(n: number, text: string, lang: Quote['lang']): Quote {
  return { n, source: 'corpus/a.txt', title: 'An article with a title', lang, paragraph: 3, start: 10, end: 10 + text.length, text, score: 0.8 } as Quote;
}

function answer(quotes: Quote[], lang: Answer['lang'] = 'en'): Answer {
  return { question: 'Why?', found: true, confidence: 'answer', answer: 'Because the group decided so, as the first quote says at some length. [1]', quotes, lang, timings_ms: { total: 1 } } as Answer;
}

/** The lines of a wrapped block, each checked against the width; the text put back together. */
function unwrap(block: string, indent: string, joiner: string): string {
  return block
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.slice(indent.length)))
    .join(joiner);
}

describe('answers on a terminal', () => {
  it('wraps an English quote by width, continuation lines indented under the text, words kept whole', () => {
    const [, block] = formatAnswer(answer([quote(1, ENGLISH, 'en')]), { terminal: terminalLayout(40) }).split('\n\n');
    const [quoteLines] = block!.split('\n    —');
    const lines = quoteLines!.split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(40);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {4}\S/);
    expect(unwrap(quoteLines!, '    ', ' ')).toBe(`[1] ${ENGLISH}`);
  });

  it('counts a Chinese character as two columns, and loses no character', () => {
    const [, block] = formatAnswer(answer([quote(1, CHINESE, 'zh-Hant')], 'zh-Hant'), { terminal: terminalLayout(30) }).split('\n\n');
    const [quoteLines] = block!.split('\n    —');
    const lines = quoteLines!.split('\n');
    // 56 characters at two columns each cannot fit on fewer than four 26-column lines.
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(30);
    expect(lines.some((line) => stringWidth(line) > 24)).toBe(true);
    expect(unwrap(quoteLines!, '    ', '')).toBe(`[1] ${CHINESE}`);
  });

  it('a short citation line (title, paragraph, file and offsets), itself wrapped with an indent', () => {
    const text = formatAnswer(answer([quote(1, ENGLISH, 'en')]), { terminal: terminalLayout(40) });
    const citation = text.slice(text.indexOf('    —'));
    expect(citation.replace(/\n {6}/g, ' ')).toBe('    — An article with a title, paragraph 3 · corpus/a.txt:10–' + (10 + ENGLISH.length));
    for (const line of citation.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(40);
  });

  it('leaves lines whole without a width (a pipe or a file), and adds emphasis only when asked', () => {
    const plain = formatAnswer(answer([quote(1, ENGLISH, 'en')]));
    expect(plain.split('\n')[2]).toBe(`[1] ${ENGLISH}`);
    expect(plain).not.toContain('\u001b[');
    expect(formatAnswer(answer([quote(1, ENGLISH, 'en')]), { color: true })).toContain('\u001b[1m');
  });

  it('hangingWrap leaves short text alone and never wraps below a useful width', () => {
    expect(hangingWrap('> ', 'short', terminalLayout(80))).toBe('> short');
    expect(hangingWrap('', ENGLISH, terminalLayout(10))).toBe(ENGLISH);
  });
});

describe('emphasis', () => {
  it('only on a terminal, and never with NO_COLOR', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});
