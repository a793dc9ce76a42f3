/**
 * Phonetic keys that let a Western name meet its Chinese transliteration without a table of names:
 * both are reduced to a skeleton of consonant classes (Newcastle → NKSTL, 纽卡斯尔 niu-ka-si-er →
 * NKSL) and compared by an edit distance in which the changes transliteration makes are cheap (a
 * dropped "r" after a vowel, a silent "t", v written as f or w, r written as l).
 *
 * Classes: P (b p), T (d t), K (g k hard c, q), F (f v ph), W (w), S (s z x sh, soft c), J (j ch
 * soft g; pinyin j q zh ch), Q (th, between T and S), L (l, and r before a vowel), R (r after a
 * vowel, often not written in Chinese), M (m), N (n ng), H (h).
 */

const VOWELS = new Set('aeiouy');

/** The consonant skeleton of a Latin-script word ("Lefevre" → LFFR). Letters only; accents ignored. */
export function englishSkeleton(word: string): string {
  // Doubled consonants are one sound (tt, ll, rr).
  const w = word.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase().replace(/([^aeiou])\1+/g, '$1');
  let out = '';
  // Between two vowels a class may repeat (Gaga: K-K); adjacent consonants of one class are one sound (Campbell: m-p-b).
  let vowelSince = true;
  const add = (classes: string) => {
    for (const cls of classes) {
      if (!(cls === out.at(-1) && !vowelSince)) out += cls;
      vowelSince = false;
    }
  };
  const vowel = (i: number) => i < w.length && VOWELS.has(w[i]!) && !(w[i] === 'y' && i === 0 && i + 1 < w.length && VOWELS.has(w[i + 1]!));
  for (let i = 0; i < w.length; i += 1) {
    const c = w[i]!;
    const next = w[i + 1] ?? '';
    if (vowel(i) || (c === 'y' && i === 0)) {
      vowelSince = true;
      continue;
    }
    const two = c + next;
    const digraph: Record<string, string> = { ph: 'F', sh: 'S', th: 'Q', ck: 'K', wh: 'W' };
    if (two in digraph) {
      add(digraph[two]!);
      i += 1;
      continue;
    }
    if (two === 'gh') {
      if (i === 0) add('K');
      i += 1;
      continue;
    }
    if (two === 'wr' || (i === 0 && (two === 'kn' || two === 'gn' || two === 'ps'))) continue;
    if (two === 'ch' && w[i - 1] === 's') {
      // German sch is one sound (Esch).
      i += 1;
      continue;
    }
    if (two === 'ch') {
      add(w[i + 2] === 'r' ? 'K' : 'J');
      i += 1;
      continue;
    }
    if (two === 'ng') {
      add('N');
      // The g is heard before a vowel or l/r (England, Bangor).
      if (!(i + 2 < w.length && (VOWELS.has(w[i + 2]!) || w[i + 2] === 'l' || w[i + 2] === 'r'))) i += 1;
      continue;
    }
    switch (c) {
      case 'b': case 'p': add('P'); break;
      // ts, tz, ds are one sound (茨): Roberts.
      case 'd': case 't': if (!/[sz]/.test(next)) add('T'); break;
      case 'k': case 'q': add('K'); break;
      case 'c': add(/[eiy]/.test(next) ? 'S' : 'K'); break;
      case 'g': add(/[eiy]/.test(next) ? 'J' : 'K'); break;
      case 'j': add('J'); break;
      case 's': case 'z': add('S'); break;
      case 'x': add(i === 0 ? 'S' : 'KS'); break;
      case 'f': case 'v': add('F'); break;
      // w after a vowel is part of it (Newcastle).
      case 'w': if (vowel(i + 1)) add('W'); else vowelSince = true; break;
      case 'h': if (i === 0 || (VOWELS.has(w[i - 1] ?? '') && vowel(i + 1))) add('H'); break;
      // Before a vowel r is written as l (羅, 拉); after one, mostly not at all. A final "re" is silent.
      case 'r': add(i === 0 || (vowel(i + 1) && !(next === 'e' && i + 2 === w.length)) ? 'L' : 'R'); break;
      case 'l': add('L'); break;
      case 'm': add('M'); break;
      case 'n': add('N'); break;
      default: break;
    }
  }
  return out;
}

const PINYIN_INITIALS: Array<[string, string]> = [
  ['zh', 'J'], ['ch', 'J'], ['sh', 'S'],
  ['b', 'P'], ['p', 'P'], ['m', 'M'], ['f', 'F'], ['d', 'T'], ['t', 'T'], ['n', 'N'], ['l', 'L'], ['g', 'K'], ['k', 'K'],
  ['h', 'H'], ['j', 'J'], ['q', 'J'], ['x', 'S'], ['r', 'L'], ['z', 'S'], ['c', 'S'], ['s', 'S'], ['w', 'W'], ['y', ''],
];

