import { expandChatShorthand } from './english.js';
import { chineseWordSegmenter, withStandardWhat } from './script.js';

/** What kind of answer a question asks for, when its wording says so. */
export type AnswerKind = 'number' | 'date' | 'person' | 'place' | 'reason' | 'any';

// "who" asks for a person at the start of a question or clause, or after a verb of knowing or
// telling ("do you know who", "tell me who"); after a noun it is a relative pronoun ("the exec who
// took over sales") and asks nothing.
const ASKS_WHO = /(?:^|[,;:?!.。，；：？！]\s*|\b(?:and|so|but|then|ok|okay|wait|also|know|knows|tell|me|wonder|ask|asking|guess|remember|idea|sure|exactly|about)\s+)(?:who|whom|whose)\b/iu;

/**
 * Measure words between 几/多少/哪 and the noun they count ("几条线", "哪所大学"), Simplified and
 * Traditional; a unit such as 年, 岁 or 倍 is the noun itself ("几年").
 */
export const MEASURE_WORDS = '次个個所家位部座条條支种種类類些间間本首项項只隻名张張场場届屆件篇辆輛艘架门門股层層片份块塊颗顆棵头頭匹把根段句道';
// 几 before a measure word or a unit (几个, 几次, 几年) asks how many, 哪几个 which ones
// ("新成立了哪幾個事業部": a list of names, not a figure), 几乎 nothing ("almost"), nor 几 after
// LOOSE_JI (好几次 "several times", 这几年 "these few years"); how long, 多久 and
// 多长时间 ask for a span of time, which is a figure ("14 years", "两个月"); 时间 after 一段 or 大部分
// asks for none ("大部分时间都住在哪里").
// A figure named by the thing measured: "what was Warsaw's population", "what valuation were
// investors putting on it", "what is the total cost of". Only after "what" and the copula, a
// determiner or a possessor ("what drove growth" asks for a cause); "area" and "age" also name
// fields and eras ("what area of research", "the Bronze Age"), "value" worth ("the value of trade"),
// and "the number one" ranks.
const QUANTITY = String.raw`(?:population|revenues?|sales|income|profits?|earnings|turnover|prices?|costs?|budget|valuation|worth|salary|wages?|fees?|gdp|growth|rate|percentage|share|proportion|ratio|amount|number(?!\s+(?:one|two)\b)|total|sum|size|length|height|width|depth|distance|speed|weight|mass|temperature|capacity|density|volume|duration|attendance|score|margin|altitude|elevation|diameter|radius)\b`;
const DETERMINED = String.raw`(?:(?:the|its|their|his|her|our|your)\s+|[\w.&-]+(?:\s+[\w.&-]+){0,2}'s?\s+)+(?:[\w-]+\s+)?`;
// After these 几 counts loosely ("several", "these few") and asks nothing.
const LOOSE_JI = '好十这這那';
const WHAT_IS = String.raw`\bwhat(?:'s|\s+(?:is|was|are|were|will be|would be|has been|had been))?\s+`;
const ASKS_QUANTITY = String.raw`\bwhat\s+${QUANTITY}|${WHAT_IS}${DETERMINED}${QUANTITY}`;

