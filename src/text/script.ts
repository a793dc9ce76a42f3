import * as OpenCC from 'opencc-js';

let toSimplifiedConverter: ((text: string) => string) | undefined;
let toTraditionalConverter: ((text: string) => string) | undefined;

/** Traditional (Taiwan, Hong Kong or OpenCC standard) characters to Simplified; other text unchanged. */
export function toSimplified(text: string): string {
  // Most English text has no Han character: no dictionary to load or walk for it.
  if (!HAN.test(text)) return text;
  toSimplifiedConverter ??= OpenCC.Converter({ from: 'tw', to: 'cn' }) as (text: string) => string;
  return toSimplifiedConverter(text);
}

function toTraditional(text: string): string {
  toTraditionalConverter ??= OpenCC.Converter({ from: 'cn', to: 'tw' }) as (text: string) => string;
  return toTraditionalConverter(text);
}

const HAN = /\p{Script=Han}/u;
const HAN_GLOBAL = /\p{Script=Han}/gu;
const LATIN_LETTER_GLOBAL = /\p{Script=Latin}/gu;

/** Han characters read to tell Traditional from Simplified. */
const SCRIPT_SAMPLE = 500;

/** Languages Tether tells apart: English, Traditional and Simplified Chinese. */
export type Lang = 'en' | 'zh-Hant' | 'zh-Hans';

/**
 * The language of a text: Chinese when Han characters outnumber a third of the Latin letters
 * (a Chinese sentence with an English acronym is still Chinese), then Traditional or Simplified
 * by which conversion changes it.
 */
export function detectLang(text: string): Lang {
  const han = text.match(HAN_GLOBAL) ?? [];
  const latin = text.match(LATIN_LETTER_GLOBAL)?.length ?? 0;
  if (han.length === 0 || han.length * 3 < latin) return 'en';
  // A few hundred characters tell the scripts apart: converting a whole article (every
  // article, at every open) was most of the time a corpus took to load.
  const hanOnly = han.slice(0, SCRIPT_SAMPLE).join('');
  if (toSimplified(hanOnly) !== hanOnly) return 'zh-Hant';
  if (toTraditional(hanOnly) !== hanOnly) return 'zh-Hans';
  return 'zh-Hant';
}

/** Folds width and compatibility forms (full-width digits, letters, punctuation) for matching only. */
export function foldForMatching(text: string): string {
  return text.normalize('NFKC');
}
