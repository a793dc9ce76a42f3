import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortAnswer } from '../../src/answer/extractive.js';
import { createFollowUpResolver } from '../../src/answer/follow-up.js';
import { createQuoteGlosser, formatGloss } from '../../src/answer/gloss.js';
import { personNames } from '../../src/answer/names.js';
import { citeSpan, type Quote } from '../../src/answer/types.js';
import { openIndex } from '../../src/index/open.js';
import type { LoadedIndex } from '../../src/index/types.js';
import { loadAnswerModel, type AnswerModel } from '../../src/decision/model.js';
import { createCandidateRetriever } from '../../src/retrieval/candidates.js';
import { createTether, RETRIEVAL } from '../../src/tether.js';
import { BILINGUAL_FILES } from '../support/bilingual.js';
import { makeTmpProject, REPO_ROOT, unfaithfulQuotes, type TmpProject } from '../support/corpus.js';
import { HARBOUR_FILES } from '../support/harbour.js';

// What the answer says: replies from metadata, follow-ups, the short answer line and glosses. One index for the file.
let project: TmpProject;
let index: LoadedIndex;
let model: AnswerModel;

beforeAll(async () => {
  project = await makeTmpProject('answers', { ...BILINGUAL_FILES, ...HARBOUR_FILES });
  index = await openIndex({ corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root });
  model = await loadAnswerModel(REPO_ROOT);
});

afterAll(async () => {
  await project?.remove();
});

/** A quote of `text` as it stands in the fixture article `source` (score and number given). */
function quoteIn(source: string, text: string, n = 1, score = 0.9): Quote {
  const article = index.corpus.articles.find((a) => a.source.endsWith(source))!;
  const start = article.text.indexOf(text);
  expect(start, text).toBeGreaterThanOrEqual(0);
  const paragraph = article.paragraphs.findIndex((p) => p.start <= start && start < p.end) + 1;
  return { n, ...citeSpan(article, paragraph, start, start + text.length, score) };
}

/** A quote whose text is written for the test (the short answer reads only its text), cited as harbour-en.txt's first sentence. */
function writtenQuote(text: string): Quote {
  return { ...quoteIn('harbour-en.txt', 'In the view of Coastal Review, the plan is too expensive for a town of this size.'), text };
}

describe('replies that do not come from retrieval', () => {
  it('answers a question about an article from its metadata, through ask(), with the byline quoted by offset', async () => {
    const tether = createTether({ index, model });
    const answer = await tether.ask('Who wrote the Chinese article about the harbour?');
    expect(answer).toMatchObject({ found: true, confidence: 'answer', reply: 'corpus', answeredBy: 'corpus-metadata' });
    expect(answer.answer).toContain('陳美玲');
    expect(answer.quotes.map((q) => q.text)).toEqual(['撰文 | 陳美玲']);
    expect(await unfaithfulQuotes(answer.quotes, project.root)).toEqual([]);
  });

  it('says the sources do not cover a fact no metadata or byline gives, with the reply saying which', async () => {
    const answer = await createTether({ index, model }).ask('Who wrote the English commentary about the harbour?');
    expect(answer).toMatchObject({ found: false, confidence: 'none', reply: 'corpus', answeredBy: 'corpus-metadata' });
    expect(answer.answer).toMatch(/No author is known/);
  });

  it('greets back with what it knows instead of refusing with a random passage', async () => {
    const answer = await createTether({ index, model }).ask('hi!');
    expect(answer).toMatchObject({ reply: 'small-talk', quotes: [] });
    expect(answer.answer).toContain('Riverside news');
    expect(answer.answer).not.toMatch(/do not cover/);
  });
});

/** The file names of the articles an answer quotes. */
const sources = (answer: { quotes: Quote[] }) => [...new Set(answer.quotes.map((quote) => quote.source.split('/').pop()))];

