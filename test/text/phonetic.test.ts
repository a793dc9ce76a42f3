import { describe, expect, it } from 'vitest';
import { createPhoneticMatcher, englishSkeleton, phoneticSimilarity, pinyinSkeleton } from '../../src/text/phonetic.js';
import { romaniseSyllables } from '../../src/text/pinyin.js';

/** How alike an English name and a Chinese transliteration sound. */
function similarity(english: string, chinese: string): number {
  return phoneticSimilarity(englishSkeleton(english), pinyinSkeleton(romaniseSyllables(chinese)));
}

describe('phonetic keys of names across scripts', () => {
  it('reduces names to consonant classes, as transliteration hears them', () => {
    expect(pinyinSkeleton(['niu', 'ka', 'si', 'er'])).toBe('NKSL');
    expect(englishSkeleton('Newcastle')).toBe('NKSTL');
    // r before a vowel is written as l; a final "re" is silent; doubled letters are one sound.
    expect(englishSkeleton('Carolina')).toBe(pinyinSkeleton(['ka', 'luo', 'lai', 'na']));
    expect(englishSkeleton('Lefevre')).toBe('LFFR');
    expect(englishSkeleton('Harry')).toBe(englishSkeleton('Hary'));
    // A class repeats between vowels (Gaga, 卡卡), not within a cluster (Campbell).
    expect(englishSkeleton('Gaga')).toBe('KK');
    expect(englishSkeleton('Campbell')).toBe('KMPL');
  });

  it('matches transliterations with no table of names', () => {
    const pairs: Array<[string, string]> = [
      ['Lefevre', '勒费弗'],
      ['Newcastle', '纽卡斯尔'],
      ['Huguenot', '胡格诺'],
      ['Fresno', '弗雷斯诺'],
      ['Elway', '埃尔维'],
      ['Grainger', '格兰杰'],
      ['Amazon', '亚马逊'],
      ['Denver', '丹佛'],
      ['Washington', '华盛顿'],
      ['Jared', '贾里德'],
    ];
    for (const [english, chinese] of pairs) expect(similarity(english, chinese), `${english} ${chinese}`).toBeGreaterThan(0.8);
  });

  it('does not match names that sound different, nor keys too short to tell', () => {
    const pairs: Array<[string, string]> = [
      ['Newcastle', '弗雷斯诺'],
      ['Lefevre', '纽卡斯尔'],
      ['Denver', '华盛顿'],
      ['Carolina', '勒费弗'],
      ['Amazon', '丹佛'],
    ];
    for (const [english, chinese] of pairs) expect(similarity(english, chinese), `${english} ${chinese}`).toBe(0);
    // One sound identifies nothing.
    expect(phoneticSimilarity('S', 'S')).toBe(0);
  });

  it('finds the closest names of the other script among a corpus', () => {
    const key = (chinese: string) => `phz:${pinyinSkeleton(romaniseSyllables(chinese))}`;
    const corpus = [key('纽卡斯尔'), key('弗雷斯诺'), key('勒费弗'), `phe:${englishSkeleton('Newcastle')}`];
    const match = createPhoneticMatcher(corpus);
    expect(match(`phe:${englishSkeleton('Newcastle')}`).map(([found]) => found)).toEqual([key('纽卡斯尔')]);
    expect(match(`phe:${englishSkeleton('Lefevre')}`).map(([found]) => found)).toEqual([key('勒费弗')]);
    // Only the other script is searched: an English key finds no English key.
    expect(match(key('纽卡斯尔')).map(([found]) => found)).toEqual([`phe:${englishSkeleton('Newcastle')}`]);
    expect(match(`phe:${englishSkeleton('Washington')}`)).toEqual([]);
  });

  it('matches the same names whatever order the corpus gives its keys in (a new index and a reopened one)', () => {
    // Four names as close to "Nixon" as each other, of which three are kept.
    const keys = ['phz:NTSN', 'phz:NKLN', 'phz:NLSN', 'phz:NKSL'];
    const nixon = `phe:${englishSkeleton('Nixon')}`;
    const matches = createPhoneticMatcher(keys)(nixon);
    expect(matches).toHaveLength(3);
    expect(new Set(matches.map(([, similarity]) => similarity)).size).toBe(1);
    expect(createPhoneticMatcher([...keys].reverse())(nixon)).toEqual(matches);
    expect(createPhoneticMatcher([keys[2]!, keys[0]!, keys[3]!, keys[1]!])(nixon)).toEqual(matches);
  });
});
