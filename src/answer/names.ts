import type { LRUCache } from 'lru-cache';
import { growingCache } from '../cache.js';
import { COMMON_SURNAMES } from '../text/features.js';
import type { Lexicon } from '../text/lexicon.js';
import { splitPinyin } from '../text/pinyin.js';
import { chineseWordSegmenter, toSimplified } from '../text/script.js';

// Single characters that end a name rather than continue it (王堅在…, 林說…).
const STOP_CHARACTERS = new Set('的了在是和与及或也都就而之其等被把对从于为以这那说称表示将曾又还却则即'.split(''));

/** Names of people in a text, in order of appearance: romanised ("Wu Yongming", "Daniel Zhang") or in characters (吳泳銘). */
export function personNames(text: string, lexicon: Lexicon): readonly string[] {
  // The answerer reads the same clauses of the same quotes question after question: remembered per lexicon.
  let known = namesByLexicon.get(lexicon);
  if (!known) {
    known = growingCache(MAX_REMEMBERED);
    namesByLexicon.set(lexicon, known);
  }
  let names = known.get(text);
  if (!names) {
    names = findPersonNames(text, lexicon);
    known.set(text, names);
  }
  return names;
}

const MAX_REMEMBERED = 5_000;
const namesByLexicon = new WeakMap<Lexicon, LRUCache<string, readonly string[]>>();

function findPersonNames(text: string, lexicon: Lexicon): readonly string[] {
  const names: Array<{ at: number; name: string }> = [];
  // Two or three capitalised words whose last is a pinyin syllable or more: a Chinese (or Chinese-surnamed) person.
  for (const match of text.matchAll(/\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}\b/gu)) {
    const words = match[0].split(/[ -]/);
    const last = words.at(-1)!.toLowerCase();
    const first = words[0]!.toLowerCase();
    if (splitPinyin(last, lexicon.syllables) >= 1 && splitPinyin(last, lexicon.syllables) <= 2 && (words.length === 2 || splitPinyin(first, lexicon.syllables) >= 1)) {
      names.push({ at: match.index, name: match[0] });
    }
  }
  // Characters: a segmenter splits an unknown name into single characters (吳|泳|銘) or a surname and a
  // word it does not know (張|建鋒); a name starts at a segment that is a lone common surname.
  const simplified = toSimplified(text);
  const sameLength = simplified.length === text.length;
  const segments = [...chineseWordSegmenter().segment(simplified)];
  for (let i = 0; i < segments.length; i += 1) {
    const first = segments[i]!;
    if (first.segment.length !== 1 || !COMMON_SURNAMES.has(first.segment)) continue;
    let name = first.segment;
    for (let k = i + 1; k < segments.length && name.length < 3; k += 1) {
      const next = segments[k]!.segment;
      const known = lexicon.hasWord(next) && !lexicon.isProperNoun(next);
      if (!/^\p{Script=Han}+$/u.test(next) || name.length + next.length > 3 || STOP_CHARACTERS.has(next) || (next.length > 1 && known)) break;
      name += next;
    }
    if (name.length < 2 || (lexicon.hasWord(name) && !lexicon.isProperNoun(name))) continue;
    names.push({ at: first.index, name: sameLength ? text.slice(first.index, first.index + name.length) : name });
  }
  return names.sort((a, b) => a.at - b.at).map((n) => n.name);
}
