import type { Lang } from './corpus/types.js';

// Every word Tether shows people, in the three languages it speaks: the answer's own words (shared
// by the CLI and the bot) and the Discord bot's buttons, headings and notices.

/** The languages Tether speaks to users in: the corpus languages. */
export type UiLang = Lang;

/** Picks the UI language from a Discord locale (`zh-CN`, `zh-TW`, `en-US`, …): Chinese or English. */
export function uiLangFromLocale(locale: string | null | undefined): UiLang {
  if (!locale) return 'en';
  if (locale === 'zh-TW' || locale === 'zh-HK') return 'zh-Hant';
  if (locale.startsWith('zh')) return 'zh-Hans';
  return 'en';
}

/** The words Tether shows around answers, in the question's language. */
export interface Labels {
  according: (source: string, paragraph: number) => string;
  notCovered: string;
  /** Said when the articles a question named (by their titles) do not cover it: the others were not searched. */
  notCoveredIn: (titles: string[]) => string;
  nearest: string;
  /** Said when the passages may answer the question but Tether is not sure. */
  unsure: string;
  /** Introduces the clauses that may answer it, when unsure. */
  closest: (excerpt: string) => string;
  paragraph: (n: number) => string;
  noPassages: string;
  /** How a follow-up was read: "read as: What other jobs does Wu Yongming have?". */
  readAs: (question: string) => string;
}

/** Every fixed string the Discord bot shows besides the answer's own words. */
export interface UiStrings extends Labels {
  langName: (lang: Lang) => string;
  nearestPassages: string;
  quotesHeading: string;
  moreQuotes: string;
  fullPassage: (n: number) => string;
  noMoreQuotes: string;
  fullPassageTitle: (n: number) => string;
  passageMissing: string;
  alreadyVoted: string;
  expired: string;
  rateLimited: (seconds: number) => string;
  tooLong: (length: number, max: number) => string;
  emptyQuestion: string;
  channelNotAllowed: string;
  dmsNotAllowed: string;
  quoteNoMatch: string;
  findSourcesEmpty: string;
  findSourcesHeading: string;
  findSourcesNone: string;
  sourcesHeading: string;
  paragraphsCount: (n: number) => string;
  answeredBy: (who: string) => string;
  help: string;
}

const langNames: Record<UiLang, Record<Lang, string>> = {
  en: { en: 'English', 'zh-Hant': 'Traditional Chinese', 'zh-Hans': 'Simplified Chinese' },
  'zh-Hant': { en: '英文', 'zh-Hant': '繁體中文', 'zh-Hans': '簡體中文' },
  'zh-Hans': { en: '英文', 'zh-Hant': '繁体中文', 'zh-Hans': '简体中文' },
};

