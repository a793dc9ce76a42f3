import { describe, expect, it } from 'vitest';
import { numberMentions } from '../../src/text/numbers.js';

/** Every anchor a text's numbers give, in order. */
const numberAnchors = (text: string) => numberMentions(text).flatMap((mention) => mention.anchors);

/** The anchors of the one mention a text should have. */
function only(text: string): string[] {
  const mentions = numberMentions(text);
  expect(mentions, text).toHaveLength(1);
  return mentions[0]!.anchors;
}

describe('number anchors', () => {
  it('reads number words as numbers, keeping offsets', () => {
    expect(only('four')).toEqual(['n:4']);
    expect(only('twenty-one players')).toEqual(only('21 players'));
    expect(only('one hundred and five')).toEqual(['n:105']);
    expect(only('four million')).toEqual(only('400万'));
    expect(only('twenty percent')).toEqual(only('20%'));
    // "one" alone is mostly a pronoun; "zero" alone is the number ("from zero to 100 billion" for "from 0 to 100b").
    expect(numberMentions('one of the teams')).toEqual([]);
    expect(only('from zero to')).toEqual(only('from 0 to'));
    const mention = numberMentions('about twenty-one players')[0]!;
    expect('about twenty-one players'.slice(mention.start, mention.end)).toBe('twenty-one');
  });

  it('reads the shorthand of magnitudes as the number it stands for', () => {
    expect(only('100b yuan')).toEqual(only('100 billion yuan'));
    expect(only('100 bn')).toEqual(only('1000亿'));
    expect(only('5k users')).toEqual(only('5 thousand users'));
    // m may be metres: the bare number stays too.
    expect(only('2.5m')).toEqual([...only('2.5 million'), ...only('2.5')]);
    expect(only('3 m')).toEqual(only('3'));
  });

  it('gives ordinals one anchor in both languages, and their number', () => {
    expect(only('the ninth')).toEqual(only('第九'));
    expect(only('9th')).toEqual(only('第九'));
    expect(only('twenty-first')).toEqual(only('第二十一'));
    expect(only('Super Bowl XXXIII')).toEqual(only('第33届'));
    expect(only('第33届')).toContain('n:33');
    // "first" says an order, not what a question is about.
    expect(numberMentions('the first time')[0]?.identifies).toBe(false);
    expect(numberMentions('the ninth')[0]?.identifies).toBe(true);
  });

  it('reads years of any era', () => {
    expect(only('in 1066')).toContain('y:1066');
    expect(only('1066年')).toEqual(['y:1066']);
    expect(only('公元前221年')).toEqual(only('221 BC'));
    expect(only('西元前221年')).toEqual(only('221 BC'));
    expect(only('西元800年')).toEqual(['y:800']);
    expect(only('AD 800')).toEqual(['y:800']);
    expect(only('in 800')).toContain('y:800');
    expect(only('2023年')).toEqual(['y:2023']);
    // A bare four-digit number may be a year or a count.
    expect(only('1500 soldiers')).toEqual(['y:1500', 'n:1500']);
  });

  it('reads decades and centuries in either language, and a year implies both', () => {
    expect(only('the 1970s')).toEqual(only('20世纪70年代'));
    expect(only("the 1970's")).toEqual(only('二十世纪七十年代'));
    expect(only('the seventies')).toEqual(only('七十年代'));
    expect(only('the 20th century')).toEqual(only('20世纪'));
    expect(only('twentieth-century art')).toEqual(only('二十世纪'));
    expect(only('the 1800s')).toContain('c:19');
    const year = numberMentions('in 1975')[0]!;
    expect(year.implied).toEqual(expect.arrayContaining(['dc:1970', 'c:20']));
  });

  it('reads Chinese numerals before measure words, not inside words', () => {
    expect(only('最后三分钟')).toEqual(['n:3']);
    expect(only('亨利三世')).toEqual(['n:3']);
    expect(numberMentions('四分卫')).toEqual([]);
  });

  it('still reads dates, money and percentages as before', () => {
    expect(numberAnchors('November 12')).toEqual(numberAnchors('11月12日'));
    expect(numberAnchors('1.5 billion')).toEqual(numberAnchors('15億'));
    expect(numberAnchors('2023年6月')).toEqual(['m:6', 'y:2023', 'ym:2023-6']);
    expect(numberMentions('November 12')[0]?.parts).toBe(true);
  });

  it('reads dates written in figures, and a year that ends a sentence, as dates', () => {
    // Year first with any separator, month first with a slash, a bare month/day in chat.
    expect(numberAnchors('2023-11-12')).toEqual(numberAnchors('2023年11月12日'));
    expect(numberAnchors('2023/11/12')).toEqual(numberAnchors('November 12, 2023'));
    expect(numberAnchors('on 11/12/2023')).toEqual(numberAnchors('November 12, 2023'));
    expect(numberAnchors('25/12/2023')).toEqual(numberAnchors('25 December 2023'));
    expect(numberAnchors('11/12那次阿里崩掉')).toEqual(numberAnchors('11月12日'));
    // A year that ends a sentence is a year; a decimal is not.
    expect(numberAnchors('The plague ravaged Oslo in 1654.')).toContain('y:1654');
    expect(numberAnchors('as early as 1519. Then')).toContain('y:1519');
    expect(numberAnchors('it cost 1654.5 yuan')).not.toContain('y:1654');
    // A pair whose second number may be a denominator is a fraction, and a code is no date.
    expect(numberAnchors('大約1/3的人口')).toEqual(['n:1', 'n:3']);
    expect(numberAnchors('10/11-P號決議')).not.toContain('d:10-11');
  });

  it('reads a round quantity said without a figure as its order of magnitude, in either language', () => {
    expect(numberAnchors('hundreds or thousands of servers')).toEqual([...only('数百'), ...only('上千')]);
    expect(only('tens of thousands of people')).toEqual(only('数以万计'));
    expect(only('hundreds of thousands')).toEqual(only('数十万'));
    expect(only('dozens of stores')).toEqual(only('几十家'));
    expect(only('成千上万')).toContain(only('thousands')[0]);
    // 几十 is no ten, and none of them is a figure a passage must hold.
    expect(only('几十家')).not.toContain('n:10');
    expect(numberMentions('数百台伺服器')[0]?.identifies).toBe(false);
    // 数 and 上 that belong to other words: 大多数 + 百姓, 上 + 百度, 以上 + 千万.
    expect(numberMentions('大多数百姓')).toEqual([]);
    expect(numberMentions('上百度搜索')).toEqual([]);
    expect(only('以上千万')).toEqual(['n:10000000']);
  });
});
