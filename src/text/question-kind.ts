import { expandChatShorthand } from './english.js';

/** What kind of answer a question asks for, when its wording says so. */
export type AnswerKind = 'number' | 'date' | 'person' | 'reason' | 'any';

// "who" asks for a person at the start of a question or clause, or after a verb of knowing or
// telling ("do you know who", "tell me who"); after a noun it is a relative pronoun ("the exec who
// took over sales") and asks nothing.
const ASKS_WHO = /(?:^|[,;:?!.。，；：？！]\s*|\b(?:and|so|but|then|ok|okay|wait|also|know|knows|tell|me|wonder|ask|asking|guess|remember|idea|sure|exactly|about)\s+)(?:who|whom|whose)\b/iu;

const KIND_PATTERNS: Array<[AnswerKind, RegExp]> = [
  ['reason', /\bwhy\b|\bhow come\b|\bwhat (?:caused|led to|drove)\b|\bfor what reason\b|為什麼|为什么|為何|为何|為啥|为啥|幹嘛|干嘛|原因|怎麼會|怎么会|怎麼回事|怎么回事/iu],
  ['date', /\bwhen\b|\bwhat (?:year|month|day|date|time)\b|\bsince when\b|何時|何时|什麼時候|什么时候|哪天|哪一天|哪年|哪一年|幾月|几月|幾號|几号|日期|時間|时间/iu],
  ['number', /\bhow (?:much|many|fast|big|large)\b|\bwhat (?:percentage|share|proportion|rate|amount)\b|\bby what\b|\bhow high\b|多少|幾成|几成|幾個|几个|百分之|比例|增速|規模|规模|增長了|增长了/iu],
  ['person', new RegExp(`${ASKS_WHO.source}|誰|谁|哪位`, 'iu')],
];

/** The kind of answer a question's wording asks for ("when" → a date), or `any`; chat spellings read as words ("y" → why). */
export function detectAnswerKind(question: string): AnswerKind {
  const text = question.replace(/[A-Za-z]+/g, (word) => {
    const expanded = expandChatShorthand(word.toLowerCase());
    return expanded === word.toLowerCase() ? word : expanded;
  });
  return KIND_PATTERNS.find(([, pattern]) => pattern.test(text))?.[0] ?? 'any';
}
