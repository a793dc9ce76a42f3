import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFieldsOf, createCorpusQuestionAnswerer, recogniseSmallTalk, type CorpusQuestionAnswerer, type CorpusReply } from '../../src/answer/corpus-questions.js';
import type { Quote } from '../../src/answer/types.js';
import { loadCorpus } from '../../src/corpus/load.js';
import type { Article, Lang } from '../../src/corpus/types.js';
import { makeTmpProject, type TmpProject } from '../support/corpus.js';
import { HARBOUR_FILES } from '../support/harbour.js';

// Questions about the articles themselves, answered from sidecars and texts: no index needed.
let project: TmpProject;
let articles: Article[];
let stage: CorpusQuestionAnswerer;

beforeAll(async () => {
  project = await makeTmpProject('corpus-questions', HARBOUR_FILES);
  articles = (await loadCorpus(project.corpusDir, project.root)).articles;
  stage = createCorpusQuestionAnswerer(articles);
});

afterAll(async () => {
  await project?.remove();
});

const ask = (question: string, lang: Lang = 'en', context?: string): CorpusReply | undefined => stage.answer(question, { lang, context });

/** Every quote is its article's text between its offsets. */
function expectVerbatim(quotes: Quote[]): void {
  for (const quote of quotes) {
    const article = articles.find((a) => a.source === quote.source);
    expect(article?.text.slice(quote.start, quote.end)).toBe(quote.text);
    expect(article?.paragraphs[quote.paragraph - 1]?.start).toBeLessThanOrEqual(quote.start);
  }
}