const english: UiStrings = {
  according: (source, paragraph) => `According to ${source} (paragraph ${paragraph}):`,
  notCovered: 'The sources do not cover this question.',
  notCoveredIn: (titles) => `${titles.map((title) => `“${title}”`).join(' and ')} ${titles.length > 1 ? 'do' : 'does'} not cover this question.`,
  nearest: 'The nearest passages:',
  unsure: 'Not sure: these passages may answer it.',
  closest: (excerpt) => `The closest: ${excerpt}`,
  paragraph: (n) => `paragraph ${n}`,
  noPassages: 'No passage comes close.',
  readAs: (question) => `read as: ${question}`,
  langName: (lang) => langNames.en[lang],
  nearestPassages: 'Nearest passages, for what they are worth:',
  quotesHeading: 'From the sources:',
  moreQuotes: 'More quotes',
  fullPassage: (n) => `Full passage ${n}`,
  noMoreQuotes: 'No more quotes for this question.',
  fullPassageTitle: (n) => `Full passage of quote ${n}`,
  passageMissing: 'That passage is no longer in the sources.',
  alreadyVoted: 'You already rated this answer. Thanks!',
  expired: 'This answer has expired (the bot restarted or it is old). Please ask again.',
  rateLimited: (seconds) => `You're asking a lot at once. Please try again in about ${seconds} s.`,
  tooLong: (length, max) => `Your question is ${length} characters long; the limit is ${max}. Please shorten it.`,
  emptyQuestion: 'Ask me a question about the source articles, e.g. `@Tether what are the articles about?`',
  channelNotAllowed: "I don't answer in this channel.",
  dmsNotAllowed: "I don't answer direct messages here; please ask in a server channel.",
  quoteNoMatch: 'No passage matches that.',
  findSourcesEmpty: 'That message has no text to check.',
  findSourcesHeading: 'Passages that bear on this message:',
  findSourcesNone: 'No passage in the sources bears on this message.',
  sourcesHeading: 'Source articles',
  paragraphsCount: (n) => `${n} paragraphs`,
  answeredBy: (who) => `answered by ${who}`,
  help: [
    '**Tether** answers questions about a fixed set of articles with verbatim, cited quotes.',
    '',
    '• `/ask question:<text>`: an answer with up to 3 quotes. Add `public:True` to show it to the channel.',
    '  Buttons: **More quotes**, **Full passage** (the whole paragraph), 👍 / 👎.',
    '• `@Tether <question>` in a channel: I answer in a thread; mention me or reply there to follow up.',
    '• `/quote query:<text>`: the source passage itself (pick one from the suggestions).',
    '• Right-click a message → Apps → **Find sources**: passages that bear on what it says.',
    '• `/sources`: the articles I know.',
    '',
    'Quotes are copied from the articles word for word; each names its article, language and paragraph.',
  ].join('\n'),
};

const traditional: UiStrings = {
  according: (source, paragraph) => `根據${source}（第${paragraph}段）：`,
  notCovered: '資料來源沒有涵蓋這個問題。',
  notCoveredIn: (titles) => `${titles.map((title) => `《${title}》`).join('、')}沒有涵蓋這個問題。`,
  nearest: '最接近的段落：',
  unsure: '不太確定：以下段落可能回答了這個問題。',
  closest: (excerpt) => `最接近的是：${excerpt}`,
  paragraph: (n) => `第${n}段`,
  noPassages: '沒有相近的段落。',
  readAs: (question) => `理解為：${question}`,
  langName: (lang) => langNames['zh-Hant'][lang],
  nearestPassages: '最接近的段落,僅供參考:',
  quotesHeading: '來源摘錄:',
  moreQuotes: '更多引文',
  fullPassage: (n) => `完整段落 ${n}`,
  noMoreQuotes: '這個問題沒有更多引文了。',
  fullPassageTitle: (n) => `引文 ${n} 的完整段落`,
  passageMissing: '資料來源中已沒有這個段落。',
  alreadyVoted: '你已經評過這個回答了,謝謝!',
  expired: '這個回答已過期(機器人已重新啟動或回答太舊),請重新提問。',
  rateLimited: (seconds) => `你提問太頻繁了,請約 ${seconds} 秒後再試。`,
  tooLong: (length, max) => `你的問題有 ${length} 個字元,上限是 ${max}。請縮短後再問。`,
  emptyQuestion: '請問我有關來源文章的問題,例如 `@Tether 這些文章講什麼?`',
  channelNotAllowed: '我不在這個頻道回答。',
  dmsNotAllowed: '我不回答私訊,請在伺服器頻道中提問。',
  quoteNoMatch: '沒有相符的段落。',
  findSourcesEmpty: '這則訊息沒有可查證的文字。',
  findSourcesHeading: '與這則訊息相關的段落:',
  findSourcesNone: '資料來源中沒有與這則訊息相關的段落。',
  sourcesHeading: '來源文章',
  paragraphsCount: (n) => `${n} 段`,
  answeredBy: (who) => `回答者:${who}`,
  help: [
    '**Tether** 根據一組固定的文章回答問題,並逐字引用、註明出處。',
    '',
    '• `/ask question:<問題>`:回答並附最多 3 段引文。加上 `public:True` 可讓頻道裡所有人看到。',
    '  按鈕:**更多引文**、**完整段落**(整段原文)、👍 / 👎。',
    '• 在頻道中 `@Tether <問題>`:我會在討論串中回答;在討論串裡提及我或回覆即可追問。',
    '• `/quote query:<文字>`:取得來源段落原文(可從建議中挑選)。',
    '• 在訊息上按右鍵 → 應用程式 → **Find sources**:找出與訊息內容相關的段落。',
    '• `/sources`:列出我知道的文章。',
    '',
    '引文逐字取自原文,並標明文章、語言與段落。',
  ].join('\n'),
};

