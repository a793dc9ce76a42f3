import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { formatGloss } from '../answer/gloss.js';
import { labelsFor } from '../i18n.js';
import type { Answer } from '../answer/types.js';

/** How an answer is laid out for a terminal. */
export interface DisplayOptions {
  /** Columns to wrap at (a terminal's width); undefined leaves lines whole, as for a pipe or a file. */
  width?: number | undefined;
  /** Bold and dim emphasis: only for a terminal, and never with NO_COLOR. */
  color?: boolean;
}

const bold = (text: string) => `\u001b[1m${text}\u001b[22m`;
const dim = (text: string) => `\u001b[2m${text}\u001b[22m`;

/** Narrowest width worth wrapping at: below it a hanging indent leaves too little room. */
const MIN_WRAP_WIDTH = 24;

/**
 * `text` wrapped at `width` display columns (a CJK character takes two), every line after the first
 * indented by `indent`'s width so a quote stays one block under its number. Wrapping changes only the
 * display: --json output keeps the verbatim text.
 */
export function hangingWrap(first: string, text: string, width: number | undefined, indent = ' '.repeat(stringWidth(first))): string {
  if (width === undefined || width < MIN_WRAP_WIDTH) return `${first}${text}`;
  const room = Math.max(8, width - stringWidth(indent));
  // The first line's prefix is as wide as the indent, so one width serves every line.
  const lines = wrapAnsi(text, room, { hard: true, trim: false, wordWrap: true }).split('\n');
  // The space a line broke at is dropped at both ends, so no line ends in blanks.
  return lines.map((line, i) => (i === 0 ? `${first}${line.trimEnd()}` : `${indent}${line.trim()}`)).join('\n');
}

/**
 * An answer for a terminal: the answer (with how a follow-up was read), then each numbered quote with a
 * short citation below it (title, paragraph, file and offsets: the score is in --json) and, for a quote
 * in another language, a gloss line marked as such; a blank line between quotes.
 */
export function formatAnswer(answer: Answer, options: DisplayOptions = {}): string {
  const { width, color = false } = options;
  const strong = color ? bold : (text: string) => text;
  const faint = color ? dim : (text: string) => text;
  const labels = labelsFor(answer.lang);
  const headLines = [hangingWrap('', strong(answer.answer), width, '')];
  if (answer.readAs) headLines.push(faint(hangingWrap('', `(${labels.readAs(answer.readAs)})`, width, ' ')));
  const blocks = answer.quotes.map((quote) => {
    const number = `[${quote.n}] `;
    const lines = [`${strong(number.trimEnd())} ${hangingWrap('', quote.text, width, ' '.repeat(stringWidth(number)))}`];
    const citation = `— ${quote.title}, ${labels.paragraph(quote.paragraph)} · ${quote.source}:${quote.start}–${quote.end}`;
    lines.push(faint(hangingWrap('    ', citation, width, '      ')));
    if (quote.gloss) lines.push(faint(hangingWrap('    ', formatGloss(quote.gloss, answer.lang), width, '      ')));
    return lines.join('\n');
  });
  return [headLines.join('\n'), ...blocks].join('\n\n');
}
