import { stemmer } from 'stemmer';

// Function words and question words: they say how a question is asked, not what it is about.
const ENGLISH_STOPWORDS = new Set(
  `a about after against all am an and any are as at be because been before being between both but by
  can could did do does doing during each few for from further had has have having he her here hers herself him himself
  his how i if in into is it its itself just me more most my myself no nor not now of on once only or other our ours
  ourselves own same she should so some such than that the their theirs them themselves then there these they this
  those through to too until very was we were what when where which while who whom why will with would you your
  yours yourself yourselves also may might must shall s t don didn doesn isn wasn weren won wouldn couldn shouldn ever even
  still yet ago tell say said says according much many whose whether within without upon via per us let lot get got one's
  sth sb someone something oneself etc percentage proportion`.split(/\s+/),
);

/** True for English function words that carry no topic. */
export function isEnglishStopword(word: string): boolean {
  return ENGLISH_STOPWORDS.has(word);
}

/** A Latin-script word as it appears, with its offset, for features that need case or adjacency. */
export interface LatinToken {
  raw: string;
  lower: string;
  index: number;
}

const LATIN_WORD = /[A-Za-z]+(?:['’][A-Za-z]+)*/g;

/** Latin-script words of a text (numbers are handled as anchors, not words). */
export function latinTokens(text: string): LatinToken[] {
  const tokens: LatinToken[] = [];
  for (const match of text.matchAll(LATIN_WORD)) {
    const raw = match[0].replace(/['’]s$/i, '').replace(/['’]/g, '');
    tokens.push({ raw, lower: raw.toLowerCase(), index: match.index });
  }
  return tokens;
}

/** The Porter stem of a lower-case English word: "growing", "grows" and "grow" meet. */
export function stemWord(lower: string): string {
  return stemmer(lower);
}
