import type { Lang } from '../../src/corpus/types.js';

/**
 * Two short articles for the verifier's unit tests (abridged from the style of the shipped
 * corpus, kept here so those tests do not change when corpus/ does): an English commentary and a
 * Traditional Chinese report, one paragraph a line, with quotation marks of several kinds.
 */
const EN_TEXT = [
  'Probably no year in Alibaba Cloud\'s history has experienced as much turmoil as last year.',
  'Of course, the bigger impact on Alibaba Cloud came from announcing the split and listing and then deciding to stop.',
  'But then Ali said that "restrictions on the export of advanced computing chips have brought uncertainty to the prospects of Cloud Intelligence Group." We believe that a complete spin-off of the Group may not enhance shareholder value as originally envisaged, so we have decided not to move forward with the full spin-off of the Group, but to focus on building a model for sustainable growth of the Group in the face of an uncertain environment."',
  'However, the export restrictions on advanced computing chips were already "elephants in the room" before Alibaba Cloud decided to spin off the nodes. Therefore, the outside world seems to be more willing to believe the latter sentence, Alibaba Cloud\'s spin-off "cannot improve shareholder value as originally envisaged", accompanied by rumors about potential investors.',
].join('\n');

const ZH_TEXT = [
  '阿里雲,暫停裂土封王',
  '',
  '11月16日晚,阿里巴巴公佈2023年三季度財報,本季度實現收入2247.9億元,同比增長9%。',
  '',
  '財報公佈了“1+6+N”組織變革下業務集團分拆和融資進展:決定不再推進雲智能集團的完全分拆。',
  '',
  '阿里對此的解釋爲,美國近期擴大對先進計算芯片出口的限制,給雲智能集團的前景帶來不確定性。雲智能集團的完全分拆可能無法按照原先的設想提升股東價值,因此決定不再推進雲智能集團的完全分拆。',
].join('\n');

/** The fixture articles: source path (a name, never read from disk), title, language and text. */
export const VERIFY_ARTICLES = {
  en: { source: 'fixture/alibaba-cloud-commentary.txt', title: 'Alibaba Cloud after a year of turmoil', lang: 'en' as Lang, text: `${EN_TEXT}\n` },
  zh: { source: 'fixture/alibaba-cloud-report.txt', title: '阿里雲,暫停裂土封王', lang: 'zh-Hant' as Lang, text: `${ZH_TEXT}\n` },
};

/** Whether a quote is exactly its fixture article's text between its offsets. */
export function isVerbatimInFixture(quote: { source: string; start: number; end: number; text: string }): boolean {
  const article = Object.values(VERIFY_ARTICLES).find((candidate) => candidate.source === quote.source);
  if (!article) throw new Error(`${quote.source} is not a verifier fixture article`);
  return article.text.slice(quote.start, quote.end) === quote.text;
}