const KIND_PATTERNS: Array<[AnswerKind, RegExp]> = [
  ['reason', /\bwhy\b|\bhow come\b|\bwhat (?:caused|led to|drove)\b|\bfor what reason\b|\bwhat(?:'s|\s+(?:is|was|are|were))?\s+(?:(?:the|their|its|one|a)\s+)?(?:[\w-]+\s+)?reasons?\b|理由|為什麼|为什么|為何|为何|為啥|为啥|幹嘛|干嘛|原因|怎麼會|怎么会|怎麼回事|怎么回事/iu],
  ['date', /\bwhen\b|\bwhat (?:year|month|day|date|time)\b|\bsince when\b|何時|何时|何年|何月|何日|[西公]元前?(?:幾|几|哪)|什麼時候|什么时候|哪天|哪一天|哪年|哪一年|幾月|几月|幾號|几号|日期|(?<!多少|多長|多长|[長长段分])(?:時間|时间)/iu],
  [
    'number',
    new RegExp(
      [
        ASKS_QUANTITY,
        /\bhow (?:much|many|fast|big|large|long|soon)\b|\bby what\b|\bhow high\b|多少|多久|多長|多长|幾成|几成|百分之|比例|增速|規模|规模|增長了|增长了/.source,
        `(?<![哪${LOOSE_JI}])[幾几](?:[${MEASURE_WORDS}年天人岁歲倍]|十|百|千|万|萬)`,
      ].join('|'),
      'iu',
    ),
  ],
  ['person', new RegExp(`${ASKS_WHO.source}|誰|谁|哪位`, 'iu')],
  // A place: "where", "in which city", 在哪里, 哪个国家. Its answer names one, as a person's does.
  ['place', /\bwhere\b|\b(?:what|which)\s+(?:city|cities|town|country|countries|nation|state|province|region|continent|island|place|location|county|district|village|river|mountain)\b|哪里|哪裡|哪兒|哪儿|在哪|何处|何處|何地|什么地方|什麼地方|哪(?:一)?(?:个|個|座|所)?(?:国家|國家|城市|城镇|城鎮|地方|地区|地區|省|州|县|縣|国|國|洲|岛|島|城|镇|鎮|村)/iu],
];

/** The kind of answer a question's wording asks for ("when" → a date), or `any`; chat spellings read as words ("y" → why). */
export function detectAnswerKind(question: string): AnswerKind {
  const text = withStandardWhat(question).replace(/[A-Za-z]+/g, (word) => {
    const expanded = expandChatShorthand(word.toLowerCase());
    return expanded === word.toLowerCase() ? word : expanded;
  });
  return KIND_PATTERNS.find(([, pattern]) => pattern.test(text))?.[0] ?? 'any';
}

// Words after 什么 or 哪 that name no thing: a verb, a particle, "kind of", "where".
const NOT_A_FOCUS = /^(?:是|的|样|樣|么|麼|时候|時候|叫|为|為|意思|呢|吗|嗎|了|在|有|会|會|能|要|里|裡|儿|兒|边|邊|些)$/u;
// 为什么 asks why, 凭什么 on what grounds: what follows is the question's topic, not its answer.
const ZH_FOCUS = new RegExp(`(?:(?<![为為凭憑])(?:什么|什麼)|哪一?|(?<![${LOOSE_JI}])[几幾]|多少)[${MEASURE_WORDS}]?([\\p{Script=Han}]{1,4})`, 'u');
// The thing a figure measures ("what was Warsaw's population" → population), unless it only says "a figure" (total, amount, number).
const EN_MEASURED = new RegExp(String.raw`\bwhat\s+(${QUANTITY})|${WHAT_IS}${DETERMINED}(?!(?:total|sum|amount|number)\b)(${QUANTITY})`, 'iu');
const EN_FOCUS = /\b(?:(?:which|what)\s+(?:kind|type|sort|form|name|size)s?\s+of|which|what|whose)\s+([a-z][a-z-]+)/iu;
// "How many" counts a noun phrase that ends before the verb or a preposition.
const EN_COUNTED = /\bhow\s+(?:many|much)\s+([a-z][a-z'-]*(?:\s+[a-z][a-z'-]*){0,2})/iu;
const EN_PHRASE_END = /^(?:did|do|does|is|was|are|were|has|have|had|can|could|would|will|should|of|in|on|at|for|from|to|by|with|per|there|the|a|an|he|she|it|they|we|you|i)$/iu;
const EN_NOT_A_FOCUS = new Set(['is', 'was', 'are', 'were', 'be', 'been', 'did', 'does', 'do', 'has', 'had', 'have', 'can', 'could', 'would', 'will', 'should', 'may', 'might', 'must', 'a', 'an', 'the', 'of', 'about', 'if', 'to', 'in', 'on', 'for', 'by', 'it', 'its', 'they', 'he', 'she', 'we', 'you', 'i', 'his', 'us', 'this', 'that', 'these', 'those', 'happened', 'happens', 'else', 'exactly', 'kind', 'type', 'sort', 'more', 'less', 'longer', 'later', 'time', 'other', 'and', 'or', 'so']);

/**
 * The word naming what the answer is, when the question says it: "大学" in "毕业于哪个大学",
 * "线" in "有几条线", "nations" in "how many nations", "climate" in "what type of climate".
 */
export function answerFocus(asked: string): string | undefined {
  const question = withStandardWhat(asked);
  const zh = ZH_FOCUS.exec(question);
  if (zh) {
    const start = zh.index + zh[0].length - zh[1]!.length;
    // A measure word may open the noun itself (什么名字, 哪种类型, 什么部门): the segmentation says.
    const measured = MEASURE_WORDS.includes(question[start - 1]!) ? start - 1 : start;
    // The noun is the word the question's segmentation starts there ("哪个大学的" → 大学), or the
    // rest of a word that starts before it ("哪年" → 年).
    for (const { segment, index } of chineseWordSegmenter().segment(question)) {
      const opensWithMeasure = index === measured && index < start && segment.length > 1;
      if (!opensWithMeasure && index + segment.length <= start) continue;
      const word = opensWithMeasure ? segment : segment.slice(start - index);
      return /^\p{Script=Han}+$/u.test(word) && !NOT_A_FOCUS.test(word) ? word : undefined;
    }
    return undefined;
  }
  const counted = EN_COUNTED.exec(question)?.[1];
  const word = (counted === undefined ? measuredThing(question) : countedNoun(counted))?.toLowerCase();
  return word && !EN_NOT_A_FOCUS.has(word) ? word : undefined;
}

/** The thing "what" asks a figure of, else the noun after "what" or "which". */
function measuredThing(question: string): string | undefined {
  const measured = EN_MEASURED.exec(question);
  return measured ? (measured[1] ?? measured[2]) : EN_FOCUS.exec(question)?.[1];
}

/** The noun "how many" counts: of the words before the verb, the last plural ("career sacks", "defense players"), else the first ("people live"). */
function countedNoun(words: string): string {
  const phrase: string[] = [];
  for (const word of words.split(/\s+/)) {
    if (EN_PHRASE_END.test(word)) break;
    phrase.push(word);
  }
  const plural = phrase.slice(1).findLast((word) => /[^s]s$/iu.test(word) && !EN_NOT_A_FOCUS.has(word.toLowerCase()));
  return plural ?? phrase[0] ?? '';
}