describe('a question that names an article', () => {
  it('quotes only the article it names, by language or publication, and says so in `scopedTo`', async () => {
    const tether = createTether({ index, model });
    // Both articles say when the first phase finishes.
    const unscoped = await tether.ask('When will the first phase of the harbour finish?');
    expect(sources(unscoped)).toEqual(expect.arrayContaining(['harbour-zh.txt', 'harbour-en.txt']));
    expect(unscoped.scopedTo).toBeUndefined();
    const chinese = await tether.ask('What does the Chinese article say about when the first phase of the harbour finishes?');
    expect(sources(chinese)).toEqual(['harbour-zh.txt']);
    // Every Chinese article of the corpus is "the Chinese article".
    expect(chinese.scopedTo).toEqual(index.corpus.articles.filter((article) => article.meta.lang !== 'en').map((article) => ({ source: article.source, title: article.meta.title })));
    const review = await tether.ask('According to Coastal Review, when will the first phase of the harbour finish?');
    expect(sources(review)).toEqual(['harbour-en.txt']);
    expect(review.quotes[0]?.text).toContain('next March');
    expect(review.scopedTo?.map((article) => article.source)).toEqual([expect.stringMatching(/harbour-en\.txt$/)]);
    expect(await unfaithfulQuotes([...chinese.quotes, ...review.quotes], project.root)).toEqual([]);
  });

  it('says the named article does not cover a question it cannot answer, not the whole corpus', async () => {
    const refuse = { decide: () => ({ confidence: 'none' as const, probability: 0, answerable: 0, thresholds: { answer: 1, unsure: 1 }, evidence: {} }) };
    const tether = createTether({ index, model, decider: refuse });
    const scoped = await tether.ask('What does Coastal Review say about the storms?');
    expect(scoped).toMatchObject({ found: false, confidence: 'none' });
    expect(scoped.answer).toMatch(/^“The harbour plan: costs, delays and the director” does not cover this question\./);
    const chinese = await tether.ask('海港日報怎麼說風暴?');
    expect(chinese.answer).toMatch(/^《港口重建計劃啟動》沒有涵蓋這個問題。/);
    expect((await tether.ask('What about the storms?')).answer).toMatch(/^The sources do not cover this question\./);
  });

  it('finds passages of the article a request names ("/quote the Chinese article on the noise")', async () => {
    const tether = createTether({ index, model });
    const passages = await tether.findPassages('the Chinese article on the first phase of the harbour', { limit: 3 });
    expect(passages.length).toBeGreaterThan(0);
    // Every Chinese article of the corpus is "the Chinese article"; the harbour's answers.
    expect(passages.every((passage) => passage.lang !== 'en')).toBe(true);
    expect(passages[0]?.source).toMatch(/harbour-zh\.txt$/);
    const unscoped = await tether.findPassages('the first phase of the harbour', { limit: 3 });
    expect(unscoped.some((passage) => passage.source.endsWith('harbour-en.txt'))).toBe(true);
  });

  it('keeps a follow-up in the article its previous question named, unless it names another', async () => {
    const tether = createTether({ index, model });
    const context = 'What does Coastal Review say about the harbour plan?';
    const same = await tether.ask('and what about the first phase?', { context });
    expect(same.scopedTo?.map((article) => article.source)).toEqual([expect.stringMatching(/harbour-en\.txt$/)]);
    expect(sources(same)).toEqual(['harbour-en.txt']);
    const other = await tether.ask('and what does 海港日報 say about it?', { context });
    expect(other.scopedTo?.map((article) => article.source)).toEqual([expect.stringMatching(/harbour-zh\.txt$/)]);
    expect(sources(other)).toEqual(['harbour-zh.txt']);
    expect((await tether.ask('and what about the first phase?')).scopedTo).toBeUndefined();
  });

  it('reads a follow-up\'s pronoun from the previous answer as found in the article its question named', async () => {
    const real = createCandidateRetriever(index, RETRIEVAL);
    const searched: Array<ReadonlySet<string> | undefined> = [];
    const recording = {
      retrieve: async (text: string, options?: { articles?: ReadonlySet<string> | undefined }) => {
        searched.push(options?.articles);
        return real.retrieve(text, options);
      },
    };
    const tether = createTether({ index, model, retriever: recording });
    const english = index.corpus.articles.find((article) => article.source.endsWith('harbour-en.txt'))!.id;
    const answer = await tether.ask('What else does she run?', { context: 'According to Coastal Review, who announced the harbour plan?' });
    // The previous answer is searched again to find whom "she" means, then the follow-up itself: all in Coastal Review.
    expect(searched.length).toBeGreaterThan(1);
    expect(searched.map((articles) => (articles ? [...articles] : undefined))).toEqual(searched.map(() => [english]));
    expect(answer.readAs).toBe('What else does Chen Meiling run?');
  });
});