const simplified: UiStrings = {
  according: (source, paragraph) => `根据${source}（第${paragraph}段）：`,
  notCovered: '资料来源没有涵盖这个问题。',
  notCoveredIn: (titles) => `${titles.map((title) => `《${title}》`).join('、')}没有涵盖这个问题。`,
  nearest: '最接近的段落：',
  unsure: '不太确定：以下段落可能回答了这个问题。',
  closest: (excerpt) => `最接近的是：${excerpt}`,
  paragraph: (n) => `第${n}段`,
  noPassages: '没有相近的段落。',
  readAs: (question) => `理解为：${question}`,
  langName: (lang) => langNames['zh-Hans'][lang],
  nearestPassages: '最接近的段落,仅供参考:',
  quotesHeading: '来源摘录:',
  moreQuotes: '更多引文',
  fullPassage: (n) => `完整段落 ${n}`,
  noMoreQuotes: '这个问题没有更多引文了。',
  fullPassageTitle: (n) => `引文 ${n} 的完整段落`,
  passageMissing: '资料来源中已没有这个段落。',
  alreadyVoted: '你已经评过这个回答了,谢谢!',
  expired: '这个回答已过期(机器人已重新启动或回答太旧),请重新提问。',
  rateLimited: (seconds) => `你提问太频繁了,请约 ${seconds} 秒后再试。`,
  tooLong: (length, max) => `你的问题有 ${length} 个字符,上限是 ${max}。请缩短后再问。`,
  emptyQuestion: '请问我有关来源文章的问题,例如 `@Tether 这些文章讲什么?`',
  channelNotAllowed: '我不在这个频道回答。',
  dmsNotAllowed: '我不回答私信,请在服务器频道中提问。',
  quoteNoMatch: '没有相符的段落。',
  findSourcesEmpty: '这条消息没有可查证的文字。',
  findSourcesHeading: '与这条消息相关的段落:',
  findSourcesNone: '资料来源中没有与这条消息相关的段落。',
  sourcesHeading: '来源文章',
  paragraphsCount: (n) => `${n} 段`,
  answeredBy: (who) => `回答者:${who}`,
  help: [
    '**Tether** 根据一组固定的文章回答问题,并逐字引用、注明出处。',
    '',
    '• `/ask question:<问题>`:回答并附最多 3 段引文。加上 `public:True` 可让频道里所有人看到。',
    '  按钮:**更多引文**、**完整段落**(整段原文)、👍 / 👎。',
    '• 在频道中 `@Tether <问题>`:我会在子区中回答;在子区里提及我或回复即可追问。',
    '• `/quote query:<文字>`:获取来源段落原文(可从建议中挑选)。',
    '• 在消息上右键 → 应用 → **Find sources**:找出与消息内容相关的段落。',
    '• `/sources`:列出我知道的文章。',
    '',
    '引文逐字取自原文,并标明文章、语言与段落。',
  ].join('\n'),
};

const strings: Record<UiLang, UiStrings> = { en: english, 'zh-Hant': traditional, 'zh-Hans': simplified };

/** The UI strings for a language. */
export function t(lang: UiLang): UiStrings {
  return strings[lang];
}

/** The answer's words for a language (what the CLI needs of `t`). */
export function labelsFor(lang: Lang): Labels {
  return strings[lang];
}

/** Small talk Tether answers without retrieval. */
export type SmallTalk = 'greeting' | 'thanks' | 'farewell' | 'capabilities';

