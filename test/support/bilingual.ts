/**
 * A small bilingual fixture corpus on a neutral topic (a town's library, bridge, rainfall, museum
 * and harvest), written for the tests: each paragraph answers one kind of question, in one language.
 */

/** Traditional Chinese article, one paragraph a line. */
export const ZH_TEXT = [
  '河濱鎮的市立圖書館於11月12日重新開放，新館的藏書超過30萬冊。',
  '橫跨河流的新大橋由工程師林志遠設計，總造價約15億元。',
  '今年夏天的降雨量比去年減少了20%，水庫的水位明顯下降。',
  '學校的足球隊在週末的比賽中贏得了冠軍，球員們非常高興。',
].join('\n');

/** English article, paragraphs separated by blank lines. */
export const EN_TEXT = [
  'The Riverside Museum opened a new wing devoted to ancient pottery. Visitors can see bowls and vases made two thousand years ago.',
  'Farmers in the valley harvested 1.5 billion kilograms of rice this autumn, a record for the region. Mr. Right, the mayor, praised the farmers.',
  'The annual marathon took place on a cold morning in March. Thousands of runners crossed the finish line near the old harbour.',
].join('\n\n');

/** The fixture as corpus files (name → text). */
export const BILINGUAL_FILES: Record<string, string> = {
  'riverside-en.txt': `${EN_TEXT}\n`,
  'riverside-en.meta.json': JSON.stringify({ title: 'Riverside news', lang: 'en' }),
  'riverside-zh.txt': `${ZH_TEXT}\n`,
  'riverside-zh.meta.json': JSON.stringify({ title: '河濱鎮新聞', lang: 'zh-Hant' }),
};
