import { splitParagraphs, splitSentences } from '../../src/corpus/sentences.js';
import type { Article } from '../../src/corpus/types.js';
import { buildChineseTable, type DictionaryEntry } from '../../src/semantic/build.js';
import type { SemanticSources } from '../../src/semantic/sources.js';
import { wordVectorTable } from '../../src/semantic/word-vectors.js';

/**
 * Small made-up word vectors, commonest word first, in five dimensions: vehicles, fruit, money,
 * weather, and a direction every common word shares (what SIF's principal component removes).
 */
const VECTORS: Array<[string, number[]]> = [
  ['said', [0.1, 0.1, 0.1, 0.1, 2]],
  ['new', [0.2, 0.1, 0.2, 0, 1.8]],
  ['year', [0, 0.1, 0.4, 0.2, 1.5]],
  ['company', [0.2, 0, 1.6, 0, 1]],
  ['car', [2, 0, 0.2, 0, 0.6]],
  ['money', [0, 0, 2, 0, 0.5]],
  ['rain', [0, 0.2, 0, 2, 0.4]],
  ['profit', [0, 0, 1.9, 0.1, 0.3]],
  ['vehicle', [1.9, 0, 0.1, 0.1, 0.3]],
  ['fruit', [0, 2, 0, 0.2, 0.3]],
  ['banana', [0, 1.9, 0, 0, 0.2]],
  ['automobile', [2.1, 0, 0, 0, 0.2]],
  ['storm', [0.1, 0, 0, 2.1, 0.2]],
  ['revenue', [0, 0.1, 2, 0, 0.2]],
  ['spin-off', [0.3, 0, 1.5, 0, 0.1]],
  ['spin', [0.5, 0.2, 0.2, 0.4, 0.3]],
];

/** CC-CEDICT-shaped entries: [traditional, simplified, pinyin, glosses]. */
export const DICTIONARY: DictionaryEntry[] = [
  ['汽車', '汽车', 'qi4 che1', 'car; automobile; CL:輛|辆[liang4]'],
  ['香蕉', '香蕉', 'xiang1 jiao1', 'banana'],
  ['利潤', '利润', 'li4 run4', 'profits; profit'],
  ['龍', '龙', 'long2', 'dragon'],
  ['公司', '公司', 'gong1 si1', '(business) company; firm'],
  ['下雨', '下雨', 'xia4 yu3', ['to rain', 'rainy']],
  ['雨', '雨', 'yu3', 'rain'],
  ['降雨', '降雨', 'jiang4 yu3', 'rain; rainfall'],
  ['的', '的', 'de5', "of; ~'s (possessive particle)"],
  ['車', '车', 'che1', ['car', 'vehicle', 'surname Che']],
  ['成功', '成功', 'Cheng2 gong1', 'Chenggong town in Taitung County'],
  ['成功', '成功', 'cheng2 gong1', 'to succeed; success'],
  ['水果', '水果', 'shui3 guo3', 'fruit'],
];

/** The made-up vectors and the Chinese table derived from them. */
export function smallSources(): SemanticSources {
  const vectors = wordVectorTable('test-vectors@1', [...VECTORS, ['success', [0.3, 0.3, 0.8, 0.3, 0.6]]], 1000);
  return { vectors, chinese: buildChineseTable(DICTIONARY, vectors) };
}

/** An article as the corpus loader makes it: paragraphs and sentences of a text. */
export function articleOf(id: string, text: string): Pick<Article, 'id' | 'text' | 'sentences' | 'paragraphs'> {
  const paragraphs = splitParagraphs(text);
  return { id, text, paragraphs, sentences: splitSentences(text, paragraphs) };
}

/** The text of each sentence of an article. */
export function sentenceTexts(article: Pick<Article, 'text' | 'sentences'>): string[] {
  return article.sentences.map((s) => article.text.slice(s.start, s.end));
}
