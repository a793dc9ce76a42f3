import type { Lang } from '../corpus/types.js';

/** The words Tether shows around answers, in the question's language. */
export interface Labels {
  according: (source: string, paragraph: number) => string;
  notCovered: string;
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

const LABELS: Record<Lang, Labels> = {
  en: {
    according: (source, paragraph) => `According to ${source} (paragraph ${paragraph}):`,
    notCovered: 'The sources do not cover this question.',
    nearest: 'The nearest passages:',
    unsure: 'Not sure: these passages may answer it.',
    closest: (excerpt) => `The closest: ${excerpt}`,
    paragraph: (n) => `paragraph ${n}`,
    noPassages: 'No passage comes close.',
    readAs: (question) => `read as: ${question}`,
  },
  'zh-Hant': {
    according: (source, paragraph) => `根據${source}（第${paragraph}段）：`,
    notCovered: '資料來源沒有涵蓋這個問題。',
    nearest: '最接近的段落：',
    unsure: '不太確定：以下段落可能回答了這個問題。',
    closest: (excerpt) => `最接近的是：${excerpt}`,
    paragraph: (n) => `第${n}段`,
    noPassages: '沒有相近的段落。',
    readAs: (question) => `理解為：${question}`,
  },
  'zh-Hans': {
    according: (source, paragraph) => `根据${source}（第${paragraph}段）：`,
    notCovered: '资料来源没有涵盖这个问题。',
    nearest: '最接近的段落：',
    unsure: '不太确定：以下段落可能回答了这个问题。',
    closest: (excerpt) => `最接近的是：${excerpt}`,
    paragraph: (n) => `第${n}段`,
    noPassages: '没有相近的段落。',
    readAs: (question) => `理解为：${question}`,
  },
};

/** Labels for a language. */
export function labelsFor(lang: Lang): Labels {
  return LABELS[lang];
}
