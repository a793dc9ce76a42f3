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
  // Years on their own: 1990–2099.
  { pattern: /(?<![\d.])((?:19|20)\d{2})(?![\d.%])/gu, anchors: (m) => [`y:${m[1]}`] },
  // Any other number, as written (value only).
  { pattern: new RegExp(String.raw`(?<![\d.])(${NUMBER})(?![\d])`, 'gu'), anchors: (m) => [`n:${canonical(m[1]!)}`] },
];

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