describe('questions about the corpus', () => {
  it.each<[string, Lang]>([
    ['Who wrote the Chinese article?', 'en'],
    ['這篇中文文章的作者是誰？', 'zh-Hant'],
    ['中文那篇是谁写的？', 'zh-Hans'],
    ['Who is the author of the piece from 海港日報?', 'en'],
  ])('%s: names the author and quotes the byline verbatim', (question, lang) => {
    const reply = ask(question, lang);
    expect(reply?.kind).toBe('corpus');
    expect(reply?.answer).toContain('陳美玲');
    expect(reply?.quotes.map((q) => q.text)).toEqual(['撰文 | 陳美玲']);
    expect(reply?.answer).toMatch(/\[1\]/);
    expectVerbatim(reply!.quotes);
  });

  it('quotes the editor line even when the sidecar spells the name without its space', () => {
    const reply = ask('Who edited the Chinese article?');
    expect(reply?.answer).toContain('李明');
    expect(reply?.quotes.map((q) => q.text)).toEqual(['編輯 | 李 明']);
    expectVerbatim(reply!.quotes);
  });

  it('states a sidecar fact the text does not have as metadata, never as a quote', () => {
    const reply = ask('When was the English commentary published?');
    expect(reply?.answer).toContain('spring 2024');
    expect(reply?.answer).toMatch(/corpus metadata/);
    expect(reply?.quotes).toEqual([]);
    const zh = ask('英文文章是什麼時候發表的？', 'zh-Hant');
    expect(zh?.answer).toContain('spring 2024');
    expect(zh?.answer).toContain('元資料');
    expect(zh?.quotes).toEqual([]);
  });

  it('reads "published in" a year or month as asking for the date, and "published in" a place as asking for the publication', () => {
    expect(ask('Which article was published in 1937?')?.answer).toContain('spring 2024');
    expect(ask('哪篇文章是2024年发表的？')?.answer).toContain('spring 2024');
    expect(ask('哪篇文章是2024年发表的？')?.reference).toBe('explicit');
    expect(ask('Was the Chinese article published in a newspaper?')?.answer).toContain('海港日報');
  });

  it('lets retrieval answer first when a date question states a year no article is dated', () => {
    // "What article was published in 1937?" of an encyclopedia text asks what the text says.
    expect(ask('What article was published in 1937?')?.reference).toBe('implicit');
    expect(ask('1937年发表了什么文章？', 'zh-Hans')?.reference).toBe('implicit');
    expect(ask('What article was published in 2024?')?.reference).toBe('explicit');
  });

  it('quotes a title line, and marks an editorial title as such', () => {
    const zh = ask('What is the headline of the Chinese article?');
    expect(zh?.quotes.map((q) => q.text)).toEqual(['港口重建計劃啟動']);
    const en = ask('What is the title of the Coastal Review commentary?');
    expect(en?.answer).toContain('The harbour plan: costs, delays and the director');
    expect(en?.answer).toMatch(/editorial title/);
    expect(en?.quotes).toEqual([]);
  });

  it('finds the article by its publication or a word of its title, and quotes where the publication names itself', () => {
    const reply = ask('Which publication is behind the piece about costs and delays?');
    expect(reply?.answer).toContain('Coastal Review');
    expect(reply?.quotes.map((q) => q.text)).toEqual(['In the view of Coastal Review, the plan is too expensive for a town of this size.']);
    expectVerbatim(reply!.quotes);
  });

  it('says so when no author is known, and reads the byline of an article without a sidecar', () => {
    const unknown = ask('Who wrote the English commentary?');
    expect(unknown?.answer).toMatch(/No author is known/);
    // The sources do not cover it: `ask` says so as `found: false`, with this reply.
    expect(ask('Who wrote the English commentary about the harbour?')?.known).toBe(false);
    const all = ask('Who are the authors of the articles?');
    expect(all?.known).toBe(true);
    expect(all?.answer).toContain('Tom Baker');
    expect(all?.quotes.map((q) => q.text)).toContain('Author: Tom Baker');
    expectVerbatim(all!.quotes);
  });

  it('counts the articles and lists what each covers, with the headings quoted', () => {
    const count = ask('How many articles are there?');
    expect(count?.answer).toMatch(/3 articles/);
    expect(ask('一共有幾篇文章？', 'zh-Hant')?.answer).toMatch(/3篇/);
    const overview = ask('What does each article cover?');
    for (const article of articles) expect(overview?.answer).toContain(article.meta.title);
    expect(overview?.quotes.map((q) => q.text)).toEqual(expect.arrayContaining(['港口重建計劃啟動', '工程進度', '居民意見']));
    expectVerbatim(overview!.quotes);
    // Of one article the question names, the overview is of that one, not of what Tether answers from.
    const named = ask('tl;dr of the Chinese article?');
    expect(named?.answer).toMatch(/^That article:/);
    expect(named?.answer).not.toMatch(/answers from/);
    expect(overview?.answer).toMatch(/^Tether answers from 3 articles:/);
    // At most as many quotes as asked for, and no citation of one left out.
    const limited = stage.answer('What does each article cover?', { lang: 'en', maxQuotes: 2 });
    expect(limited?.quotes).toHaveLength(2);
    expect(limited?.answer).not.toMatch(/\[3\]/);
  });

  it('takes a clause of a title with nothing else named as maybe about its article', () => {
    const reply = ask('What language is the harbour plan in?');
    expect(reply).toMatchObject({ kind: 'corpus', reference: 'implicit' });
    expect(reply?.answer).toContain('The harbour plan: costs, delays and the director');
    expect(reply?.answer).not.toContain('港口重建計劃啟動');
  });

  it('follows up on a question about an article ("And who edited it?", "那英文那篇呢？")', () => {
    const edited = ask('And who edited it?', 'en', 'Who wrote the Chinese article?');
    expect(edited?.answer).toContain('李明');
    const other = ask('那英文那篇呢？', 'zh-Hant', '中文文章是哪家媒體的？');
    expect(other?.answer).toContain('Coastal Review');
    expect(other?.answer).not.toContain('海港日報');
  });

  it.each([
    'What will the harbour plan cost?',
    'Who announced the rebuilding plan?',
    '港口重建計劃預計耗資多少？',
    'Which media outlet is too expensive?',
    'Who is the author of the rebuilding plan?',
    'What does the article say about the new docks?',
    'Why will the first phase finish next March?',
  ])('leaves a question about the content to retrieval: %s', (question) => {
    expect(ask(question, /\p{Script=Han}/u.test(question) ? 'zh-Hant' : 'en')).toBeUndefined();
  });

  it('gives what an article covers when a question only names it, and leaves a question about its content to retrieval', () => {
    for (const question of ['the Chinese article?', '中文那篇', '海港日報', 'What does the Chinese article say?']) {
      const reply = ask(question, /\p{Script=Han}/u.test(question) ? 'zh-Hant' : 'en');
      expect(reply?.known, question).toBe(true);
      expect(reply?.answer, question).toContain('港口重建計劃啟動');
      expect(reply?.answer, question).not.toContain('harbour plan');
    }
    expect(ask('中文那篇怎麼說施工噪音?', 'zh-Hant')).toBeUndefined();
    expect(ask('What does the Chinese article say about the noise?')).toBeUndefined();
  });

  it('recognises the fields in all three languages', () => {
    expect(corpusFieldsOf('Who edited the Chinese article?')).toEqual(['editor']);
    expect(corpusFieldsOf('這篇文章的標題是什麼？')).toEqual(['title']);
    expect(corpusFieldsOf('这篇文章是什么时候发表的？')).toEqual(['date']);
    expect(corpusFieldsOf('文章是用什麼語言寫的？')).toEqual(['language']);
    expect(corpusFieldsOf('Summarize the articles')).toEqual(['overview']);
    expect(corpusFieldsOf('tl;dr of the english article?')).toEqual(['overview']);
    expect(corpusFieldsOf("what's the gist of the Chinese piece")).toEqual(['overview']);
    expect(corpusFieldsOf('這兩篇文章在講什麼？')).toEqual(['overview']);
    expect(corpusFieldsOf('这篇文章主要是在说什么')).toEqual(['overview']);
  });
});