/** The words of replies about the articles themselves and of small talk. */
export interface CorpusPhrases {
  langName: Record<Lang, string>;
  /** How an article is named in a sentence, from its title. */
  article: (title: string) => string;
  metadata: string;
  remark: (remark: string) => string;
  author: (ref: string, name: string, cite: string) => string;
  noAuthor: (ref: string) => string;
  editor: (ref: string, name: string, cite: string) => string;
  noEditor: (ref: string) => string;
  publication: (ref: string, name: string, cite: string) => string;
  noPublication: (ref: string) => string;
  date: (ref: string, date: string, cite: string) => string;
  noDate: (ref: string) => string;
  title: (lang: string, title: string, cite: string) => string;
  editorialTitle: (lang: string, title: string) => string;
  language: (ref: string, lang: string) => string;
  count: (n: number) => string;
  overview: (n: number) => string;
  /** Heads the overview of the articles a question named ("tl;dr of the English article"). */
  namedOverview: (n: number) => string;
  sections: string;
  smallTalk: Record<SmallTalk, string>;
  knows: (n: number) => string;
  tryAsking: string;
  exampleWho: (title: string) => string;
  exampleAbout: (topic: string) => string;
}

const CORPUS_EN: CorpusPhrases = {
  langName: { en: 'English', 'zh-Hant': 'Traditional Chinese', 'zh-Hans': 'Simplified Chinese' },
  article: (title) => `“${title}”`,
  metadata: 'corpus metadata, not a line of the article',
  remark: (remark) => ` (corpus metadata: ${remark})`,
  author: (ref, name, cite) => `${ref} was written by ${name}${cite}.`,
  noAuthor: (ref) => `No author is known for ${ref}: the text has no byline and the corpus metadata names none.`,
  editor: (ref, name, cite) => `${ref} was edited by ${name}${cite}.`,
  noEditor: (ref) => `No editor is known for ${ref}: neither the text nor the corpus metadata names one.`,
  publication: (ref, name, cite) => `${ref} is from ${name}${cite}.`,
  noPublication: (ref) => `The publication of ${ref} is not known: neither the text nor the corpus metadata names one.`,
  date: (ref, date, cite) => `${ref} is dated ${date}${cite}.`,
  noDate: (ref) => `The date of ${ref} is not known: neither the text nor the corpus metadata gives one.`,
  title: (lang, title, cite) => `The title of the ${lang} article is “${title}”${cite}.`,
  editorialTitle: (lang, title) => `The ${lang} article has no title of its own; the corpus calls it “${title}” (an editorial title, from the corpus metadata).`,
  language: (ref, lang) => `${ref} is in ${lang} (corpus metadata).`,
  count: (n) => `There ${n === 1 ? 'is 1 article' : `are ${n} articles`}:`,
  overview: (n) => `Tether answers from ${n === 1 ? '1 article' : `${n} articles`}:`,
  namedOverview: (n) => `${n === 1 ? 'That article' : 'Those articles'}:`,
  sections: 'sections',
  smallTalk: {
    greeting: 'Hello! I answer questions about the articles I know, quoting them word for word.',
    thanks: 'You’re welcome! Ask me anything else about the articles.',
    farewell: 'Goodbye! Ask again any time.',
    capabilities: 'I answer questions about a fixed set of articles, with verbatim quotes and citations, in English or Chinese.',
  },
  knows: (n) => `I know ${n === 1 ? '1 article' : `${n} articles`}:`,
  tryAsking: 'Try asking:',
  exampleWho: (title) => `Who wrote “${title}”?`,
  exampleAbout: (topic) => `What do the articles say about ${topic}?`,
};

