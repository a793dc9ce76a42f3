/**
 * Language-neutral anchors: numbers with their magnitude, percentages, ordinals, years of any era,
 * decades, centuries, months and dates, so "14.09億元" and "1.409 billion yuan", "November 12"
 * and "11月12日", "ninth" and 第九, "the 1970s" and 20世纪70年代 produce the same features.
 *
 * Anchors: `n:` a number, `p:` a percentage, `o:` an ordinal, `y:` a year (negative before the
 * common era), `m:` a month, `d:` a day of a month, `ym:` a year and month, `dc:` a decade of a
 * known century (1970), `dx:` a decade whatever the century (70), `c:` a century (20).
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
const CHINESE_NUMERAL_CHARS = '零〇一二两三四五六七八九十百千万亿';
const SMALL = String.raw`(\d{1,2}|[${CHINESE_NUMERAL_CHARS}]{1,3})`;

/** One number, date or time a text mentions, where it does, and what it is to match. */
export interface NumberMention {
  /** Alternative anchors of the one mention (a bare 1850 may be a year or a count). */
  anchors: string[];
  /** Features a passage also carries for it: a year's decade and century. */
  implied: string[];
  /** Whether it identifies what a question is about (a count, a year), rather than only saying an order ("first"). */
  identifies: boolean;
  /** The anchors are parts (a date's month and day), each to be matched, not alternatives. */
  parts: boolean;
  start: number;
  end: number;
}

interface Reading {
  anchors: string[];
  implied?: string[];
  identifies?: boolean;
  parts?: boolean;
}

// Orders of magnitude of the words and characters that say a round quantity.
const VAGUE_ENGLISH: Record<string, number> = { tens: 1, dozens: 1, hundreds: 2, thousands: 3, millions: 6, billions: 9 };
const CHINESE_ORDER: Record<string, number> = { 十: 1, 百: 2, 千: 3, 万: 4, 亿: 8 };
const VAGUE_IDIOMS: Record<string, number[]> = { 成百上千: [2, 3], 成千上万: [3, 4] };
// "hundreds of thousands", "dozens"; 数十万, 几百, 上千 (not 多数百姓's 数, 以上千's 上); 数以万计; 成千上万.
const VAGUE_QUANTITY = new RegExp(
  String.raw`\b(?:(tens|hundreds)\s+of\s+)?(dozens|hundreds|thousands|millions|billions)\b|(?:(?<![多少无半倍])数(?:以)?|(?<![十百千万])几|(?<![以之])上)([十百千]?[万亿]|[十百千])(?!度)(?:计)?|(${Object.keys(VAGUE_IDIOMS).join('|')})`,
  'giu',
);