describe('articles titled by their subject, as encyclopedia articles are', () => {
  let wiki: TmpProject;
  let wikiStage: CorpusQuestionAnswerer;

  beforeAll(async () => {
    wiki = await makeTmpProject('corpus-questions-wiki', {
      'railway.txt': '广茂铁路是中国广东省的一条铁路，全长364.6公里，由三茂铁路股份有限公司管理运营。\n',
      'railway.meta.json': JSON.stringify({ title: '广茂铁路', lang: 'zh-Hans', publication: '维基百科' }),
      'super-bowl.txt': 'Super Bowl 50 was an American football game. Marlee Matlin performed the national anthem in American Sign Language.\n',
      'super-bowl.meta.json': JSON.stringify({ title: 'Super Bowl 50', lang: 'en' }),
    });
    wikiStage = createCorpusQuestionAnswerer((await loadCorpus(wiki.corpusDir, wiki.root)).articles);
  });

  afterAll(async () => {
    await wiki?.remove();
  });

  it.each([
    ['广茂铁路由哪家公司管理运营？', 'zh-Hans'],
    ['What actor did sign language for the national anthem at Super Bowl 50?', 'en'],
    ['沼鹿又叫什么？', 'zh-Hans'],
    ['加拿大中文电台主要以什么语言进行广播？', 'zh-Hans'],
    ['《唐文粹》共收文、赋及诗各多少篇？', 'zh-Hans'],
    ["When were some of Luther's best-known works published?", 'en'],
  ] as Array<[string, Lang]>)('leaves a question about a subject, named by a title or not, to retrieval: %s', (question, lang) => {
    expect(wikiStage.answer(question, { lang })).toBeUndefined();
  });

  it('takes an article\'s title with nothing else named only as maybe about the article', () => {
    expect(wikiStage.answer('广茂铁路的出处是什么？', { lang: 'zh-Hans' })).toMatchObject({ kind: 'corpus', reference: 'implicit' });
    expect(wikiStage.answer('广茂铁路是哪家媒体的？', { lang: 'zh-Hans' })).toMatchObject({ kind: 'corpus', reference: 'implicit' });
  });

  it('leaves to retrieval what an article named by its title cannot be asked: its title, what it says, a fact it lacks', () => {
    // "What else is the railway called?", "what is the railway about?"; who wrote the game (the text may say), not the article.
    expect(wikiStage.answer('广茂铁路又叫什么？', { lang: 'zh-Hans' })).toBeUndefined();
    expect(wikiStage.answer('广茂铁路的主要内容是什么？', { lang: 'zh-Hans' })).toBeUndefined();
    expect(wikiStage.answer('Who wrote Super Bowl 50?', { lang: 'en' })).toBeUndefined();
    expect(wikiStage.answer('Who wrote the Super Bowl 50 article?', { lang: 'en' })).toMatchObject({ kind: 'corpus', reference: 'explicit' });
  });

  it.each(['Who wrote it?', 'When was it published?', "who's the writer", '标题是什么？', '又叫什么名字？', 'summarize'])('takes a question naming nothing but what it asks as surely about the articles: %s', (question) => {
    expect(wikiStage.answer(question, { lang: /\p{Script=Han}/u.test(question) ? 'zh-Hans' : 'en' })).toMatchObject({ kind: 'corpus', reference: 'explicit' });
  });

  it('takes an article noun, a publication named or a follow-up as surely about the articles', () => {
    expect(wikiStage.answer('广茂铁路这篇文章出自哪家媒体？', { lang: 'zh-Hans' })).toMatchObject({ reference: 'explicit' });
    expect(wikiStage.answer('Who wrote the 维基百科 entry on the railway?', { lang: 'en' })).toMatchObject({ reference: 'explicit' });
    expect(wikiStage.answer('And who edited it?', { lang: 'en', context: 'Who wrote the railway article?' })).toMatchObject({ reference: 'explicit' });
  });

  it('reads a chapter (篇章) as no article', () => {
    expect(wikiStage.answer('这一段的副标题标志着作品进入什么篇章？', { lang: 'zh-Hans' })).toBeUndefined();
  });
});

describe('small talk and requests about Tether', () => {
  it.each<[string, Lang, string]>([
    ['hi', 'en', 'greeting'],
    ['Hello there!', 'en', 'greeting'],
    ['thanks!', 'en', 'thanks'],
    ['Thank you so much', 'en', 'thanks'],
    ['what can you do?', 'en', 'capabilities'],
    ['你好', 'zh-Hant', 'greeting'],
    ['謝謝！', 'zh-Hant', 'thanks'],
    ['你能做什么？', 'zh-Hans', 'capabilities'],
  ])('%s: a short helpful reply naming what Tether knows, with example questions', (question, lang, kind) => {
    expect(recogniseSmallTalk(question)).toBe(kind);
    const reply = ask(question, lang);
    expect(reply?.kind).toBe('small-talk');
    expect(reply?.quotes).toEqual([]);
    for (const article of articles) expect(reply?.answer).toContain(article.meta.title);
    expect(reply?.answer).toMatch(/\?|？/);
  });

  it('does not take a question that opens with a greeting for small talk', () => {
    expect(recogniseSmallTalk('hi, how much will the harbour cost?')).toBeUndefined();
    expect(ask('hi, how much will the harbour cost?')).toBeUndefined();
    expect(recogniseSmallTalk('thanks, and who runs the sailing school?')).toBeUndefined();
  });
});