/** The consonant skeleton of toneless pinyin syllables (["niu", "ka", "si", "er"] → NKSL). */
export function pinyinSkeleton(syllables: readonly string[]): string {
  let out = '';
  let nasalBefore = false;
  for (const syllable of syllables) {
    if (syllable === 'er') {
      out += 'L';
      nasalBefore = false;
      continue;
    }
    const initial = PINYIN_INITIALS.find(([spelling]) => syllable.startsWith(spelling));
    // A nasal final and the next n are one written n (安娜, Anna).
    const sound = initial?.[1] ?? '';
    if (!(sound === 'N' && nasalBefore)) out += sound;
    // A nasal final stands for a written n (an, en, in) or ng.
    nasalBefore = /ng?$/.test(syllable) && syllable.length > (initial?.[0].length ?? 0) + 1;
    if (nasalBefore) out += 'N';
  }
  return out;
}

// Changes that transliteration makes cheaply: similar sounds, and letters often not written.
const SIMILAR: Record<string, number> = { LR: 0.1, QT: 0.2, QS: 0.2, JS: 0.3, FW: 0.3, JK: 0.4, HW: 0.4, MN: 0.4, HK: 0.5, FP: 0.6, ST: 0.7, KS: 0.8 };
const DROP: Record<string, number> = { R: 0.2, H: 0.5, W: 0.4, T: 0.6, L: 0.6, N: 0.5, Q: 0.5, S: 0.7 };

function substitution(a: string, b: string): number {
  if (a === b) return 0;
  return SIMILAR[a < b ? a + b : b + a] ?? 1;
}

/** Weighted edit distance between two skeletons. */
export function skeletonDistance(a: string, b: string): number {
  let previous = new Array<number>(b.length + 1);
  previous[0] = 0;
  for (let j = 1; j <= b.length; j += 1) previous[j] = previous[j - 1]! + (DROP[b[j - 1]!] ?? 1);
  for (let i = 1; i <= a.length; i += 1) {
    const current = new Array<number>(b.length + 1);
    current[0] = previous[0]! + (DROP[a[i - 1]!] ?? 1);
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(
        previous[j - 1]! + substitution(a[i - 1]!, b[j - 1]!),
        previous[j]! + (DROP[a[i - 1]!] ?? 1),
        current[j - 1]! + (DROP[b[j - 1]!] ?? 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** How many sounds of a skeleton count for matching: a weak R hardly identifies a name. */
export function soundCount(skeleton: string): number {
  return skeleton.replace(/R/g, '').length;
}

/**
 * How alike two skeletons sound, 0..1: 0 when they are too short to tell or too far apart. Short
 * names must match almost exactly (two sounds: Bush, 布什), longer ones may differ by about one sound.
 */
export function phoneticSimilarity(a: string, b: string): number {
  const shorter = Math.min(soundCount(a), soundCount(b));
  if (shorter < 2) return 0;
  // A name is known by its first sound: it must be the same or a near one.
  const firstA = a.replace(/^R/, '')[0]!;
  const firstB = b.replace(/^R/, '')[0]!;
  if (substitution(firstA, firstB) > 0.4) return 0;
  const allowed = shorter === 2 ? 0.25 : shorter === 3 ? 0.6 : 0.3 * shorter - 0.2;
  const distance = skeletonDistance(a, b);
  if (distance > allowed) return 0;
  return 1 - distance / (2 * Math.max(soundCount(a), soundCount(b)));
}

/** Most names of the other script a name is matched with: the closest ones only. */
const MAX_MATCHES = 3;
/** A match this much less similar than the best one is left out. */
const MATCH_MARGIN = 0.05;

/**
 * Finds, for a phonetic key of one script (`phe:` English, `phz:` Chinese), the keys of the other
 * script among a corpus's that sound alike, closest first, with their similarity. Results are
 * remembered: a corpus has a few thousand names, a question a few.
 */
export function createPhoneticMatcher(corpusKeys: Iterable<string>): (key: string) => Array<[string, number]> {
  const byScript: Record<string, Array<{ key: string; skeleton: string; sounds: number }>> = { 'phe:': [], 'phz:': [] };
  for (const key of corpusKeys) {
    const script = key.slice(0, 4);
    const skeleton = key.slice(4);
    byScript[script]?.push({ key, skeleton, sounds: soundCount(skeleton) });
  }
  const remembered = new Map<string, Array<[string, number]>>();
  return (key) => {
    const known = remembered.get(key);
    if (known) return known;
    const skeleton = key.slice(4);
    const sounds = soundCount(skeleton);
    const others = byScript[key.startsWith('phe:') ? 'phz:' : 'phe:'] ?? [];
    const scored: Array<[string, number]> = [];
    for (const other of others) {
      if (Math.abs(other.sounds - sounds) > 2) continue;
      const similarity = phoneticSimilarity(skeleton, other.skeleton);
      if (similarity > 0) scored.push([other.key, similarity]);
    }
    // Equally close names in key order: the corpus's keys come in build order to a new index and in
    // stored order to a reopened one, which must match the same names.
    scored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const best = scored[0]?.[1] ?? 0;
    const matches = scored.filter(([, similarity]) => similarity >= best - MATCH_MARGIN).slice(0, MAX_MATCHES);
    if (remembered.size > 10_000) remembered.clear();
    remembered.set(key, matches);
    return matches;
  };
}