const CORPUS_ZH_HANT: CorpusPhrases = {
  langName: { en: '英文', 'zh-Hant': '繁體中文', 'zh-Hans': '簡體中文' },
  article: (title) => `《${title}》`,
  metadata: '資料庫的元資料，不是文章中的一行',
  remark: (remark) => `（元資料：${remark}）`,
  author: (ref, name, cite) => `${ref}的作者是${name}${cite}。`,
  noAuthor: (ref) => `${ref}的作者不詳：文中沒有署名，元資料也沒有記載。`,
  editor: (ref, name, cite) => `${ref}的編輯是${name}${cite}。`,
  noEditor: (ref) => `${ref}的編輯不詳：文中和元資料都沒有記載。`,
  publication: (ref, name, cite) => `${ref}出自${name}${cite}。`,
  noPublication: (ref) => `${ref}的出處不詳：文中和元資料都沒有記載。`,
  date: (ref, date, cite) => `${ref}的日期是 ${date}${cite}。`,
  noDate: (ref) => `${ref}的日期不詳：文中和元資料都沒有記載。`,
  title: (lang, title, cite) => `${lang}文章的標題是「${title}」${cite}。`,
  editorialTitle: (lang, title) => `${lang}文章本身沒有標題；資料庫稱之為「${title}」（編者所加，來自元資料）。`,
  language: (ref, lang) => `${ref}是${lang}文章（元資料）。`,
  count: (n) => `共有${n}篇文章：`,
  overview: (n) => `Tether 根據以下${n}篇文章回答問題：`,
  namedOverview: (n) => `${n === 1 ? '這篇文章' : '這些文章'}：`,
  sections: '小節',
  smallTalk: {
    greeting: '你好！我回答關於資料庫中文章的問題，並逐字引用原文。',
    thanks: '不客氣！還有其他關於文章的問題，隨時問我。',
    farewell: '再見！有問題隨時再問。',
    capabilities: '我根據一組固定的文章回答問題，逐字引用原文並註明出處，中英文皆可。',
  },
  knows: (n) => `我知道這${n}篇文章：`,
  tryAsking: '可以這樣問：',
  exampleWho: (title) => `《${title}》是誰寫的？`,
  exampleAbout: (topic) => `文章對「${topic}」怎麼說？`,
};

const CORPUS_ZH_HANS: CorpusPhrases = {
  ...CORPUS_ZH_HANT,
  langName: { en: '英文', 'zh-Hant': '繁体中文', 'zh-Hans': '简体中文' },
  metadata: '资料库的元数据，不是文章中的一行',
  remark: (remark) => `（元数据：${remark}）`,
  author: (ref, name, cite) => `${ref}的作者是${name}${cite}。`,
  noAuthor: (ref) => `${ref}的作者不详：文中没有署名，元数据也没有记载。`,
  editor: (ref, name, cite) => `${ref}的编辑是${name}${cite}。`,
  noEditor: (ref) => `${ref}的编辑不详：文中和元数据都没有记载。`,
  publication: (ref, name, cite) => `${ref}出自${name}${cite}。`,
  noPublication: (ref) => `${ref}的出处不详：文中和元数据都没有记载。`,
  noDate: (ref) => `${ref}的日期不详：文中和元数据都没有记载。`,
  title: (lang, title, cite) => `${lang}文章的标题是“${title}”${cite}。`,
  editorialTitle: (lang, title) => `${lang}文章本身没有标题；资料库称之为“${title}”（编者所加，来自元数据）。`,
  language: (ref, lang) => `${ref}是${lang}文章（元数据）。`,
  count: (n) => `共有${n}篇文章：`,
  overview: (n) => `Tether 根据以下${n}篇文章回答问题：`,
  namedOverview: (n) => `${n === 1 ? '这篇文章' : '这些文章'}：`,
  sections: '小节',
  smallTalk: {
    greeting: '你好！我回答关于资料库中文章的问题，并逐字引用原文。',
    thanks: '不客气！还有其他关于文章的问题，随时问我。',
    farewell: '再见！有问题随时再问。',
    capabilities: '我根据一组固定的文章回答问题，逐字引用原文并注明出处，中英文皆可。',
  },
  knows: (n) => `我知道这${n}篇文章：`,
  tryAsking: '可以这样问：',
  exampleWho: (title) => `《${title}》是谁写的？`,
  exampleAbout: (topic) => `文章对“${topic}”怎么说？`,
};

const CORPUS_PHRASES: Record<Lang, CorpusPhrases> = { en: CORPUS_EN, 'zh-Hant': CORPUS_ZH_HANT, 'zh-Hans': CORPUS_ZH_HANS };

/** The words of replies about the articles, in a language. */
export function corpusPhrases(lang: Lang): CorpusPhrases {
  return CORPUS_PHRASES[lang];
}
