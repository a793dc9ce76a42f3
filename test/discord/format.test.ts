/** Presentation rules: Discord's limits, shortening with "…" without splitting a quote, escaping. */
import { describe, expect, it } from 'vitest';
import type { Answer, Passage, Quote } from '../../src/answer/types.js';
import { answerCustomIds, createAnswerState, createAnswerStore, parseAnswerCustomId, renderAnswerMessage } from '../../src/discord/answers.js';
import {
  blockQuote,
  embedsLength,
  escapeDisplayText,
  fitRendered,
  limits,
  passageChoiceName,
  renderAnswerEmbed,
  renderPassageEmbeds,
  renderQuestionTitle,
  renderSourcesEmbed,
  truncate,
} from '../../src/discord/format.js';
import { uiLangFromLocale } from '../../src/i18n.js';
import { createRateLimiter } from '../../src/discord/rate-limit.js';
import { quotesIn, unescapeDisplay } from './helpers.js';

function quote(n: number, text: string, extra: Partial<Quote> = {}): Quote {
  return { n, articleId: 'article', passageId: `article:${n + 1}`, source: 'corpus/article.txt', title: 'An article', lang: 'en', paragraph: n + 1, start: 0, end: text.length, text, score: 0.9, ...extra };
}

function answer(quotes: Quote[], extra: Partial<Answer> = {}): Answer {
  return { question: 'Why?', found: true, confidence: 'answer', answer: 'Because [1].', quotes, lang: 'en', answeredBy: 'extractive', timings_ms: { total: 3 }, ...extra };
}

