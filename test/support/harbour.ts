/**
 * A small corpus for questions about the articles themselves: a Traditional Chinese report with a
 * title line, a byline, an editor line and section headings; an English commentary whose title is
 * editorial and whose publication names itself in a sentence; and an article without a sidecar,
 * whose byline is its only record of an author. Written for the tests.
 */

/** Traditional Chinese report: title line, byline, editor, headings. */
export const HARBOUR_ZH = [
  '港口重建計劃啟動',
  '',
  '撰文 | 陳美玲',
  '',
  '編輯 | 李 明',
  '',
  '市政府宣佈港口重建計劃，預計耗資20億元，工期三年。',
  '',
  '工程進度',
  '',
  '第一期工程將於明年三月完工，新碼頭可停靠大型貨輪。',
  '',
  '居民意見',
  '',
  '部分居民擔心施工噪音，市政府承諾夜間停工。',
].join('\n');

/** English commentary: no title line, the publication named in a sentence, a person who runs two things. */
export const HARBOUR_EN = [
  'Chen Meiling, the harbour director, announced the rebuilding plan in May. She also runs the city port authority and a sailing school.',
  'In the view of Coastal Review, the plan is too expensive for a town of this size.',
  'The first phase will finish next March because the contractor doubled its crews.',
].join('\n');

/** No sidecar: the first line is the title, the byline the author. */
export const STORM_EN = ['Storm season ahead', 'Author: Tom Baker', 'Forecasters expect three storms this autumn, more than last year.'].join('\n');

/** The corpus files (name → text). */
export const HARBOUR_FILES: Record<string, string> = {
  'harbour-zh.txt': `${HARBOUR_ZH}\n`,
  'harbour-zh.meta.json': JSON.stringify({ title: '港口重建計劃啟動', lang: 'zh-Hant', publication: '海港日報', author: '陳美玲 (editor: 李明)', date: 'March 2024' }),
  'harbour-en.txt': `${HARBOUR_EN}\n`,
  'harbour-en.meta.json': JSON.stringify({
    title: 'The harbour plan: costs, delays and the director',
    titleEditorial: true,
    lang: 'en',
    publication: 'Coastal Review',
    author: null,
    date: 'spring 2024',
  }),
  'storm.txt': `${STORM_EN}\n`,
};
