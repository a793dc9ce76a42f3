import fs from 'node:fs/promises';
import path from 'node:path';

/** One SQuAD-format question: id, question, answer texts. */
type Qa = [id: string, question: string, answer: string];

/** An article of a fixture file: its title and contexts with their questions. */
export interface FixtureArticle {
  title: string;
  paragraphs: Array<{ context: string; qas: Qa[] }>;
}

/** A SQuAD-format file's text. */
export function squad(articles: FixtureArticle[]): string {
  return JSON.stringify({
    version: 'fixture',
    data: articles.map(({ title, paragraphs }) => ({
      title,
      paragraphs: paragraphs.map(({ context, qas }) => ({
        context,
        qas: qas.map(([id, question, answer]) => ({ id, question, answers: [{ text: answer, answer_start: context.indexOf(answer) }, { text: answer, answer_start: context.indexOf(answer) }] })),
      })),
    })),
  });
}

/**
 * Four parallel English / Simplified Chinese articles (XQuAD-like: positions 0 and 1 kept by the
 * refusal variants with one paragraph removed, 2 and 3 left out), two Traditional ones (DRCD-like)
 * and three one-paragraph Simplified ones (CMRC-like, one with a blank title).
 */
export const XQUAD_EN: FixtureArticle[] = [
  {
    title: 'Tea_Culture',
    paragraphs: [
      { context: 'Tea was first drunk in China as a medicine. Green tea is made from leaves that are not oxidised.', qas: [['t0', 'Where was tea first drunk?', 'China']] },
      { context: 'Black tea became popular in Britain in the eighteenth century. Merchants shipped it from Canton.', qas: [['t1', 'From which port did merchants ship black tea?', 'Canton']] },
      { context: 'The tea ceremony of Japan is called chanoyu. It was shaped by the monk Sen no Rikyu.', qas: [['t2', 'What is the Japanese tea ceremony called?', 'chanoyu'], ['t3', 'Which monk shaped the tea ceremony?', 'Sen no Rikyu']] },
    ],
  },
  {
    title: 'Harbour_Bridge',
    paragraphs: [
      { context: 'The harbour bridge opened in 1932 after eight years of building. It carries trains, cars and walkers.', qas: [['h0', 'When did the harbour bridge open?', '1932']] },
      { context: 'Its steel arch was made by a company from Middlesbrough. Painting the bridge takes ten years.', qas: [['h1', 'Where was the company that made the steel arch from?', 'Middlesbrough']] },
      { context: 'About 160,000 vehicles cross the bridge every day. A toll is charged only on the way south.', qas: [['h2', 'How many vehicles cross the bridge every day?', '160,000']] },
    ],
  },
  {
    title: 'Glaciers',
    paragraphs: [
      { context: 'A glacier forms where snow builds up faster than it melts. The snow turns into dense ice.', qas: [['g0', 'What does snow turn into in a glacier?', 'dense ice']] },
      { context: 'Glaciers hold about 69 percent of the fresh water on Earth.', qas: [['g1', 'How much of the fresh water on Earth do glaciers hold?', '69 percent']] },
    ],
  },
  {
    title: 'Violins',
    paragraphs: [
      { context: 'The violin has four strings tuned in fifths. Its body is usually made of spruce and maple.', qas: [['v0', 'How many strings does a violin have?', 'four']] },
      { context: 'Antonio Stradivari built violins in Cremona in the seventeenth century.', qas: [['v1', 'In which town did Stradivari build violins?', 'Cremona']] },
    ],
  },
];

export const XQUAD_ZH: FixtureArticle[] = [
  {
    title: 'Tea_Culture',
    paragraphs: [
      { context: '茶最早在中国作为药物饮用。绿茶由未经氧化的叶子制成。', qas: [['t0', '茶最早在哪里饮用？', '中国']] },
      { context: '红茶在十八世纪的英国流行起来。商人从广州运出红茶。', qas: [['t1', '商人从哪个港口运出红茶？', '广州']] },
      { context: '日本的茶道称为茶之汤。它由僧人千利休塑造。', qas: [['t2', '日本茶道叫什么？', '茶之汤'], ['t3', '哪位僧人塑造了茶道？', '千利休']] },
    ],
  },
  {
    title: 'Harbour_Bridge',
    paragraphs: [
      { context: '海港大桥经过八年建设，于1932年通车。它承载火车、汽车和行人。', qas: [['h0', '海港大桥何时通车？', '1932年']] },
      { context: '它的钢拱由一家来自米德尔斯堡的公司制造。粉刷大桥需要十年。', qas: [['h1', '制造钢拱的公司来自哪里？', '米德尔斯堡']] },
      { context: '每天约有16万辆车通过大桥。只有南行方向收取通行费。', qas: [['h2', '每天有多少辆车通过大桥？', '16万辆']] },
    ],
  },
  {
    title: 'Glaciers',
    paragraphs: [
      { context: '积雪的速度快于融化时，就会形成冰川。积雪会变成致密的冰。', qas: [['g0', '冰川中的积雪会变成什么？', '致密的冰']] },
      { context: '冰川储存了地球上约百分之六十九的淡水。', qas: [['g1', '冰川储存了地球上多少淡水？', '百分之六十九']] },
    ],
  },
  {
    title: 'Violins',
    paragraphs: [
      { context: '小提琴有四根弦，按五度音程调音。琴身通常由云杉和枫木制成。', qas: [['v0', '小提琴有几根弦？', '四根']] },
      { context: '安东尼奥·斯特拉迪瓦里于十七世纪在克雷莫纳制作小提琴。', qas: [['v1', '斯特拉迪瓦里在哪个城镇制作小提琴？', '克雷莫纳']] },
    ],
  },
];

export const DRCD: FixtureArticle[] = [
  {
    title: '臺北捷運',
    paragraphs: [
      { context: '臺北捷運於1996年通車，是臺灣第一個捷運系統。', qas: [['d0', '臺北捷運何時通車？', '1996年']] },
      { context: '文湖線採用中運量系統，列車無人駕駛。', qas: [['d1', '文湖線的列車由誰駕駛？', '無人駕駛']] },
    ],
  },
  {
    title: '玉山',
    paragraphs: [{ context: '玉山主峰海拔3952公尺，是臺灣最高峰。', qas: [['d2', '玉山主峰海拔多高？', '3952公尺']] }],
  },
];

export const CMRC: FixtureArticle[] = [
  { title: '长江', paragraphs: [{ context: '长江全长约6300公里，是中国最长的河流。', qas: [['c0', '长江全长多少？', '约6300公里']] }] },
  { title: '', paragraphs: [{ context: '黄河发源于青海省，流经九个省区。', qas: [['c1', '黄河发源于哪里？', '青海省']] }] },
  { title: '珠江', paragraphs: [{ context: '珠江是中国南方最大的河流，流入南海。', qas: [['c2', '珠江流入哪里？', '南海']] }] },
];

/** Writes the four dataset files under the names the eval expects into `dir`. */
export async function writeSquadFixture(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'xquad-dev.en.json'), squad(XQUAD_EN));
  await fs.writeFile(path.join(dir, 'xquad-dev.zh.json'), squad(XQUAD_ZH));
  await fs.writeFile(path.join(dir, 'drcd-dev.json'), squad(DRCD));
  await fs.writeFile(path.join(dir, 'cmrc2018-dev.json'), squad(CMRC));
}