describe('a misspelt question', () => {
  it('is read with the corpus word one edit away, by the index as built and as opened again (the word vectors say which words exist)', async () => {
    const correctedBy = (loaded: LoadedIndex) => loaded.analyzer.queryConcepts('what did the harbour directr announce').some((c) => c.alternatives.has('director'));
    expect(index.semantic).toBeDefined();
    expect(correctedBy(index)).toBe(true);
    const reopened = await openIndex({ corpusDir: project.corpusDir, indexDir: project.indexDir, root: project.root });
    expect(correctedBy(reopened)).toBe(true);
    // "plain" is an English word the corpus lacks, not a misspelt "plan".
    expect(reopened.analyzer.queryConcepts('was the land plain').some((c) => c.alternatives.has('plan'))).toBe(false);
    const answer = await createTether({ index: reopened, model }).ask('What did the harbour directr announce?');
    expect(answer.quotes[0]?.text).toContain('rebuilding plan');
  });
});

describe('follow-ups', () => {
  it('also retrieves with the follow-up\'s own words, where the previous question\'s crowd out its answer', async () => {
    const real = createCandidateRetriever(index, RETRIEVAL);
    const answer = 'She also runs the city port authority and a sailing school.';
    // Read with the previous question, retrieval misses the chunk that answers; read alone, it finds it.
    const crowded = {
      retrieve: async (text: string) => (await real.retrieve(text)).filter((candidate) => !text.includes('\n') || !candidate.chunk.text.includes(answer)),
    };
    const tether = createTether({ index, model, retriever: crowded });
    const followUp = await tether.ask('and what else does she run?', { context: 'Who announced the harbour rebuilding plan?' });
    expect(followUp.quotes.map((quote) => quote.text).join(' ')).toContain('city port authority');
  });

  it('replaces "she" by the person the previous answer named, and says how it read the question', async () => {
    const tether = createTether({ index, model });
    const answer = await tether.ask('What else does she run?', { context: 'Who announced the harbour rebuilding plan?' });
    expect(answer.readAs).toBe('What else does Chen Meiling run?');
    expect(answer.quotes[0]?.text).toContain('sailing school');
  });

  it('reads "他" with the person the previous question named, in Chinese', async () => {
    const resolver = createFollowUpResolver({ lexicon: index.analyzer.lexicon, answerTexts: async () => [] });
    const resolved = await resolver.resolve('他設計了什麼？', '工程師林志遠是誰？');
    expect(resolved.text).toBe('林志遠設計了什麼？');
    expect(resolved.context).toBe('工程師林志遠是誰？');
  });

  it('keeps the previous question for "what about …" and "…呢", with the kind of answer it asked for', async () => {
    const resolver = createFollowUpResolver({ lexicon: index.analyzer.lexicon, answerTexts: async () => [] });
    const english = await resolver.resolve('What about the museum?', 'How much rice did the farmers harvest?');
    expect(english).toMatchObject({ text: 'What about the museum?', context: 'How much rice did the farmers harvest?', kind: 'number', rewritten: false });
    const chinese = await resolver.resolve('那大橋呢？', '圖書館什麼時候重新開放？');
    expect(chinese).toMatchObject({ context: '圖書館什麼時候重新開放？', kind: 'date' });
  });

  it('reads "about that" ("對此") with the previous question, though the question names its own subject', async () => {
    const resolver = createFollowUpResolver({ lexicon: index.analyzer.lexicon, answerTexts: async () => [] });
    const english = await resolver.resolve('What did Chen Meiling say about that?', 'How much did the new bridge cost?');
    expect(english).toMatchObject({ text: 'What did Chen Meiling say about that?', context: 'How much did the new bridge cost?', rewritten: false });
    const chinese = await resolver.resolve('林志遠對此怎麼說？', '大橋花了多少錢？');
    expect(chinese).toMatchObject({ text: '林志遠對此怎麼說？', context: '大橋花了多少錢？' });
    const standalone = await resolver.resolve('What did Chen Meiling say at the harbour?', 'How much did the new bridge cost?');
    expect(standalone.context).toBeUndefined();
  });

  it('reads a question that stands on its own alone: the previous turn does not pull it away', async () => {
    const resolver = createFollowUpResolver({
      lexicon: index.analyzer.lexicon,
      answerTexts: async () => {
        throw new Error('a standalone question needs no previous answer');
      },
    });
    const resolved = await resolver.resolve('When did the library reopen?', 'How much did the new bridge cost?');
    expect(resolved).toEqual({ text: 'When did the library reopen?', context: undefined, kind: 'date', rewritten: false });
    const tether = createTether({ index, model });
    const alone = await tether.ask('When did the library reopen?');
    const after = await tether.ask('When did the library reopen?', { context: 'How much did the new bridge cost?' });
    expect(after.quotes.map((q) => q.text)).toEqual(alone.quotes.map((q) => q.text));
  });

  it('finds names of people, romanised or in characters, but not dictionary words', () => {
    const { lexicon } = index.analyzer;
    expect(personNames('Chen Meiling, the harbour director, met Tom Baker.', lexicon)).toEqual(['Chen Meiling']);
    expect(personNames('新大橋由工程師林志遠設計，高速公路', lexicon)).toEqual(['林志遠']);
  });
});

