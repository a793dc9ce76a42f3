import type { Lexicon } from '../text/lexicon.js';
import { splitPinyin } from '../text/pinyin.js';
import { toSimplified } from '../text/script.js';

// Common Chinese surnames (Simplified): a run of two or three characters led by one, not a dictionary word, is a name.
const SURNAMES = new Set(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
);

let segmenter: Intl.Segmenter | undefined;

// Single characters that end a name rather than continue it (王堅在…, 林說…).
const STOP_CHARACTERS = new Set('的了在是和与及或也都就而之其等被把对从于为以这那说称表示将曾又还却则即'.split(''));

/** Names of people in a text, in order of appearance: romanised ("Wu Yongming", "Daniel Zhang") or in characters (吳泳銘). */
export function personNames(text: string, lexicon: Lexicon): string[] {
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
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  const segments = [...segmenter.segment(simplified)];
  for (let i = 0; i < segments.length; i += 1) {
    const first = segments[i]!;
    if (first.segment.length !== 1 || !SURNAMES.has(first.segment)) continue;
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