const PATTERNS: Array<{ pattern: RegExp; read: (m: RegExpMatchArray) => Reading | undefined }> = [
  // 2023年6月, 2023年6月12日
  {
    pattern: /(\d{3,4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号號])?/gu,
    read: (m) => dates(Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : undefined),
  },
  // 11月12日
  { pattern: /(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]/gu, read: (m) => dates(undefined, Number(m[1]), Number(m[2])) },
  // 2023-11-12, 2023/11/12, 2012.03.29: year, month, day
  {
    pattern: /(?<![\d./-])((?:1\d|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?![\d./-])/gu,
    read: (m) => dates(Number(m[1]), Number(m[3]), Number(m[4])),
  },
  // 11/12/2023 (month first, as in the US; day first when the first number cannot be a month), and
  // a bare 11/12 or 3/15 in chat. A bare pair whose second number could be a denominator (1/3,
  // 3/4, 6/8: fractions far more often than dates) is left to be read as numbers.
  {
    pattern: /(?<![\d./A-Za-z])(\d{1,2})\/(\d{1,2})(?:\/((?:1\d|20)\d{2}))?(?![\d./A-Za-z-])/gu,
    read: (m) => {
      const [first, second] = [Number(m[1]), Number(m[2])];
      if (!m[3] && second <= 10) return undefined;
      const [month, day] = first <= 12 ? [first, second] : [second, first];
      return day <= 31 ? dates(m[3] ? Number(m[3]) : undefined, month, day) : undefined;
    },
  },
  // 3月, 10月 (but not 3個月, a duration)
  { pattern: /(?<![\d年])(\d{1,2})\s*月(?![\d份])/gu, read: (m) => dates(undefined, Number(m[1]), undefined) },
  // 20世纪70年代, 二十世纪七十年代; 公元前5世纪 (西元, Taiwan's word for the era, too); 20世纪
  {
    pattern: new RegExp(String.raw`([公西]元前)?${SMALL}\s*世[纪紀](?:\s*${SMALL}\s*年代)?`, 'gu'),
    read: (m) => {
      const century = smallNumber(m[2]!);
      const decade = m[3] ? smallNumber(m[3]) : undefined;
      if (century === undefined || century < 1 || century > 21) return undefined;
      if (m[1]) return { anchors: [`c:-${century}`] };
      if (decade === undefined || decade % 10 !== 0 || decade > 90) return { anchors: [`c:${century}`] };
      return { anchors: [`dc:${(century - 1) * 100 + decade}`, `dx:${decade}`], implied: [`c:${century}`] };
    },
  },
  // 70年代, 七十年代 (century not said)
  {
    pattern: new RegExp(String.raw`(?<![\d${CHINESE_NUMERAL_CHARS}])${SMALL}\s*年代`, 'gu'),
    read: (m) => {
      const decade = smallNumber(m[1]!);
      return decade !== undefined && decade % 10 === 0 && decade <= 90 ? { anchors: [`dx:${decade}`] } : undefined;
    },
  },
  // the 20th century, 5th century BC (ordinal words are spelled out as digits first)
  {
    pattern: /\b(\d{1,2})(?:st|nd|rd|th)[\s-]+centur(?:y|ies)\b(?:\s+(BCE?|B\.C\.))?/giu,
    read: (m) => ({ anchors: [`c:${m[2] ? '-' : ''}${Number(m[1])}`] }),
  },
  // the 1970s, 1970's, the 1800s (also a century), '70s, the seventies (spelled out as 70s)
  {
    pattern: /(?<![\d.])(?:(\d{2})?(\d)0['’]?s|['’](\d)0s)\b/gu,
    read: (m) => {
      const tens = Number(m[2] ?? m[3]);
      const hundreds = m[1];
      if (!hundreds) return { anchors: [`dx:${tens * 10}`] };
      const year = Number(hundreds) * 100 + tens * 10;
      if (year < 100) return undefined;
      const anchors = [`dc:${year}`];
      if (tens === 0) anchors.push(`c:${Number(hundreds) + 1}`);
      return { anchors: tens === 0 ? anchors : [...anchors, `dx:${tens * 10}`], implied: [`c:${Math.floor(year / 100) + 1}`] };
    },
  },
  // 公元前221年, 西元前221年, 221 BC, 44 BCE
  { pattern: /[公西]元前\s*(\d{1,4})\s*年|(?<![\d.,])(\d{1,4})\s*(?:BCE?|B\.C\.)(?![A-Za-z])/gu, read: (m) => ({ anchors: [`y:-${Number(m[1] ?? m[2])}`] }) },
  // 公元800年, 西元800年, AD 800, 800 AD, 800 CE
  {
    pattern: /[公西]元\s*(\d{1,4})\s*年|\b(?:AD|A\.D\.)\s*(\d{1,4})(?![\d.,])|(?<![\d.,])(\d{1,4})\s*(?:AD|A\.D\.|CE)(?![A-Za-z])/gu,
    read: (m) => year(Number(m[1] ?? m[2] ?? m[3]), true),
  },
  // 1066年, 2023年; 300年 may be a year or a count of years
  {
    pattern: /(?<![\d.])(\d{3,4})\s*年(?!代)/gu,
    read: (m) => (m[1]!.length === 4 ? year(Number(m[1]), true) : year(Number(m[1]), false)),
  },
  // November 12, November 12, 2023, November 2023, 12 November 2023
  {
    pattern: new RegExp(String.raw`\b(?:(\d{1,2})\s+)?(${MONTH_NAMES})(?![a-z])\.?(?:\s+(\d{1,2})(?:st|nd|rd|th)?\b)?(?:,?\s+(\d{4})\b)?`, 'giu'),
    read: (m) => {
      const month = MONTHS[m[2]!.toLowerCase()];
      const day = m[1] ?? m[3];
      // "may" alone is a verb far more often than a month.
      if (month === undefined || (m[2]!.toLowerCase() === 'may' && !day && !m[4])) return undefined;
      return dates(m[4] ? Number(m[4]) : undefined, month, day ? Number(day) : undefined);
    },
  },
  // Round quantities said without a figure ("hundreds or thousands of servers", 数百台, 上千人,
  // 几十家): their order of magnitude, so "hundreds" meets 数百 and a "how many" question sees a
  // count. 几十 is not ten. They name no one thing, so they do not identify what a question is about.
  {
    pattern: VAGUE_QUANTITY,
    read: (m) => {
      let orders: number[] | undefined;
      if (m[2]) orders = [(m[1] ? VAGUE_ENGLISH[m[1].toLowerCase()]! : 0) + VAGUE_ENGLISH[m[2].toLowerCase()]!];
      else if (m[3]) orders = [[...m[3]].reduce((sum, char) => sum + CHINESE_ORDER[char]!, 0)];
      else if (m[4]) orders = VAGUE_IDIOMS[m[4]];
      return orders ? { anchors: orders.map((order) => `n:~${order}`), identifies: false } : undefined;
    },
  },
  // 15.9%, 15.9 percent, 15.9 per cent
  { pattern: new RegExp(String.raw`(${NUMBER})\s*(?:%|％|percent\b|per\s+cent\b)`, 'giu'), read: (m) => ({ anchors: [`p:${canonical(m[1]!)}`] }) },
  // 14.09億, 2247.9億元, 15億次
  {
    pattern: new RegExp(String.raw`(${NUMBER})\s*([十百千万萬亿億]+)`, 'gu'),
    read: (m) => {
      const scale = [...m[2]!].reduce((product, char) => product * (CHINESE_MAGNITUDE[char] ?? 1), 1);
      return { anchors: [`n:${canonical(m[1]!, scale)}`] };
    },
  },
  // 140.9 billion, four million (spelled out as 4 million)
  {
    pattern: new RegExp(String.raw`(${NUMBER})\s*(thousand|million|billion|trillion)\b`, 'giu'),
    read: (m) => ({ anchors: [`n:${canonical(m[1]!, ENGLISH_MAGNITUDE[m[2]!.toLowerCase()] ?? 1)}`] }),
  },
  // Chat and headline shorthand: 100b, 100bn, 2.5m, 5k (m may also be metres: the bare number stays an anchor too)
  {
    pattern: new RegExp(String.raw`(${NUMBER})(?:\s(?=[bm]n))?(bn|b|mn|m|k)(?![A-Za-z])`, 'giu'),
    read: (m) => {
      const unit = m[2]!.toLowerCase();
      const scale = unit.startsWith('b') ? 1e9 : unit.startsWith('m') ? 1e6 : 1e3;
      return { anchors: unit === 'm' ? [`n:${canonical(m[1]!, scale)}`, `n:${canonical(m[1]!)}`] : [`n:${canonical(m[1]!, scale)}`] };
    },
  },
  // Ordinals: 第九, 第33届, 9th, ninth (spelled out as 9th)
  {
    pattern: new RegExp(String.raw`第\s*(\d+|[${CHINESE_NUMERAL_CHARS}]+)|(?<![\d.])(\d+)(?:st|nd|rd|th)\b`, 'gu'),
    read: (m) => {
      const value = m[2] ? Number(m[2]) : /^\d+$/.test(m[1]!) ? Number(m[1]) : parseChineseNumeral(m[1]!);
      // An ordinal also names by its number: Super Bowl 50 is 第50届.
      return value === undefined || value < 1 ? undefined : { anchors: [`o:${value}`, `n:${value}`], identifies: value >= 3 };
    },
  },
  // A Roman numeral after a name: Super Bowl XXXIII, World War II (an ordinal and a number).
  {
    pattern: /(?<=\b[A-Z][a-z]+\s)([IVXL]{2,7})\b/gu,
    read: (m) => {
      const value = parseRoman(m[1]!);
      return value === undefined || value < 2 || value > 100 ? undefined : { anchors: [`o:${value}`, `n:${value}`] };
    },
  },
  // Chinese numerals: 一千亿, 十四, 三季度, 两次 (a lone digit only before a measure word, and not
  // 一, mostly "a": 一个, 一次).
  {
    pattern: /(?<![第零〇一二两三四五六七八九十百千万亿])(?:[零〇一二两三四五六七八九十百千万亿]{2,}|[二两三四五六七八九十](?=[年次个位家倍季名天月周秒岁人场届轮局码号条项件种部座所世节代]|分钟))/gu,
    read: (m) => {
      const value = parseChineseNumeral(m[0]);
      return value === undefined ? undefined : { anchors: [`n:${canonical(String(value))}`] };
    },
  },
  // Years on their own: 1000–2099, which may also be counts ("1500 soldiers"); a full stop after one
  // ends the sentence ("…in 1654."), a digit after it makes a decimal.
  { pattern: /(?<![\d.,])(1\d{3}|20\d{2})(?![\d%]|[.,]\d)/gu, read: (m) => year(Number(m[1]), false) },
  // After "in", "since" …: a year of any era ("in 800").
  { pattern: /\b(?:in|since|by|until|till|from|before|after|around|circa|c\.|year)\s+(\d{3})(?![\d%]|[.,]\d)/giu, read: (m) => year(Number(m[1]), false) },
  // Any other number, as written (value only).
  { pattern: new RegExp(String.raw`(?<![\d.])(${NUMBER})(?![\d])`, 'gu'), read: (m) => ({ anchors: [`n:${canonical(m[1]!)}`] }) },
];

/** A year's anchors: with `sure`, only a year; otherwise a year or a count. Its decade and century are implied. */
function year(value: number, sure: boolean): Reading {
  const implied = value >= 100 ? [`dc:${value - (value % 10)}`, `dx:${value % 100 - (value % 10)}`, `c:${Math.floor(value / 100) + 1}`] : [];
  return { anchors: sure ? [`y:${value}`] : [`y:${value}`, `n:${value}`], implied };
}

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

function smallNumber(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : parseChineseNumeral(text);
}

const ROMAN: Record<string, number> = { I: 1, V: 5, X: 10, L: 50 };

/** The value of a well-formed Roman numeral up to C (XXXIII → 33), or undefined. */
function parseRoman(text: string): number | undefined {
  if (!/^(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$/.test(text)) return undefined;
  let total = 0;
  for (let i = 0; i < text.length; i += 1) {
    const value = ROMAN[text[i]!]!;
    const next = ROMAN[text[i + 1] ?? ''] ?? 0;
    total += value < next ? -value : value;
  }
  return total;
}

// Number words, spelled out as digits in place before the patterns run.
const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINAL_UNITS = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth'];
const ORDINAL_TENS = ['', '', 'twentieth', 'thirtieth', 'fortieth', 'fiftieth', 'sixtieth', 'seventieth', 'eightieth', 'ninetieth'];
const DECADE_WORDS = ['', '', 'twenties', 'thirties', 'forties', 'fifties', 'sixties', 'seventies', 'eighties', 'nineties'];
const CARDINAL = new Map<string, number>([...UNITS.map((w, i): [string, number] => [w, i]), ...TENS.flatMap((w, i): Array<[string, number]> => (w ? [[w, i * 10]] : []))]);
const ORDINAL = new Map<string, number>([...ORDINAL_UNITS.map((w, i): [string, number] => [w, i]), ...ORDINAL_TENS.flatMap((w, i): Array<[string, number]> => (w ? [[w, i * 10]] : [])), ['hundredth', 100]]);
const CARDINAL_WORD = `(?:${[...CARDINAL.keys(), 'hundred'].join('|')})`;
const FINAL_WORD = `(?:${[...ORDINAL.keys(), ...DECADE_WORDS.filter(Boolean)].join('|')})`;
const SEPARATOR = String.raw`[\s-]+(?:and[\s-]+)?`;
// Cardinals (twenty-one, four hundred and six), possibly ending in an ordinal or a decade (twenty-first), or one of those alone.
const NUMBER_WORD = new RegExp(String.raw`\b(?:${CARDINAL_WORD}(?:${SEPARATOR}${CARDINAL_WORD})*(?:${SEPARATOR}${FINAL_WORD})?|${FINAL_WORD})\b`, 'giu');

// The text with number words written as digits in the same place, padded to the same length so
// offsets hold ("twenty-one" → "21", "ninth" → "9th", "the seventies" → "the 70s"; a lone "one"
// stays a word, mostly a pronoun), and where each was.
function spellOut(text: string): { text: string; spans: Array<[number, number]> } {
  const spans: Array<[number, number]> = [];
  const spelled = text.replace(NUMBER_WORD, (match, offset: number) => {
    const words = match.toLowerCase().split(/[\s-]+/).filter((word) => word !== 'and');
    const last = words.at(-1)!;
    let suffix = '';
    let total = 0;
    for (const [i, word] of words.entries()) {
      if (word === 'hundred') {
        total = (total || 1) * 100;
      } else if (i === words.length - 1 && ORDINAL.has(word)) {
        total = word === 'hundredth' ? (total || 1) * 100 : total + ORDINAL.get(word)!;
        const n = total % 100;
        suffix = n >= 11 && n <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
      } else if (i === words.length - 1 && DECADE_WORDS.includes(word)) {
        total += DECADE_WORDS.indexOf(word) * 10;
        suffix = 's';
      } else {
        total += CARDINAL.get(word) ?? 0;
      }
    }
    if (words.length === 1 && last === 'one') return match;
    const digits = `${total}${suffix}`;
    if (digits.length > match.length) return match;
    spans.push([offset, offset + match.length]);
    return digits.padEnd(match.length, ' ');
  });
  return { text: spelled, spans };
}

// Expressions of time without a date: "10 days after", "last year", 10天后, 去年, 年初.
const RELATIVE_TIME =
  /\b(?:\d+|a|one|two|three|few|several)\s+(?:days?|weeks?|months?|years?)\s+(?:after|later|ago|before|earlier)\b|\b(?:last|next|this|that|same)\s+(?:year|month|week|quarter)\b|\b(?:yesterday|today|recently)\b|\d+\s*(?:天|日|周|个月|年)(?:后|前|之后|之前|以来)|去年|今年|明年|年初|年底|年末|上半年|下半年|月初|月底|傍晚|日前|近期|此前/iu;

/** `t:when` if a text says when something happened without a date ("10 days after", 去年). */
export function relativeTimeAnchors(text: string): string[] {
  return RELATIVE_TIME.test(text) ? ['t:when'] : [];
}

function dates(year: number | undefined, month: number, day: number | undefined): Reading | undefined {
  if (month < 1 || month > 12) return undefined;
  const anchors = [`m:${month}`];
  if (day !== undefined && day >= 1 && day <= 31) anchors.push(`d:${month}-${day}`);
  if (year !== undefined) anchors.push(`y:${year}`, `ym:${year}-${month}`);
  return { anchors, parts: true };
}

function canonical(written: string, scale = 1): string {
  const value = Number(written.replace(/,/g, '')) * scale;
  return String(Number(value.toPrecision(8)));
}

/**
 * The numbers, dates and times of a (width-folded) text. Each is read once, by the most specific
 * pattern that covers it: "2023年6月" gives a year-month, not also a bare 2023 and 6.
 */
export function numberMentions(text: string): NumberMention[] {
  const { text: spelled, spans } = spellOut(text);
  const mentions: NumberMention[] = [];
  for (const { pattern, read } of PATTERNS) {
    for (const match of spelled.matchAll(pattern)) {
      const start = match.index;
      // A number word read as digits is covered whole ("twenty-one" read as "21").
      const end = Math.max(start + match[0].trimEnd().length, ...spans.filter(([s, e]) => s < start + match[0].length && e > start).map(([, e]) => e));
      if (mentions.some((m) => start < m.end && end > m.start)) continue;
      const reading = read(match);
      if (!reading || reading.anchors.length === 0) continue;
      mentions.push({ anchors: reading.anchors, implied: reading.implied ?? [], identifies: reading.identifies ?? true, parts: reading.parts ?? false, start, end });
    }
  }
  return mentions.sort((a, b) => a.start - b.start);
}

/** The month a full English month name stands for ("November" → 11), or undefined. */
export function monthOfName(word: string): number | undefined {
  return word.length > 3 && word !== 'march' ? MONTHS[word] : undefined;
}