describe('the short answer line', () => {
  it('carries the clause with the name asked for, whole, not the one that repeats the question', () => {
    const quote = quoteIn('harbour-en.txt', 'Chen Meiling, the harbour director, announced the rebuilding plan in May.');
    const short = shortAnswer([quote], 'Who announced the rebuilding plan?', index.analyzer);
    expect(short.text).toContain('Chen Meiling');
  });

  it('for "why", the clause with the reason; for a number, the clause with the figure', () => {
    const reason = quoteIn('harbour-en.txt', 'The first phase will finish next March because the contractor doubled its crews.');
    const why = shortAnswer([reason], 'Why will the first phase finish next March?', index.analyzer);
    expect(why.text).toContain('because the contractor doubled its crews');
    const zh = quoteIn('harbour-zh.txt', '市政府宣佈港口重建計劃，預計耗資20億元，工期三年。');
    const cost = shortAnswer([zh], '港口重建計劃預計耗資多少？', index.analyzer);
    expect(cost.text).toContain('20億元');
  });

  it('prefers a close second quote that answers over a first that only asks or restates', () => {
    const asks = quoteIn('harbour-en.txt', 'In the view of Coastal Review, the plan is too expensive for a town of this size.', 1, 0.9);
    const answers = quoteIn('harbour-en.txt', 'The first phase will finish next March because the contractor doubled its crews.', 2, 0.85);
    const short = shortAnswer([asks, answers], 'Why will the first phase finish next March?', index.analyzer);
    expect(short.quote.n).toBe(2);
  });

  it('of a quote joined from several sentences, the short sentence that answers, whole, not a clause cut from it', () => {
    const joined = writtenQuote('In the view of Coastal Review, the plan is too expensive for a town of this size. The harbour board said in May that the rebuilding plan would cost 2 billion yuan, twice the first estimate. The first phase will finish next March because the contractor doubled its crews.');
    const short = shortAnswer([joined], 'How much will the rebuilding plan cost?', index.analyzer);
    expect(short.text).toBe('The harbour board said in May that the rebuilding plan would cost 2 billion yuan, twice the first estimate.');
  });

  it('for "where", the clause that names a place the question does not', () => {
    const quote = writtenQuote('The new ferry terminal will be built with a glass roof, two waiting halls, a car park for six hundred cars and a covered walkway to the station, the harbour director said on Monday, and it will stand by the old pier of Keelung.');
    expect(shortAnswer([quote], 'Where will the new ferry terminal be built?', index.analyzer).text).toContain('Keelung');
    const zh = writtenQuote('新的渡輪碼頭將建有玻璃屋頂、兩座候船大廳、可停六百輛車的停車場和通往車站的有蓋走廊，港務局長週一表示，碼頭位於基隆舊碼頭旁。');
    expect(shortAnswer([zh], '新的渡輪碼頭將建在哪裡？', index.analyzer).text).toContain('基隆');
  });

  it('reads a sentence opening with a pronoun as speaking of the one the sentence before named', () => {
    const joined = writtenQuote('Chen Meiling, the harbour director, announced the rebuilding plan in May. She also runs the city port authority and a sailing school. In the view of Coastal Review, the plan is too expensive for a town of this size. The first phase will finish next March.');
    const short = shortAnswer([joined], 'What else does Chen Meiling run?', index.analyzer);
    expect(short.text).toBe('She also runs the city port authority and a sailing school.');
  });

  it('for "why", reads "after all" as giving a reason, and a clause that opens on "Therefore" as a consequence', () => {
    const quote = writtenQuote('Therefore, after Chen Meiling announced the rebuilding plan in May, the city set up a port authority for the harbour, reporting directly to the harbour director. However, the plan is too expensive for a town of this size, after all, the contractor doubled its crews.');
    const short = shortAnswer([quote], 'Why is the rebuilding plan of the port authority too expensive?', index.analyzer);
    expect(short.text).toContain('after all, the contractor doubled its crews');
    expect(short.text).not.toMatch(/^Therefore/u);
  });

  it('for "why", reads every clause of a sentence that opens on "Because" as giving the reason', () => {
    const quote = writtenQuote('The plan is too expensive for a town of this size, Coastal Review said. Because so far, whether it is the sailing school of the harbour director, or the farmers who harvested the rice of the valley, or the forecasters who expect three storms this autumn, the record shows that the plan is too expensive for a town of this size.');
    const short = shortAnswer([quote], 'Why is the plan too expensive for a town of this size?', index.analyzer);
    expect(short.text).toBe('…the record shows that the plan is too expensive for a town of this size.');
  });

  it('shows a list whole, not cut after its first item', () => {
    const quote = writtenQuote('Less than a year after the first phase began, the contractor doubled its crews again in May, working not only for the port authority and the city, but also for many sailing schools such as Alder Marine, Birch Harbour, and Cedar Sailing.');
    const short = shortAnswer([quote], 'Which sailing schools did the contractor double its crews for in May?', index.analyzer);
    expect(short.text).toContain('such as Alder Marine, Birch Harbour, and Cedar Sailing.');
    // A list too long to show whole is cut: a line stays a line.
    const names = Array.from({ length: 60 }, (_, i) => `Harbour Firm ${i + 1},`).join(' ');
    const long = shortAnswer([writtenQuote(`The contractor doubled its crews in May for many sailing schools such as ${names} and Cedar Sailing.`)], 'Which sailing schools did the contractor double its crews for in May?', index.analyzer);
    expect(long.text.length).toBeLessThanOrEqual(340);
  });

  it('for "how many" of a thing, the clause whose figure counts that thing, not a figure beside the other words', () => {
    const quote = writtenQuote('In May the harbour board hired 3 architects from the capital to redraw the rebuilding plan for the old port and its sailing school, the city said, while the contractor that doubled its crews for the first phase now employs 400 workers.');
    const short = shortAnswer([quote], 'How many workers did the harbour board hire in May?', index.analyzer);
    expect(short.text).toContain('400 workers');
  });

  it('for a yes/no question, the sentence that settles it, whole and first', () => {
    const quote = quoteIn('riverside-en.txt', 'Farmers in the valley harvested 1.5 billion kilograms of rice this autumn, a record for the region.');
    const short = shortAnswer([quote], 'Was the rice harvest a record?', index.analyzer);
    expect(short.text).toBe(quote.text);
  });

  it('an unsure answer says so and offers the closest clauses, cited', async () => {
    const unsure = await createTether({
      index,
      model,
      decider: { decide: () => ({ confidence: 'unsure', probability: 0.4, answerable: 0.5, thresholds: { answer: 0.6, unsure: 0.2 }, evidence: {} }) },
    }).ask('How much did the new bridge cost?');
    expect(unsure.confidence).toBe('unsure');
    expect(unsure.answer).toMatch(/^Not sure: these passages may answer it\. The closest: .+ \[\d\]$/);
  });

  it('tells how much of a Chinese question an English quote says against what English text can say (glosses and names)', () => {
    const quote = quoteIn('harbour-en.txt', 'The first phase will finish next March because the contractor doubled its crews.');
    const question = '為什麼第一期工程明年三月完工？';
    const short = shortAnswer([quote], question, index.analyzer);
    // Every word of the question is met in English, though only through its glosses: an unsure answer offers this clause.
    expect(short.coverage).toBeGreaterThanOrEqual(0.5);
    expect(shortAnswer([quote], 'Why will the first phase finish next March?', index.analyzer).coverage).toBeGreaterThanOrEqual(short.coverage);
  });
});

