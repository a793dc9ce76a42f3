import { pinyin } from 'pinyin-pro';

// pinyin-pro is slow next to the rest of feature extraction, and names and windows repeat: remembered.
const remembered = new Map<string, string[]>();
const MAX_REMEMBERED = 50_000;

/** Toneless pinyin syllables of Chinese characters, ü written as v: 纽卡斯尔 → niu ka si er. */
export function romaniseSyllables(chinese: string): string[] {
  let syllables = remembered.get(chinese);
  if (!syllables) {
    syllables = pinyin(chinese, { toneType: 'none', type: 'array', v: true }).map((syllable) => syllable.toLowerCase());
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(chinese, syllables);
  }
  return syllables;
}

/** Toneless pinyin of Chinese characters, run together, ü written as v: 吳泳銘 → "wuyongming". */
export function romanise(chinese: string): string {
  return romaniseSyllables(chinese).join('');
}

/**
 * How many pinyin syllables a lower-case word splits into (0 when it is not pinyin), trying the
 * longest syllable first and backtracking: "yongming" → 2, "alibaba" → 4, "cloud" → 0.
 */
export function splitPinyin(word: string, syllables: ReadonlySet<string>): number {
  // Names and English words are tested again and again (every answer tells names from words): remembered per syllable set.
  let known = splitsBySyllables.get(syllables);
  if (!known) {
    known = new Map();
    splitsBySyllables.set(syllables, known);
  }
  let count = known.get(word);
  if (count === undefined) {
    count = countSyllables(word, syllables);
    if (known.size >= MAX_REMEMBERED) known.clear();
    known.set(word, count);
  }
  return count;
}

const splitsBySyllables = new WeakMap<ReadonlySet<string>, Map<string, number>>();

function countSyllables(word: string, syllables: ReadonlySet<string>): number {
  if (syllables.size === 0 || word.length === 0 || !/^[a-z]+$/.test(word)) return 0;
  const best: number[] = new Array<number>(word.length + 1).fill(0);
  best[word.length] = 0;
  const reachable: boolean[] = new Array<boolean>(word.length + 1).fill(false);
  reachable[word.length] = true;
  for (let start = word.length - 1; start >= 0; start -= 1) {
    for (let length = 1; length <= 6 && start + length <= word.length; length += 1) {
      if (reachable[start + length] && syllables.has(word.slice(start, start + length))) {
        const count = 1 + best[start + length]!;
        if (!reachable[start] || count < best[start]!) {
          reachable[start] = true;
          best[start] = count;
        }
      }
    }
  }
  return reachable[0] ? best[0]! : 0;
}

/**
 * Wade–Giles initials and finals as written without apostrophes or umlauts, with the pinyin each
 * may stand for (an unwritten aspiration mark makes "ts" either z or c): Tsai → cai or zai, Hsu →
 * xu, Chiang → jiang or qiang, Chih → zhi or chi. Longest spellings first.
 */
const WADE_GILES_INITIALS: Array<[string, string[]]> = [
  ['tz', ['z', 'c']],
  ['ts', ['z', 'c']],
  ['ch', ['zh', 'ch', 'j', 'q']],
  ['hs', ['x']],
  ['ss', ['s']],
  ['sz', ['s']],
  ['sh', ['sh']],
  ['j', ['r']],
  ['k', ['g', 'k']],
  ['p', ['b', 'p']],
  ['t', ['d', 't']],
  ['', ['']],
];
const APICAL_INITIALS = new Set(['tz', 'ts', 'ss', 'sz']);
const WADE_GILES_FINALS: Array<[string, string[]]> = [
  ['iung', ['iong']],
  ['ung', ['ong']],
  ['ieh', ['ie']],
  ['ien', ['ian']],
  ['uei', ['ui']],
  ['erh', ['er']],
  ['ih', ['i']],
  ['eh', ['e']],
  ['u', ['u', 'v']],
  ['o', ['o', 'e', 'uo']],
];

/**
 * The pinyin syllables a name's Wade–Giles syllable may be (Taiwanese and older English spellings
 * of Chinese names: Tsai Ing-wen, Chiang), those of `syllables` only; none for a word that is
 * already pinyin or that no reading turns into pinyin.
 */
export function wadeGilesSyllables(word: string, syllables: ReadonlySet<string>): string[] {
  if (syllables.has(word) || !/^[a-z]{2,6}$/.test(word)) return [];
  const found = new Set<string>();
  for (const [written, initials] of WADE_GILES_INITIALS) {
    if (!word.startsWith(written)) continue;
    const rest = word.slice(written.length);
    const finals = WADE_GILES_FINALS.find(([spelled]) => rest.endsWith(spelled));
    const readings = finals ? finals[1].map((final) => `${rest.slice(0, rest.length - finals[0].length)}${final}`) : [rest];
    // After a sibilant, "u" is the buzzing vowel pinyin writes i: Tzu → zi, Ssu → si.
    if (rest === 'u' && APICAL_INITIALS.has(written)) readings.push('i');
    for (const initial of initials) for (const reading of readings) if (syllables.has(initial + reading)) found.add(initial + reading);
  }
  return [...found];
}

/** All toneless syllables pinyin-pro knows (ü as v), from the common CJK block. */
export function listPinyinSyllables(): string[] {
  const syllables = new Set<string>();
  for (let code = 0x4e00; code <= 0x9fa5; code += 1) {
    for (const reading of pinyin(String.fromCharCode(code), { toneType: 'none', type: 'array', multiple: true, v: true })) {
      if (/^[a-z]+$/.test(reading)) syllables.add(reading);
    }
  }
  return [...syllables].sort();
}
