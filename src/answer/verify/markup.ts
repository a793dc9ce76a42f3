// Reading the answer: prose, inline quotes, block quotes and citations.

/** A piece of a model's answer: prose, a citation, an inline quote or a block quote. */
export type Token =
  | { kind: 'text'; text: string }
  | { kind: 'cite'; numbers: number[] }
  | { kind: 'inline'; open: string; close: string; content: string }
  | { kind: 'block'; lines: string[] };

/** The closing mark of each opening quotation mark. */
export const CLOSERS: Record<string, string> = { '“': '”', '「': '」', '『': '』', '«': '»', '"': '"', '＂': '＂' };
/** A citation such as [1], [1, 2], [1-3] or [1][2] (sticky: matched at a given place). */
export const CITATION = /[[［【]\s*(\d{1,3}(?:\s*(?:[,，、;；]|[-–]|\]\s*\[)\s*\d{1,3})*)\s*[\]］】]/y;
const PENDING_CITATION = /^[[［【][\d\s,，、;；\-–\]\[]*$/;
const BLOCK_LINE = /^ {0,3}>/;

/** The passage numbers a citation's inside names (ranges expanded, at most twenty). */
export function parseCitation(inner: string): number[] {
  const numbers: number[] = [];
  for (const piece of inner.split(/\s*(?:[,，、;；]|\]\s*\[)\s*/)) {
    const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(piece);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      for (let n = from; n <= to && n - from < 20; n++) numbers.push(n);
    } else if (/^\d+$/.test(piece)) numbers.push(Number(piece));
  }
  return numbers;
}

/** Where the quote opened at `open` closes (index of the closer), counting nested pairs; -1 if it does not. */
function findCloser(text: string, open: number): number {
  const opener = text[open] ?? '';
  const closer = CLOSERS[opener] ?? opener;
  if (closer === opener) return text.indexOf(closer, open + 1);
  let depth = 1;
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === opener) depth++;
    else if (text[i] === closer && --depth === 0) return i;
  }
  return -1;
}

/** Splits prose into text, inline quotes and citations. Returns `complete: false` where a streamed text was cut. */
function tokenizeProse(text: string, partial: boolean): { tokens: Token[]; complete: boolean } {
  const tokens: Token[] = [];
  let plain = '';
  const flush = () => {
    if (plain) tokens.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (char in CLOSERS) {
      let close = findCloser(text, i);
      let closeMark = text[close] ?? '';
      if (close < 0) {
        // Unfinished: wait for more text, or (finished answer) treat the rest of the line as the quote.
        if (partial) return (flush(), { tokens, complete: false });
        const lineEnd = text.indexOf('\n', i);
        close = lineEnd < 0 ? text.length : lineEnd;
        closeMark = '';
      }
      flush();
      tokens.push({ kind: 'inline', open: char, close: closeMark, content: text.slice(i + 1, close) });
      i = close + closeMark.length;
      continue;
    }
    if (char === '[' || char === '［' || char === '【') {
      CITATION.lastIndex = i;
      const match = CITATION.exec(text);
      if (match) {
        flush();
        tokens.push({ kind: 'cite', numbers: parseCitation(match[1] ?? '') });
        i += match[0].length;
        continue;
      }
      if (partial && PENDING_CITATION.test(text.slice(i))) return (flush(), { tokens, complete: false });
    }
    plain += char;
    i++;
  }
  flush();
  return { tokens, complete: true };
}

/** Splits an answer into tokens; in partial mode stops before anything unfinished. */
export function tokenize(answer: string, partial: boolean): Token[] {
  const tokens: Token[] = [];
  const lines = answer.split('\n');
  let prose: string[] = [];
  let block: string[] = [];
  const flushProse = (trailingNewline: boolean): boolean => {
    if (prose.length === 0) return true;
    const { tokens: proseTokens, complete } = tokenizeProse(prose.join('\n') + (trailingNewline ? '\n' : ''), partial);
    tokens.push(...proseTokens);
    prose = [];
    return complete;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const last = i === lines.length - 1;
    if (BLOCK_LINE.test(line)) {
      if (!flushProse(true)) return tokens;
      // A streamed block quote is shown only once its line is finished.
      if (partial && last) return tokens;
      block.push(line.replace(/^ {0,3}>+ ?/, ''));
      continue;
    }
    if (block.length > 0) {
      tokens.push({ kind: 'block', lines: block }, { kind: 'text', text: '\n' });
      block = [];
    }
    prose.push(line);
  }
  if (block.length > 0) tokens.push({ kind: 'block', lines: block });
  flushProse(false);
  return tokens;
}