describe('glosses under quotes in another language', () => {
  it('gives the matched terms and converted figures of a Chinese quote for an English question, marked as a gloss', async () => {
    const answer = await createTether({ index, model }).ask('How much did the new bridge cost?');
    const chinese = answer.quotes.find((q) => q.text.includes('15億元'));
    expect(chinese?.gloss?.figures).toContainEqual({ text: '15億元', gloss: '1.5 billion yuan' });
    expect(chinese?.gloss?.terms).toContainEqual({ text: '造價', gloss: 'cost' });
    const line = formatGloss(chinese!.gloss!, 'en');
    expect(line).toMatch(/^gloss, not part of the quote: /);
    expect(line).toContain('15億元 = 1.5 billion yuan');
    // The quote itself is untouched.
    expect(await unfaithfulQuotes(answer.quotes, project.root)).toEqual([]);
  });

  it('converts English figures and names for a Chinese question, and says nothing for a quote in the same language', () => {
    const glosser = createQuoteGlosser(index.analyzer);
    const english = glosser.gloss('陳美玲宣佈了什麼？收成多少？', 'zh-Hant', {
      lang: 'en',
      text: 'Chen Meiling said farmers harvested 1.5 billion kilograms, and 140.9 billion yuan was spent by March 12.',
    });
    expect(english?.terms).toContainEqual({ text: 'Chen Meiling', gloss: '陳美玲' });
    expect(english?.figures).toContainEqual({ text: '140.9 billion yuan', gloss: '1409億元' });
    expect(english?.figures).toContainEqual({ text: 'March 12', gloss: '3月12日' });
    // A hyphenated word of the question is shown whole for the part its gloss matched.
    const reopened = glosser.gloss('When was the library re-opened?', 'en', { lang: 'zh-Hant', text: '河濱鎮的市立圖書館於11月12日重新開放。' });
    expect(reopened?.terms.map((term) => term.gloss)).toContain('re-opened');
    expect(reopened?.terms.map((term) => term.gloss)).not.toContain('opened');
    // …all of it, however many parts it has.
    const ranked = glosser.gloss('What did the rank-and-file employees say?', 'en', { lang: 'zh-Hant', text: '排行榜上的員工表示歡迎。' });
    expect(ranked?.terms).toContainEqual({ text: '排行榜', gloss: 'rank-and-file' });
    expect(glosser.gloss('How much?', 'en', { lang: 'en', text: '1.5 billion kilograms' })).toBeUndefined();
    expect(glosser.gloss('多少？', 'zh-Hans', { lang: 'zh-Hant', text: '15億元' })).toBeUndefined();
  });
});
