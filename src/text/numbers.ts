/**
 * Language-neutral anchors: numbers with their magnitude, percentages, years, months and dates, so
 * "14.09億元" and "1.409 billion yuan", "November 12" and "11月12日" produce the same features.
 */

const MONTHS: Record<string, number> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5, june: 6, jun: 6,
  july: 7, jul: 7, august: 8, aug: 8, september: 9, sep: 9, sept: 9, october: 10, oct: 10, november: 11, nov: 11,
  december: 12, dec: 12,
};
const CHINESE_MAGNITUDE: Record<string, number> = { 十: 10, 百: 100, 千: 1e3, 万: 1e4, 萬: 1e4, 亿: 1e8, 億: 1e8 };
const ENGLISH_MAGNITUDE: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };

const MONTH_NAMES = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');
const NUMBER = String.raw`\d+(?:,\d{3})*(?:\.\d+)?`;

const PATTERNS: Array<{ pattern: RegExp; anchors: (m: RegExpMatchArray) => string[] }> = [
  // 2023年6月, 2023年6月12日
  {
    pattern: /(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号號])?/gu,
    anchors: (m) => dateAnchors(Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : undefined),
  },
  // 11月12日
  { pattern: /(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]/gu, anchors: (m) => dateAnchors(undefined, Number(m[1]), Number(m[2])) },
  // 3月, 10月 (but not 3個月, a duration)
  { pattern: /(?<![\d年])(\d{1,2})\s*月(?![\d份])/gu, anchors: (m) => dateAnchors(undefined, Number(m[1]), undefined) },
  // 2023年
  { pattern: /(\d{4})\s*年/gu, anchors: (m) => [`y:${m[1]}`] },
  // November 12, November 12, 2023, November 2023, 12 November 2023
  {
    pattern: new RegExp(String.raw`\b(?:(\d{1,2})\s+)?(${MONTH_NAMES})(?![a-z])\.?(?:\s+(\d{1,2})(?:st|nd|rd|th)?\b)?(?:,?\s+(\d{4})\b)?`, 'giu'),
    anchors: (m) => {
      const month = MONTHS[m[2]!.toLowerCase()];
      const day = m[1] ?? m[3];
      // "may" alone is a verb far more often than a month.
      if (month === undefined || (m[2]!.toLowerCase() === 'may' && !day && !m[4])) return [];
      return dateAnchors(m[4] ? Number(m[4]) : undefined, month, day ? Number(day) : undefined);
    },
  },
  // 15.9%, 15.9 percent, 15.9 per cent
  { pattern: new RegExp(String.raw`(${NUMBER})\s*(?:%|％|percent\b|per\s+cent\b)`, 'giu'), anchors: (m) => [`p:${canonical(m[1]!)}`] },
  // 14.09億, 2247.9億元, 15億次
  {
    pattern: new RegExp(String.raw`(${NUMBER})\s*([十百千万萬亿億]+)`, 'gu'),
    anchors: (m) => {
      const scale = [...m[2]!].reduce((product, char) => product * (CHINESE_MAGNITUDE[char] ?? 1), 1);
      return [`n:${canonical(m[1]!, scale)}`];
    },
  },
  // 140.9 billion
  {
    pattern: new RegExp(String.raw`(${NUMBER})\s*(thousand|million|billion|trillion)\b`, 'giu'),
    anchors: (m) => [`n:${canonical(m[1]!, ENGLISH_MAGNITUDE[m[2]!.toLowerCase()] ?? 1)}`],
  },
  // Chinese numerals: 一千亿, 十四, 三季度, 两次 (a lone digit only before a measure word, and not
  // 一, mostly "a": 一个, 一次; nor ordinals such as 第三次).
  {
    pattern: /(?<![第零〇一二两三四五六七八九十百千万亿])(?:[零〇一二两三四五六七八九十百千万亿]{2,}|[二两三四五六七八九十](?=[年次个位家倍季名天月周]))/gu,
    anchors: (m) => {
      const value = parseChineseNumeral(m[0]);
      return value === undefined ? [] : [`n:${canonical(String(value))}`];
    },
  },
  // Years on their own: 1990–2099.
  { pattern: /(?<![\d.])((?:19|20)\d{2})(?![\d.%])/gu, anchors: (m) => [`y:${m[1]}`] },
  // Any other number, as written (value only).
  { pattern: new RegExp(String.raw`(?<![\d.])(${NUMBER})(?![\d])`, 'gu'), anchors: (m) => [`n:${canonical(m[1]!)}`] },
];

const CHINESE_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CHINESE_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** The value of a Chinese numeral (一千亿 → 1e11, 十四 → 14), or undefined if it is not one. */
export function parseChineseNumeral(text: string): number | undefined {
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  for (const char of text) {
    if (char in CHINESE_DIGITS) {
      digit = CHINESE_DIGITS[char]!;
    } else if (char in CHINESE_UNITS) {
      section += (digit ?? 1) * CHINESE_UNITS[char]!;
      digit = undefined;
    } else if (char === '万' || char === '亿') {
      const scale = char === '万' ? 1e4 : 1e8;
      const value = section + (digit ?? 0) || 1;
      total = char === '亿' ? (total + value) * scale : total + value * scale;
      section = 0;
      digit = undefined;
    } else {
      return undefined;
    }
  }
  return total + section + (digit ?? 0);
}

// Expressions of time without a date: "10 days after", "last year", 10天后, 去年, 年初.
const RELATIVE_TIME =
  /\b(?:\d+|a|one|two|three|few|several)\s+(?:days?|weeks?|months?|years?)\s+(?:after|later|ago|before|earlier)\b|\b(?:last|next|this|that|same)\s+(?:year|month|week|quarter)\b|\b(?:yesterday|today|recently)\b|\d+\s*(?:天|日|周|个月|年)(?:后|前|之后|之前|以来)|去年|今年|明年|年初|年底|年末|上半年|下半年|月初|月底|傍晚|日前|近期|此前/iu;

/** `t:when` if a text says when something happened without a date ("10 days after", 去年). */
export function relativeTimeAnchors(text: string): string[] {
  return RELATIVE_TIME.test(text) ? ['t:when'] : [];
}

function dateAnchors(year: number | undefined, month: number, day: number | undefined): string[] {
  if (month < 1 || month > 12) return [];
  const anchors = [`m:${month}`];
  if (day !== undefined && day >= 1 && day <= 31) anchors.push(`d:${month}-${day}`);
  if (year !== undefined) anchors.push(`y:${year}`, `ym:${year}-${month}`);
  return anchors;
}

function canonical(written: string, scale = 1): string {
  const value = Number(written.replace(/,/g, '')) * scale;
  return String(Number(value.toPrecision(8)));
}

/**
 * Anchor features of a (width-folded) text. Each number is read once, by the most specific
 * pattern that covers it: "2023年6月" gives a year-month, not also a bare 2023 and 6.
 */
export function numberAnchors(text: string): string[] {
  const anchors: string[] = [];
  const taken: Array<[number, number]> = [];
  for (const { pattern, anchors: read } of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      const found = read(match);
      if (found.length === 0) continue;
      taken.push([start, end]);
      anchors.push(...found);
    }
  }
  return anchors;
}

/** The month a full English month name stands for ("November" → 11), or undefined. */
export function monthOfName(word: string): number | undefined {
  return word.length > 3 && word !== 'march' ? MONTHS[word] : undefined;
}
