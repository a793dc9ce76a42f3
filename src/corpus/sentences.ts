import type { Sentence, Span } from './types.js';

/**
 * Paragraphs of a text: blocks separated by blank lines when the text has any, otherwise one
 * paragraph a line. Spans exclude surrounding whitespace.
 */
export function splitParagraphs(text: string): Span[] {
  // Blank lines before the first or after the last paragraph say nothing about how paragraphs are separated.
  const separator = /\n[ \t\r\u3000]*\n/.test(text.trim()) ? /\n(?:[ \t\r\u3000]*\n)+/g : /\n/g;
  const spans: Span[] = [];
  let blockStart = 0;
  for (const match of text.matchAll(separator)) {
    pushTrimmed(text, blockStart, match.index, spans);
    blockStart = match.index + match[0].length;
  }
  pushTrimmed(text, blockStart, text.length, spans);
  return spans;
}

function pushTrimmed(text: string, start: number, end: number, out: Span[]): void {
  while (start < end && /\s/.test(text[start] ?? '')) start += 1;
  while (end > start && /\s/.test(text[end - 1] ?? '')) end -= 1;
  if (end > start) out.push({ start, end });
}

// Abbreviations after which ICU ends a sentence although the sentence goes on ("Mr. Right").
const ABBREVIATION = /(?<![A-Za-z])(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Inc|Ltd|Co|Corp|vs|etc|e\.g|i\.e|No|U\.S|U\.K|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$/u;
// A name's initial ("George W. Bush", 「A．L．纳戴」): one capital letter, alone, before a full stop, ASCII or
// fullwidth; not a unit's ("565 °C." ends a sentence).
const INITIAL = /(?<![\p{L}\p{N}\p{S}])\p{Lu}[.．]$/u;
/** Closing quotes and brackets, as a character class's contents: what may follow a sentence's final stop. */
export const CLOSING_PUNCTUATION = '”’」』）)\\]】》〉';
// Punctuation that closes what the previous sentence opened, so it belongs to that sentence.
const LEADING_CLOSERS = new RegExp(`^[\\s${CLOSING_PUNCTUATION}]+`, 'u');
// Punctuation that opens what the next sentence says, which Unicode's rules count as closing the one
// before ("…提出质疑。《保元物语》中…"); not "[", which opens a citation of the sentence before ("…。[4]").
const TRAILING_OPENERS = /[「『（(【《〈“‘]+$/u;

let sentenceSegmenter: Intl.Segmenter | undefined;

/**
 * Sentences of each paragraph, by the platform's Unicode sentence rules (English `.?!` and
 * Chinese `。！？`), repaired where they fail quoted text: a closing quote stays with its own
 * sentence, an opening one goes with the next, and an abbreviation such as "Mr." or a name's
 * initial does not end one.
 */
export function splitSentences(text: string, paragraphs: Span[]): Sentence[] {
  sentenceSegmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' });
  const sentences: Sentence[] = [];
  paragraphs.forEach((paragraph, index) => {
    const inParagraph: Sentence[] = [];
    // A line break inside a paragraph is a soft wrap, but Unicode rules always end a sentence at
    // one: segment with each break as a space (same length, so offsets still point into `text`).
    const body = text.slice(paragraph.start, paragraph.end).replace(/[\r\n\u0085\u2028\u2029]/g, ' ');
    for (const { segment, index: offset } of sentenceSegmenter!.segment(body)) {
      let start = paragraph.start + offset;
      let end = start + segment.length;
      const previous = inParagraph.at(-1);
      if (previous) {
        const openers = TRAILING_OPENERS.exec(text.slice(previous.start, previous.end))?.[0] ?? '';
        const closers = LEADING_CLOSERS.exec(segment)?.[0] ?? '';
        if (openers && openers.length < previous.end - previous.start) {
          previous.end -= openers.length;
          start = previous.end;
          trimSpan(text, previous);
        } else if (closers.trim() !== '') {
          previous.end = start + closers.length;
          start += closers.length;
        }
        const previousText = text.slice(previous.start, previous.end).trimEnd();
        const rest = text.slice(start, end).trimStart();
        if (ABBREVIATION.test(previousText) || INITIAL.test(previousText) || /^\p{Ll}/u.test(rest)) {
          previous.end = end;
          trimSpan(text, previous);
          continue;
        }
      }
      const sentence = { start, end, paragraph: index + 1 };
      trimSpan(text, sentence);
      if (previous) trimSpan(text, previous);
      if (sentence.end > sentence.start) inParagraph.push(sentence);
    }
    sentences.push(...inParagraph);
  });
  return sentences;
}

function trimSpan(text: string, span: Span): void {
  while (span.start < span.end && /\s/.test(text[span.start] ?? '')) span.start += 1;
  while (span.end > span.start && /\s/.test(text[span.end - 1] ?? '')) span.end -= 1;
}

/** Sentences of a stand-alone text (a passage or a quote), offsets into it: the corpus's own rules. */
export function sentencesOf(text: string): Sentence[] {
  return splitSentences(text, splitParagraphs(text));
}

/**
 * Clauses of a text: its sentences (by `sentencesOf`, so "John C. Messenger" or "U.S. forces" stay
 * whole), each cut after , ; : before a space or a Han character and after Chinese clause punctuation.
 */
export function clausesOf(text: string): string[] {
  return sentencesOf(text).flatMap((sentence) =>
    text
      .slice(sentence.start, sentence.end)
      .split(/(?<=[,;:](?=\s|\p{Script=Han})|[，；：、])\s*/u)
      .filter((clause) => clause.length > 0),
  );
}
