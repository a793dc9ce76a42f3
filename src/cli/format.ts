import { formatGloss } from '../answer/gloss.js';
import { labelsFor } from '../i18n.js';
import type { Answer } from '../answer/types.js';

/** What wrapping for a terminal needs: its width, and display columns (a CJK character takes two). See `./terminal.ts`. */
export interface TerminalLayout {
  /** Columns to wrap at. */
  width: number;
  /** The display columns of a text; escape codes take none. */
  columns(text: string): number;
  /** The text broken into lines of at most `columns` display columns, words kept whole where they fit. */
  wrap(text: string, columns: number): string[];
}

/** How an answer is laid out for a terminal. */
export interface DisplayOptions {
  /** The terminal's layout; undefined leaves lines whole, as for a pipe or a file. */
  terminal?: TerminalLayout | undefined;
  /** Bold and dim emphasis: only for a terminal, and never with NO_COLOR. */
  color?: boolean;
}

const bold = (text: string) => `\u001b[1m${text}\u001b[22m`;
const dim = (text: string) => `\u001b[2m${text}\u001b[22m`;

/** Narrowest width worth wrapping at: below it a hanging indent leaves too little room. */
const MIN_WRAP_WIDTH = 24;

/**
 * `text` wrapped at the terminal's width in display columns (a CJK character takes two), every line after the first
 * indented by `indent`'s width so a quote stays one block under its number. Wrapping changes only the
 * display: --json output keeps the verbatim text.
 */
export function hangingWrap(first: string, text: string, terminal: TerminalLayout | undefined, indent?: string): string {
  if (terminal === undefined || terminal.width < MIN_WRAP_WIDTH) return `${first}${text}`;
  const hanging = indent ?? ' '.repeat(terminal.columns(first));
  const room = Math.max(8, terminal.width - terminal.columns(hanging));
  // The first line's prefix is as wide as the indent, so one width serves every line.
  const lines = terminal.wrap(text, room);
  // The space a line broke at is dropped at both ends, so no line ends in blanks.
  return lines.map((line, i) => (i === 0 ? `${first}${line.trimEnd()}` : `${hanging}${line.trim()}`)).join('\n');
}

/**
 * An answer for a terminal: the answer (with how a follow-up was read), then each numbered quote with a
 * short citation below it (title, paragraph, file and offsets: the score is in --json) and, for a quote
 * in another language, a gloss line marked as such; a blank line between quotes.
 */
export function formatAnswer(answer: Answer, options: DisplayOptions = {}): string {
  const { terminal, color = false } = options;
  const strong = color ? bold : (text: string) => text;
  const faint = color ? dim : (text: string) => text;
  const labels = labelsFor(answer.lang);
  const headLines = [hangingWrap('', strong(answer.answer), terminal, '')];
  if (answer.readAs) headLines.push(faint(hangingWrap('', `(${labels.readAs(answer.readAs)})`, terminal, ' ')));
  const blocks = answer.quotes.map((quote) => {
    const number = `[${quote.n}] `;
    // The number is ASCII: as many columns as characters.
    const lines = [`${strong(number.trimEnd())} ${hangingWrap('', quote.text, terminal, ' '.repeat(number.length))}`];
    const citation = `— ${quote.title}, ${labels.paragraph(quote.paragraph)} · ${quote.source}:${quote.start}–${quote.end}`;
    lines.push(faint(hangingWrap('    ', citation, terminal, '      ')));
    if (quote.gloss) lines.push(faint(hangingWrap('    ', formatGloss(quote.gloss, answer.lang), terminal, '      ')));
    return lines.join('\n');
  });
  return [headLines.join('\n'), ...blocks].join('\n\n');
}
