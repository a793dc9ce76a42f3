import type { Lexicon } from '../text/lexicon.js';
import { splitPinyin } from '../text/pinyin.js';
import { toSimplified } from '../text/script.js';

// Common Chinese surnames (Simplified): a run of two or three characters led by one, not a dictionary word, is a name.
const SURNAMES = new Set(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
);

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
  const simplified = toSimplified(text);
  for (const match of simplified.matchAll(/\p{Script=Han}+/gu)) {
    const run = match[0];
    for (let i = 0; i < run.length - 1; i += 1) {
      if (!SURNAMES.has(run[i]!)) continue;
      for (const length of [3, 2]) {
        const candidate = run.slice(i, i + length);
        if (candidate.length < length) continue;
        // A dictionary word (高速, 王冠) is not a name unless the dictionary says it is one.
        const isWord = (w: string) => lexicon.hasWord(w) && !lexicon.isProperNoun(w);
        if (isWord(candidate) || isWord(candidate.slice(1)) || isWord(candidate.slice(0, 2))) continue;
        const at = match.index + i;
        names.push({ at, name: text.slice(at, at + length) });
        i += length - 1;
        break;
      }
    }
  }
  return names.sort((a, b) => a.at - b.at).map((n) => n.name);
}
