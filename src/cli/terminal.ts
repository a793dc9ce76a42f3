import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import type { TerminalLayout } from './format.js';

/**
 * The layout of a terminal `width` columns wide. A module of its own, imported only when answers go
 * to a terminal: string-width builds its emoji and segmenter tables at import (~17 ms of a cold
 * ask), which a pipe, a file or --json never needs.
 */
export function terminalLayout(width: number): TerminalLayout {
  return {
    width,
    columns: (text) => stringWidth(text),
    wrap: (text, columns) => wrapAnsi(text, columns, { hard: true, trim: false, wordWrap: true }).split('\n'),
  };
}