describe('escaping', () => {
  it('makes markdown and every kind of mention inert while reading the same', () => {
    const raw = '@everyone @here <@123> <@!123> <@&456> <#789> </cmd:1> **b** _i_ `c` ~~s~~ ||x|| # h\n- l\n1. n [t](http://x) > q';
    const escaped = escapeDisplayText(raw);
    expect(escaped).not.toMatch(/@(everyone|here)/);
    expect(escaped).not.toMatch(/<[@#/]/);
    expect(escaped).toContain('\\*\\*b\\*\\*');
    expect(unescapeDisplay(escaped)).toBe(raw);
  });

  it('block-quotes every line', () => {
    expect(blockQuote('one\ntwo')).toBe('> one\n> two');
  });
});

describe('shortening', () => {
  it('truncates with "…" and never splits a surrogate pair', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    const emoji = `ab${'😀'.repeat(5)}`;
    const cut = truncate(emoji, 5);
    expect(cut.length).toBeLessThanOrEqual(5);
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('fits rendered text into a budget, cutting before rendering so no escape is cut in half', () => {
    const raw = '**bold** '.repeat(100);
    const fitted = fitRendered(raw, 120, blockQuote);
    expect(fitted).toBeDefined();
    expect(fitted?.length).toBeLessThanOrEqual(120);
    expect(fitted?.endsWith('…')).toBe(true);
    expect(fitted).not.toMatch(/(^|[^\\])\\$/);
    expect(raw.startsWith(unescapeDisplay(fitted?.slice(2, -1) ?? ''))).toBe(true);
  });

  it('shortens an escaped question title without leaving half an escape', () => {
    const title = renderQuestionTitle('*'.repeat(1000));
    expect(title.length).toBeLessThanOrEqual(limits.embedTitle);
    expect(title).toMatch(/^(\\\*)+…$/);
  });

  it('prefers cutting English at a space', () => {
    const fitted = fitRendered('alpha beta gamma delta epsilon', 20, (text) => text);
    expect(fitted).toBe('alpha beta gamma…');
  });
});

describe('answer embed', () => {
  it('numbers quotes, block-quotes them and cites title, language and paragraph', () => {
    const embed = renderAnswerEmbed({ answer: answer([quote(1, 'First.'), quote(2, '第二。', { lang: 'zh-Hant', title: '文章' })]), ui: 'en' });
    expect(embed.title).toBe('Why?');
    expect(embed.description).toContain('**[1]**\n> First.\n— *An article* · English · paragraph 2');
    expect(embed.description).toContain('**[2]**\n> 第二。\n— *文章* · Traditional Chinese · paragraph 3');
    expect(embed.footer?.text).toContain('extractive');
  });

  it('labels in Chinese follow the answer language', () => {
    const embed = renderAnswerEmbed({ answer: answer([quote(1, '第一。')], { found: false, confidence: 'none', lang: 'zh-Hans' }), ui: 'zh-Hans' });
    expect(embed.description).toContain('资料来源没有涵盖这个问题。');
    expect(embed.description).toContain('第2段');
  });

  it('says the named article does not cover a question, when only it was searched', () => {
    const scoped = answer([], { found: false, confidence: 'none', scopedTo: [{ source: 'corpus/harbour-en.txt', title: 'Harbour' }] });
    expect(renderAnswerEmbed({ answer: scoped, ui: 'en' }).description).toContain('“Harbour” does not cover this question.');
    expect(renderAnswerEmbed({ answer: answer([], { found: false, confidence: 'none' }), ui: 'en' }).description).toContain('The sources do not cover this question.');
  });

  it('shows what a reply from the metadata says the corpus does not know, not only "not covered"', () => {
    const reply = answer([], { found: false, confidence: 'none', reply: 'corpus', answer: 'No author is known for “Harbour”: the text has no byline and the corpus metadata names none.' });
    const embed = renderAnswerEmbed({ answer: reply, ui: 'en' });
    expect(embed.description).toContain('No author is known for “Harbour”');
    expect(embed.description).not.toContain('do not cover');
  });

  it('puts a gloss line under a quote in another language, after its citation and outside the block quote', () => {
    const glossed = quote(1, '營收276.48億元。', { lang: 'zh-Hant', title: '文章', gloss: { terms: [{ text: '營收', gloss: 'revenue' }], figures: [{ text: '276.48億元', gloss: '27.648 billion yuan' }] } });
    const embed = renderAnswerEmbed({ answer: answer([glossed]), ui: 'en' });
    expect(embed.description).toContain('> 營收276.48億元。\n— *文章* · Traditional Chinese · paragraph 2\n*');
    expect(embed.description).toContain('營收 = revenue · 276.48億元 = 27.648 billion yuan');
    expect(embed.description).not.toMatch(/^> .*revenue/m);
  });

  it('renders the three decisions distinctly: an answer, passages that may answer it, not in the sources', () => {
    const quotes = [quote(1, 'First.')];
    const answered = renderAnswerEmbed({ answer: answer(quotes), ui: 'en' });
    const unsure = renderAnswerEmbed({ answer: answer(quotes, { found: false, confidence: 'unsure', answer: 'Not sure.' }), ui: 'en' });
    const none = renderAnswerEmbed({ answer: answer(quotes, { found: false, confidence: 'none', answer: 'Not covered.' }), ui: 'en' });
    expect(answered.description).toContain('From the sources:');
    expect(unsure.description).toContain('**Not sure: these passages may answer it.**');
    expect(unsure.description).not.toContain("do not cover");
    expect(none.description).toContain("**The sources do not cover this question.**");
    expect(new Set([answered.color, unsure.color, none.color]).size).toBe(3);
    for (const embed of [answered, unsure, none]) expect(embed.description).toContain('> First.');
  });

  it('keeps within 4096/6000 with huge quotes: each shortened with "…", none dropped, citations whole', () => {
    const huge = 'word '.repeat(3000);
    const embed = renderAnswerEmbed({ answer: answer([quote(1, huge), quote(2, 'short one.'), quote(3, huge)], { answer: 'x'.repeat(5000), question: 'q'.repeat(1000) }), ui: 'en' });
    expect(embed.description?.length).toBeLessThanOrEqual(limits.embedDescription);
    expect(embed.title?.length).toBeLessThanOrEqual(limits.embedTitle);
    expect(embedsLength([embed])).toBeLessThanOrEqual(limits.embedsTotal);
    const shown = quotesIn(embed.description ?? '');
    expect(shown.map((q) => q.n)).toEqual([1, 2, 3]);
    expect(shown[1]?.text).toBe('short one.');
    for (const q of [shown[0], shown[2]]) {
      expect(q?.text.endsWith('…')).toBe(true);
      expect(q?.citation).toBe(`— *An article* · English · paragraph ${(q?.n ?? 0) + 1}`);
    }
    // The short quote leaves its room to the long ones.
    expect(shown[0]?.text.length ?? 0).toBeGreaterThan(1000);
  });

  it('a full passage beside the answer still fits 6000 in total', () => {
    const state = createAnswerState(answer([quote(1, 'word '.repeat(900)), quote(2, 'word '.repeat(900)), quote(3, 'word '.repeat(900))]), {
      context: undefined,
      ui: 'en',
      via: 'ask',
    });
    state.expanded = 1;
    const passage: Passage = { id: 'article:2', articleId: 'article', passageId: 'article:2', source: 'corpus/article.txt', title: 'An article', lang: 'en', paragraph: 2, start: 0, end: 5000, text: 'long '.repeat(1000), score: 1 };
    const message = renderAnswerMessage('abc', state, { passage });
    expect(message.embeds).toHaveLength(2);
    expect(embedsLength(message.embeds)).toBeLessThanOrEqual(limits.embedsTotal);
    for (const embed of message.embeds) expect(embed.description?.length).toBeLessThanOrEqual(limits.embedDescription);
    expect(message.allowedMentions).toEqual({ parse: [] });
  });
});

describe('passages and sources', () => {
  const passage = (n: number, text: string): Passage => ({ id: `a:${n}`, articleId: 'a', passageId: `a:${n}`, source: 'corpus/a.txt', title: 'A title', lang: 'en', paragraph: n, start: 0, end: text.length, text, score: 1 });

  it('renders several passages whole when they fit, and shortened (not dropped) when they do not', () => {
    const small = renderPassageEmbeds([passage(1, 'One.'), passage(2, 'Two.')], 'en', (p) => p.title);
    expect(small.map((e) => e.description)).toEqual(['> One.\n— *A title* · English · paragraph 1', '> Two.\n— *A title* · English · paragraph 2']);
    const big = renderPassageEmbeds([passage(1, 'x'.repeat(5000)), passage(2, 'y'.repeat(5000)), passage(3, 'z')], 'en', (p) => p.title);
    expect(big).toHaveLength(3);
    expect(embedsLength(big)).toBeLessThanOrEqual(limits.embedsTotal);
    expect(big[2]?.description).toBe('> z\n— *A title* · English · paragraph 3');
  });

  it('autocomplete names are title + passage start, at most 100 characters', () => {
    const name = passageChoiceName(passage(1, 'Some text\nwith   breaks '.repeat(20)));
    expect(name.length).toBeLessThanOrEqual(100);
    expect(name.startsWith('A title — Some text with breaks')).toBe(true);
  });

  it('lists sources with language, details and paragraph counts', () => {
    const embed = renderSourcesEmbed(
      [{ id: 'a', source: 'corpus/a.txt', title: 'T', titleEditorial: true, lang: 'zh-Hant', publication: 'P', author: undefined, date: '2023', paragraphs: 7 }],
      'en',
    );
    expect(embed.description).toBe('**T** *(editorial title)*\nTraditional Chinese · P · 2023 · 7 paragraphs');
  });
});

describe('buttons and state', () => {
  it('custom ids stay short and parse back', () => {
    const id = 'AbC-12_x';
    for (const customId of [answerCustomIds.more(id), answerCustomIds.full(id, 12), answerCustomIds.vote(id, 'down')]) {
      expect(customId.length).toBeLessThanOrEqual(limits.customId);
    }
    expect(parseAnswerCustomId(answerCustomIds.full(id, 12))).toEqual({ action: 'full', id, n: 12 });
    expect(parseAnswerCustomId(answerCustomIds.vote(id, 'up'))).toEqual({ action: 'up', id });
    expect(parseAnswerCustomId('someone-else:more:x')).toBeUndefined();
    expect(parseAnswerCustomId('tether:full:x:abc')).toBeUndefined();
  });

  it('the answer store forgets the least recently used answer', () => {
    const store = createAnswerStore(2);
    const state = () => createAnswerState(answer([quote(1, 'A sentence.')]), { context: undefined, ui: 'en', via: 'ask' });
    const first = store.remember(state());
    const second = store.remember(state());
    expect(store.recall(first)).toBeDefined();
    const third = store.remember(state());
    expect(store.recall(second)).toBeUndefined();
    expect(store.recall(first)).toBeDefined();
    expect(store.recall(third)).toBeDefined();
  });
});

describe('guards and helpers', () => {
  it('rate limit: a sliding window per user; the first refusal in a window says so, for one notice per window', () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 2, windowMs: 60_000, now: () => now });
    expect(limiter.take('u').allowed).toBe(true);
    now = 10_000;
    expect(limiter.take('u').allowed).toBe(true);
    expect(limiter.take('u')).toEqual({ allowed: false, retryAfterMs: 50_000, firstRefusal: true });
    now = 20_000;
    expect(limiter.take('u')).toEqual({ allowed: false, retryAfterMs: 40_000, firstRefusal: false });
    expect(limiter.take('v').allowed).toBe(true);
    now = 60_001;
    expect(limiter.take('u').allowed).toBe(true);
    now = 70_001;
    expect(limiter.take('u').allowed).toBe(true);
    // A new window: told again.
    expect(limiter.take('u')).toMatchObject({ allowed: false, firstRefusal: true });
  });

  it('maps Discord locales to English, Traditional or Simplified Chinese', () => {
    expect(uiLangFromLocale('zh-TW')).toBe('zh-Hant');
    expect(uiLangFromLocale('zh-CN')).toBe('zh-Hans');
    expect(uiLangFromLocale('fr')).toBe('en');
    expect(uiLangFromLocale(undefined)).toBe('en');
  });
});
