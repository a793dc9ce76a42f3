// What a question says about the source itself rather than its topic: "does the writer think …",
// "according to the article", "作者觉得…", "文章说…". The article never names its own author or
// calls itself "the article", so these words can only go unmet, and a word no text holds weighs the
// most in a question: every quote looked like half an answer. The noun alone stays a word ("who is
// the author of Dune", "《X》的作者是谁"): only the noun as the one who thinks or says something goes.

const ENGLISH_SOURCE = '(?:author|writer|article|piece|columnist|op-ed)';
const ENGLISH_VERB =
  '(?:think|thinks|thought|say|says|said|believe|believes|argue|argues|argued|claim|claims|claimed|feel|feels|felt|suggest|suggests|suggested|mean|means|meant|buy|buys|see|sees|saw|view|views|expect|expects|expected|call|calls|called|describe|describes|described|mention|mentions|mentioned|compare|compares|compared|use|uses|used|bring up|brings up|point out|points out|pointed out|make of|makes of|reckon|reckons|consider|considers|explain|explains|explained|imply|implies|implied|predict|predicts|predicted|write|writes|wrote|conclude|concludes|concluded|hint|hints|hinted|worry|worries|worried)';
const ENGLISH_REFERENCE = new RegExp(
  [
    `\\baccording to (?:the |this )?${ENGLISH_SOURCE}\\b`,
    `\\b(?:in|from) (?:the|this) (?:article|piece)\\b(?!['’])`,
    `\\b(?:the|this) (?:author|writer|columnist)['’]s (?:view|take|opinion|point|argument|reading|verdict)\\b`,
    `\\b(?:the|this) ${ENGLISH_SOURCE}(?= (?:(?:actually|really|even|also|still|seem to|seems to|want to|wants to|try to|tries to|is trying to) )?${ENGLISH_VERB}\\b)`,
  ].join('|'),
  'giu',
);

// 作者 / 笔者 / 文章 / 本文 / 报道 as the one who thinks or says (both scripts), keeping a question
// word that comes between ("作者为啥觉得", "作者怎么看"): it says what is asked. Only where a
// reference to the source can start (not 英文中, 论文中, 他的文章): at the start, after punctuation or
// after 从 / 在 / 据 / 这 ….
const CHINESE_REFERENCE =
  /(?<=^|[\s\p{P}从從在据據按照依那这這该該此])(這篇文章|这篇文章|作者|筆者|笔者|文章|本文|文中|報導|报道)(?:裡|里|中)?(?:到底|其實|其实|究竟|又)?(為啥|为啥|為什麼|为什么|怎麼|怎么|怎樣|怎样|如何|是怎麼|是怎么)?(認為|认为|覺得|觉得|看待|看|說|说|提到|提及|提起|指出|表示|所述|描述|記載|记载|想說明|想说明|想表達|想表达|強調|强调|講|讲|談到|谈到|預測|预测|估計|估计|判斷|判断)?/gu;
const ALWAYS_THE_SOURCE = new Set(['文中', '本文']);

/** The question without what it says about the source itself ("the author thinks", "作者觉得"), for finding quotes; unchanged when it says nothing of it. */
export function withoutSourceReferences(question: string): string {
  let changed = false;
  const stripped = question
    .replace(ENGLISH_REFERENCE, () => {
      changed = true;
      return ' ';
    })
    .replace(CHINESE_REFERENCE, (match: string, source: string, asks: string | undefined, verb: string | undefined) => {
      // The noun alone ("作者是谁", "文章中的…"): a word of the question.
      if (asks === undefined && verb === undefined && !ALWAYS_THE_SOURCE.has(source)) return match;
      changed = true;
      return `${asks ?? ''}${verb ?? ''}`;
    });
  if (!changed) return question;
  const tidy = stripped.replace(/\s{2,}/g, ' ').trim();
  // A question that was nothing but a reference to the source keeps its words.
  return /[\p{L}\p{N}]/u.test(tidy) ? tidy : question;
}
