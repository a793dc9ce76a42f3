import { ConverterFactory } from 'opencc-js/core';
import * as Locale from 'opencc-js/preset/t2cn';
import simplifiedToTraditionalCharacters from 'opencc-js/dict/STCharacters';

// Only the Traditional → Simplified dictionaries (about 100 KB) are loaded: telling a Simplified
// question by converting it to Traditional built the other direction's 1 MB phrase table first,
// a third of that question's cold `ask` (1.33 → 0.96 s).
let toSimplifiedConverter: ((text: string) => string) | undefined;
let simplifiedForms: Set<string> | undefined;

/**
 * Traditional (Taiwan, Hong Kong or OpenCC standard) characters to Simplified; other text unchanged.
 * Taiwan's 甚麼 ("what", 為甚麼 "why") becomes 什么 (`withStandardWhat`).
 */
export function toSimplified(text: string): string {
  // Most English text has no Han character: no dictionary to load or walk for it.
  if (!HAN.test(text)) return text;
  toSimplifiedConverter ??= ConverterFactory(Locale.from.tw!, Locale.to.cn!);
  return toSimplifiedConverter(withStandardWhat(text));
}

/** Taiwan's 甚麼 / 甚么 ("what") as 什麼 / 什么, in the same script and length: OpenCC leaves 甚 alone (it is also "very"). */
export function withStandardWhat(text: string): string {
  return text.replace(/甚(?=[麼么])/gu, '什');
}

/**
 * Whether a text holds a character that has another form in Traditional (们 of 們, 这 of 這): read
 * from OpenCC's Simplified → Traditional character table (30 KB) alone, not its 1 MB phrase table,
 * which only matters to convert a text, not to tell its script.
 */
function hasSimplifiedForm(text: string): boolean {
  simplifiedForms ??= new Set(
    simplifiedToTraditionalCharacters.split('|').flatMap((entry) => {
      const [simplified, traditional] = entry.split(' ');
      return simplified && traditional && simplified !== traditional ? [simplified] : [];
    }),
  );
  for (const character of text) if (simplifiedForms.has(character)) return true;
  return false;
}

const HAN = /\p{Script=Han}/u;
const NOT_HAN = /\P{Script=Han}+/gu;
const NOT_LATIN_LETTER = /\P{Script=Latin}+/gu;

/** Han characters read to tell Traditional from Simplified. */
const SCRIPT_SAMPLE = 500;
/** Han characters read first: most texts show their script by then. */
const FIRST_LOOK = 40;

/** Languages Tether tells apart: English, Traditional and Simplified Chinese. */
export type Lang = 'en' | 'zh-Hant' | 'zh-Hans';

/**
 * The language of a text: Chinese when Han characters outnumber a third of the Latin letters
 * (a Chinese sentence with an English acronym is still Chinese), then Traditional or Simplified
 * by which conversion changes it.
 */
export function detectLang(text: string): Lang {
  // Counted by deleting what is not Han (not Latin): one string each, not one per character,
  // which made telling the language of thousands of articles most of an index's opening.
  const han = text.replace(NOT_HAN, '');
  if (han.length === 0) return 'en';
  const hanCount = codePointCount(han);
  if (hanCount * 3 < codePointCount(text.replace(NOT_LATIN_LETTER, ''))) return 'en';
  // A few hundred characters tell the scripts apart: converting a whole article (every
  // article, at every open) was most of the time a corpus took to load.
  const hanOnly = hanCount === han.length ? han.slice(0, SCRIPT_SAMPLE) : Array.from(han).slice(0, SCRIPT_SAMPLE).join('');
  // Most Traditional texts show it within a few dozen characters: those are not converted further.
  const firstLook = hanOnly.slice(0, FIRST_LOOK);
  if (toSimplified(firstLook) !== firstLook || toSimplified(hanOnly) !== hanOnly) return 'zh-Hant';
  if (hasSimplifiedForm(hanOnly)) return 'zh-Hans';
  return 'zh-Hant';
}

/** Characters (code points) of a text: its UTF-16 units less the second half of each surrogate pair. */
function codePointCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) count -= 1;
  }
  return count;
}

/** Folds width and compatibility forms (full-width digits, letters, punctuation) for matching only. */
export function foldForMatching(text: string): string {
  return text.normalize('NFKC');
}

let wordSegmenter: Intl.Segmenter | undefined;

/** The platform's Chinese word segmenter, made once (each one loads ICU's dictionary). */
export function chineseWordSegmenter(): Intl.Segmenter {
  return (wordSegmenter ??= new Intl.Segmenter('zh', { granularity: 'word' }));
}
