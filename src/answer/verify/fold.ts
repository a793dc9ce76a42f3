import { toSimplified } from '../../text/script.js';

// Folding for matching only: the shown text is always cut from the original by offset.


/** A folded text with, per folded code unit, where it came from in the original. */
export interface Folded {
  text: string;
  /** For each folded code unit, the original offset of the character it came from, and the offset after it. */
  starts: number[];
  ends: number[];
}

const PUNCTUATION_FOLD: Record<string, string> = {
  '“': '"', '”': '"', '„': '"', '‟': '"', '«': '"', '»': '"', '「': '"', '」': '"', '『': '"', '』': '"', '〝': '"', '〞': '"',
  '‘': "'", '’': "'", '‚': "'", '‛': "'", '`': "'",
  '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '―': '-', '−': '-',
  '。': '.', '｡': '.', '⋯': '...', '・': '·',
};
// Markdown emphasis and invisible characters a model adds or drops freely.
const IGNORED = /[\s*_\u200b-\u200d\u2060\ufeff]/gu;
const HAN = /\p{Script=Han}/u;

const foldedChars = new Map<string, string>();

function foldChar(char: string): string {
  const cached = foldedChars.get(char);
  if (cached !== undefined) return cached;
  let folded = char.normalize('NFKC');
  if (HAN.test(folded)) {
    // A model may quote a Traditional article in Simplified characters; one character at a time keeps offsets.
    folded = toSimplified(folded);
  }
  folded = [...folded.toLowerCase()].map((c) => PUNCTUATION_FOLD[c] ?? c).join('').replace(IGNORED, '');
  foldedChars.set(char, folded);
  return folded;
}

/** Folds a text for matching, keeping the original offsets of every folded code unit. */
export function fold(text: string): Folded {
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < text.length; ) {
    const width = (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    const folded = foldChar(text.slice(i, i + width));
    for (let k = 0; k < folded.length; k++) {
      starts.push(i);
      ends.push(i + width);
    }
    out += folded;
    i += width;
  }
  return { text: out, starts, ends };
}

/** Folds text the way verification matches it (NFKC, case, Traditional→Simplified, quote marks, no spaces). */
export function foldForVerifying(text: string): string {
  return fold(text).text;
}

/** Punctuation at either end of a quote, which matching ignores. */
export const EDGE_PUNCTUATION = /^[.,;:!?"'()[\]{}\-、]+|[.,;:!?"'()[\]{}\-、]+$/g;

/** The pieces a quote must contain, in order: elisions (… or [...]) split it. */
export function needleParts(content: string): string[] {
  return fold(content)
    .text.split(/\.{3,}/)
    .map((part) => part.replace(EDGE_PUNCTUATION, ''))
    .filter((part) => part.length > 0);
}
