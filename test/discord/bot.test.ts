/**
 * The bot (real discord.js) against the fake Discord, with a controllable fake core over the real corpus:
 * commands, autocomplete, the context menu, buttons, feedback, guards, failures and Discord's limits.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayIntentBits } from 'discord.js';
import { TetherError } from '../../src/errors.js';
import { hashUserId } from '../../src/feedback/log.js';
import { fakeUser, snowflake, type Json } from './fake-discord.js';
import { createFakeTether, projectRoot, type FakeTether } from './fake-tether.js';
import { buttonIn, passageIn, quotesIn, sentMessageBodies, visibleText } from './helpers.js';
import { readJsonl, startHarness, type Harness } from './harness.js';

let h: Harness;
let tether: FakeTether;

beforeAll(async () => {
  tether = createFakeTether();
  h = await startHarness({ tether });
});
afterAll(async () => {
  await h?.close();
});

function sourceText(source: string): string {
  return fs.readFileSync(path.join(projectRoot, source), 'utf8');
}

/** Runs /ask and returns the edited reply's body once it arrives. */
async function ask(question: string, user = fakeUser('asker'), extra: Record<string, boolean> = {}) {
  const sent = h.fake.slashCommand('ask', { question, ...extra }, { user });
  const edit = await h.fake.waitForOriginalEdit(sent);
  return { sent, edit, body: edit.body as Json, user };
}

describe('login', () => {
  it('identifies with the intents the bot needs and becomes ready', () => {
    expect(h.bot.client.isReady()).toBe(true);
    const intents = h.fake.identifies[0]?.intents ?? 0;
    for (const bit of [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]) expect(intents & bit).toBe(bit);
    expect(h.bot.client.guilds.cache.has(h.fake.guild.id)).toBe(true);
  });
});

describe('/ask', () => {
  it('defers at once (ephemeral), then edits the reply with numbered verbatim quotes and their citations', async () => {
    const { sent, body } = await ask('Why did Alibaba stop the cloud spin-off?');
    const calls = h.fake.interactionRequests(sent);
    expect(calls[0]?.path).toMatch(/\/callback$/);
    expect(calls[0]?.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(calls[0]?.headers.authorization).toBeUndefined();

    const embed = body.embeds[0];
    expect(embed.title).toBe('Why did Alibaba stop the cloud spin-off?');
    const shown = quotesIn(embed.description);
    expect(shown.map((quote) => quote.n)).toEqual([1, 2, 3]);
    const answer = await tether.ask('Why did Alibaba stop the cloud spin-off?');
    for (const [i, quote] of answer.quotes.entries()) {
      expect(quote.text).toBe(sourceText(quote.source).slice(quote.start, quote.end));
      expect(shown[i]?.text).toBe(quote.text);
      expect(shown[i]?.citation).toContain(quote.title);
      expect(shown[i]?.citation).toContain('English');
      expect(shown[i]?.citation).toContain(`paragraph ${quote.paragraph}`);
    }
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const labels = body.components.flatMap((row: Json) => row.components.map((c: Json) => c.label ?? c.emoji?.name));
    expect(labels).toEqual(['More quotes', '👍', '👎', 'Full passage 1', 'Full passage 2', 'Full passage 3']);
  });

  it('answers publicly when asked to', async () => {
    const { sent } = await ask('Why did Alibaba stop the cloud spin-off?', fakeUser('pub'), { public: true });
    expect(h.fake.interactionRequests(sent)[0]?.body).toEqual({ type: 5, data: { flags: 0 } });
  });

  it('says plainly when the sources do not cover the question, and logs it with a hashed user id', async () => {
    const user = fakeUser('curious');
    const { body } = await ask('Who won the football world cup in 1998 according to Zidane?', user);
    expect(body.embeds[0].description).toMatch(/^\*\*The sources do not cover this question\.\*\*/);
    await h.settle();
    const entries = readJsonl(h.feedbackPath).filter((entry) => entry.kind === 'unanswered' && entry.question.includes('Zidane'));
    expect(entries).toHaveLength(1);
    expect(entries[0].user).toBe(hashUserId(user.id, 'test-salt'));
    expect(JSON.stringify(entries[0])).not.toContain(user.id);
    expect(entries[0].via).toBe('ask');
  });

  it('refuses a question over the length cap with a clear ephemeral message, before any work', async () => {
    const sent = h.fake.slashCommand('ask', { question: 'why '.repeat(200) }, { user: fakeUser('long') });
    const callback = await h.fake.waitForCallback(sent);
    expect(callback.body.type).toBe(4);
    expect(callback.body.data.flags).toBe(64);
    expect(callback.body.data.content).toMatch(/799 characters long; the limit is 500/);
  });

  it('turns a core error into a brief ephemeral note and keeps running', async () => {
    const before = tether.calls.length;
    tether.failNextAsk(new Error('index exploded: /secret/path'));
    const { body } = await ask('Why did Alibaba stop the cloud spin-off?', fakeUser('unlucky'));
    expect(tether.calls.length).toBe(before + 1);
    expect(body.content).toBe('Something went wrong on our side; the details are in the log.');
    expect(body.embeds).toEqual([]);
    expect(h.logs.some((line) => line.msg === 'interaction failed' && String(line.err?.stack).includes('index exploded'))).toBe(true);

    tether.failNextAsk(new TetherError('BAD_QUESTION', 'The question has no words in it.'));
    const second = await ask('???', fakeUser('unlucky2'));
    expect(second.body.content).toBe('The question has no words in it.');

    const after = await ask('Why did Alibaba stop the cloud spin-off?', fakeUser('lucky'));
    expect(quotesIn(after.body.embeds[0].description)).toHaveLength(3);
  });
});

describe('/ask with a chat model writing the answer', () => {
  it('shows the answer text as it is written, then the final answer with its quotes', async () => {
    const streaming = createFakeTether();
    const original = streaming.ask.bind(streaming);
    streaming.ask = async (question, options) => {
      options?.onAnswerText?.('Alibaba stopped the spin-off because');
      // The final answer comes once Discord has shown the text being written.
      await own.fake.waitForRequest((r) => r.method === 'PATCH' && r.body?.embeds?.[0]?.footer?.text === 'writing…');
      return { ...(await original(question, options)), answeredBy: 'chat-model' };
    };
    const own = await startHarness({ tether: streaming });
    try {
      const sent = own.fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser('streamer') });
      await own.fake.waitForRequest((r) => r.method === 'PATCH' && r.body?.embeds?.[0]?.footer?.text === 'answered by chat-model · 1 ms');
      await own.settle();
      const edits = own.fake.interactionRequests(sent).filter((r) => r.method === 'PATCH');
      expect(edits).toHaveLength(2);
      expect(edits[0]?.body.embeds[0]).toMatchObject({ description: 'Alibaba stopped the spin-off because …', footer: { text: 'writing…' } });
      expect(edits[0]?.body.allowed_mentions).toEqual({ parse: [] });
      expect(quotesIn(edits[1]?.body.embeds[0].description)).toHaveLength(3);
    } finally {
      await own.close();
    }
  });
});

describe('answer buttons (component interactions answered with an update, callback type 7)', () => {
  it('More quotes shows the next passages, numbered on', async () => {
    const { sent, body } = await ask('Alibaba Cloud revenue growth and profit');
    const message = h.fake.originalMessage(sent);
    const more = buttonIn(body, { label: 'More quotes' });
    const press = h.fake.pressButton(more.custom_id, message, { user: fakeUser('reader') });
    const callback = await h.fake.waitForCallback(press);
    expect(callback.body.type).toBe(7);
    const shown = quotesIn(callback.body.data.embeds[0].description);
    expect(shown.map((quote) => quote.n)).toEqual([4, 5, 6]);
    const askCall = tether.calls.findLast((call) => call.method === 'ask');
    expect(askCall).toMatchObject({ method: 'ask', question: 'Alibaba Cloud revenue growth and profit', options: { offset: 3 } });
    expect(callback.body.data.allowed_mentions).toEqual({ parse: [] });
  });

  it('Full passage shows the whole paragraph of a quote, verbatim', async () => {
    const { sent, body } = await ask('Why did Alibaba stop the cloud spin-off?');
    const answer = await tether.ask('Why did Alibaba stop the cloud spin-off?');
    const quote = answer.quotes[1];
    if (!quote) throw new Error('expected 2 quotes');
    const press = h.fake.pressButton(buttonIn(body, { label: 'Full passage 2' }).custom_id, h.fake.originalMessage(sent), { user: fakeUser('reader') });
    const callback = await h.fake.waitForCallback(press);
    expect(callback.body.type).toBe(7);
    const [answerEmbed, passageEmbed] = callback.body.data.embeds;
    expect(quotesIn(answerEmbed.description)).toHaveLength(3);
    const passage = tether.getPassage(`${path.basename(quote.source, '.txt')}:${quote.paragraph}`);
    expect(passage?.text).toContain(quote.text);
    expect(passageIn(passageEmbed.description)).toBe(passage?.text);
    expect(passageEmbed.description).toContain(`paragraph ${quote.paragraph}`);
  });

  it('👍 and 👎 record feedback (hashed user) once per user and update the counts', async () => {
    const { sent, body } = await ask('Why did Alibaba stop the cloud spin-off?');
    const voter = fakeUser('voter');
    const up = h.fake.pressButton(buttonIn(body, { emoji: '👍' }).custom_id, h.fake.originalMessage(sent), { user: voter });
    const upCallback = await h.fake.waitForCallback(up);
    expect(upCallback.body.type).toBe(7);
    expect(buttonIn(upCallback.body.data, { emoji: '👍' }).label).toBe('1');

    const down = h.fake.pressButton(buttonIn(body, { emoji: '👎' }).custom_id, h.fake.originalMessage(sent), { user: fakeUser('critic') });
    const downCallback = await h.fake.waitForCallback(down);
    expect(downCallback.body.type).toBe(7);
    expect(buttonIn(downCallback.body.data, { emoji: '👎' }).label).toBe('1');

    const again = h.fake.pressButton(buttonIn(body, { emoji: '👎' }).custom_id, h.fake.originalMessage(sent), { user: voter });
    const againCallback = await h.fake.waitForCallback(again);
    expect(againCallback.body).toMatchObject({ type: 4, data: { flags: 64, content: 'You already rated this answer. Thanks!' } });

    await h.settle();
    const feedback = readJsonl(h.feedbackPath).filter((entry) => entry.kind === 'feedback');
    const mine = feedback.filter((entry) => entry.user === hashUserId(voter.id, 'test-salt'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ rating: 'up', question: 'Why did Alibaba stop the cloud spin-off?', found: true, answeredBy: 'fake' });
    expect(mine[0].quotes).toHaveLength(3);
    expect(feedback.some((entry) => entry.rating === 'down')).toBe(true);
  });

  it('an unknown or expired answer id gets an ephemeral note', async () => {
    const press = h.fake.pressButton('tether:more:gone1234', { id: '1', channel_id: h.fake.channel('general'), content: '', author: h.fake.botUser }, { user: fakeUser('late') });
    const callback = await h.fake.waitForCallback(press);
    expect(callback.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(callback.body.data.content).toMatch(/expired/);
  });
});

describe('/quote', () => {
  it('autocompletes passages: title + start of passage (≤ 100 characters) → passage id (type 4 → callback type 8)', async () => {
    const sent = h.fake.autocomplete('quote', 'query', 'Alibaba Cloud', { user: fakeUser('typist') });
    const callback = await h.fake.waitForCallback(sent);
    expect(callback.body.type).toBe(8);
    const choices: Json[] = callback.body.data.choices;
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(tether.calls.findLast((call) => call.method === 'findPassages')).toMatchObject({ text: 'Alibaba Cloud', limit: 25 });
    for (const choice of choices) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      const passage = tether.getPassage(choice.value);
      expect(passage).toBeDefined();
      expect(choice.name.startsWith(passage?.title.slice(0, 20) ?? '?')).toBe(true);
      expect(choice.name).toContain(passage?.text.slice(0, 10));
    }
  });

  it('autocompletes with the opening passages when nothing is typed yet', async () => {
    const sent = h.fake.autocomplete('quote', 'query', '', { user: fakeUser('typist') });
    const callback = await h.fake.waitForCallback(sent);
    expect(callback.body.type).toBe(8);
    expect(callback.body.data.choices.length).toBeGreaterThan(0);
  });

  it('returns the chosen passage verbatim with its citation', async () => {
    const id = 'yinxing-alibaba-cloud-pauses-spin-off:4';
    const sent = h.fake.slashCommand('quote', { query: id }, { user: fakeUser('quoter'), locale: 'zh-TW' });
    const edit = await h.fake.waitForOriginalEdit(sent);
    const [embed] = edit.body.embeds;
    const passage = tether.getPassage(id);
    expect(passage).toBeDefined();
    expect(passageIn(embed.description)).toBe(sourceText(passage?.source ?? '').slice(passage?.start, passage?.end));
    expect(embed.description).toContain('第4段');
    expect(embed.description).toContain('繁體中文');
    expect(edit.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('returns the best matching passages for free text', async () => {
    const sent = h.fake.slashCommand('quote', { query: 'export restrictions on advanced computing chips' }, { user: fakeUser('quoter') });
    const edit = await h.fake.waitForOriginalEdit(sent);
    expect(edit.body.embeds.length).toBeGreaterThan(0);
    const corpus = sourceText('corpus/new-position-alibaba-cloud-turmoil.txt');
    for (const embed of edit.body.embeds) expect(corpus).toContain(passageIn(embed.description));
    expect(passageIn(edit.body.embeds[0].description)).toContain('advanced computing chips');
  });
});

describe('context menu "Find sources"', () => {
  it('finds the passages that bear on a message (type 2, data.type 3, resolved.messages)', async () => {
    const claim = h.fake.storeMessage({ channel_id: h.fake.channel('general'), author: fakeUser('claimant'), content: 'Alibaba Cloud revenue grew 2% to 27.648 billion yuan' });
    const sent = h.fake.messageCommand('Find sources', claim, { user: fakeUser('checker') });
    const callback = await h.fake.waitForCallback(sent);
    expect(callback.body.type).toBe(5);
    const edit = await h.fake.waitForOriginalEdit(sent);
    expect(tether.calls.findLast((call) => call.method === 'findPassages')).toMatchObject({ text: claim.content });
    expect(edit.body.content).toContain('Passages that bear on this message');
    expect(edit.body.content).toContain(claim.id);
    expect(edit.body.embeds.length).toBeGreaterThan(0);
    for (const embed of edit.body.embeds) {
      const text = passageIn(embed.description);
      expect(fs.readFileSync(path.join(projectRoot, 'corpus/new-position-alibaba-cloud-turmoil.txt'), 'utf8') + sourceText('corpus/yinxing-alibaba-cloud-pauses-spin-off.txt')).toContain(text);
    }
  });

  it('says so when the message has no text', async () => {
    const empty = h.fake.storeMessage({ channel_id: h.fake.channel('general'), author: fakeUser('imager'), content: '' });
    const sent = h.fake.messageCommand('Find sources', empty, { user: fakeUser('checker') });
    const callback = await h.fake.waitForCallback(sent);
    expect(callback.body).toMatchObject({ type: 4, data: { flags: 64, content: 'That message has no text to check.' } });
  });
});

describe('/sources and /help', () => {
  it('/sources lists the articles', async () => {
    const sent = h.fake.slashCommand('sources', {}, { user: fakeUser('librarian') });
    const callback = await h.fake.waitForCallback(sent);
    expect(callback.body.type).toBe(4);
    const text = visibleText(callback.body.data);
    for (const source of tether.listSources()) {
      expect(text).toContain(source.title.replace(/,/g, ','));
      expect(text).toContain(`${source.paragraphs} paragraphs`);
    }
  });

  it('/help follows the user locale: English, Traditional and Simplified Chinese', async () => {
    const english = await h.fake.waitForCallback(h.fake.slashCommand('help', {}, { user: fakeUser('en'), locale: 'en-GB' }));
    expect(english.body.data.content).toContain('answers questions about a fixed set of articles');
    const traditional = await h.fake.waitForCallback(h.fake.slashCommand('help', {}, { user: fakeUser('tw'), locale: 'zh-TW' }));
    expect(traditional.body.data.content).toContain('逐字引用');
    expect(traditional.body.data.content).toContain('討論串');
    const simplified = await h.fake.waitForCallback(h.fake.slashCommand('help', {}, { user: fakeUser('cn'), locale: 'zh-CN' }));
    expect(simplified.body.data.content).toContain('子区');
    expect(english.body.data.flags).toBe(64);
  });
});

describe('mentions', () => {
  it('shows typing, answers in a thread started on the question, and a mention there is a follow-up', async () => {
    const user = fakeUser('mentioner');
    const question = 'Why did Alibaba stop the cloud spin-off?';
    const channelId = h.fake.channel('general');
    // Discord markup around it (another user's mention, a custom emoji) is no part of the question.
    const content = `<@${h.fake.botUser.id}> <@${fakeUser('friend').id}> ${question} <:thonk:${snowflake()}>`;
    const message = h.fake.userMessage({ author: user, content, channelId, mentionBot: true });

    const typing = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${channelId}/typing`);
    const thread = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages/${message.id}/threads`);
    expect(thread.body.name).toBe(question);
    const answer = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${message.id}/messages`);
    expect(typing.at).toBeLessThanOrEqual(answer.at);
    expect(answer.body.allowed_mentions).toEqual({ parse: [] });
    expect(quotesIn(answer.body.embeds[0].description)).toHaveLength(3);
    expect(tether.calls.findLast((call) => call.method === 'ask')).toMatchObject({ question, options: { context: undefined } });

    const followUp = h.fake.userMessage({ author: user, content: `<@${h.fake.botUser.id}> and when was that decided?`, channelId: message.id, mentionBot: true });
    const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${message.id}/messages` && r.body?.message_reference?.message_id === followUp.id);
    expect(tether.calls.findLast((call) => call.method === 'ask')).toMatchObject({ question: 'and when was that decided?', options: { context: question } });
    expect(reply.body.allowed_mentions).toEqual({ parse: [], replied_user: true });
    // No second thread for a follow-up.
    expect(h.fake.requests.filter((r) => r.path.endsWith('/threads') && r.path.includes(followUp.id))).toHaveLength(0);

    // A plain reply to the bot's answer in the thread (no ping) is a follow-up too, carrying both earlier turns.
    const botAnswer = [...h.fake.messages.values()].find((m) => m.message_reference?.message_id === followUp.id && m.author.id === h.fake.botUser.id);
    const plainReply = h.fake.userMessage({ author: user, content: 'and why?', channelId: message.id, replyTo: botAnswer });
    await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === plainReply.id);
    expect(tether.calls.findLast((call) => call.method === 'ask')).toMatchObject({
      question: 'and why?',
      options: { context: `${question}\nand when was that decided?` },
    });
  });

  it('answers in place where a thread cannot be started', async () => {
    const channelId = h.fake.channel('no-threads');
    h.fake.noThreadChannels.add(channelId);
    const message = h.fake.userMessage({ author: fakeUser('nothreads'), content: `<@${h.fake.botUser.id}> What did Cai Chongxin say about the cloud business?`, channelId, mentionBot: true });
    const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages` && r.body?.message_reference?.message_id === message.id);
    expect(reply.body.embeds).toHaveLength(1);
    expect(h.logs.some((line) => line.msg === 'could not answer in a thread; replying in place')).toBe(true);
  });

  it('ignores bots, itself, and messages that do not address it', async () => {
    const channelId = h.fake.channel('other');
    const before = h.fake.requests.length;
    const bot = { ...fakeUser('otherbot'), bot: true };
    h.fake.userMessage({ author: bot, content: `<@${h.fake.botUser.id}> Why did Alibaba stop the cloud spin-off?`, channelId, mentionBot: true });
    h.fake.userMessage({ author: h.fake.botUser, content: `<@${h.fake.botUser.id}> Why?`, channelId, mentionBot: true });
    h.fake.userMessage({ author: fakeUser('chatter'), content: 'Why did Alibaba stop the cloud spin-off?', channelId });
    // A marker message that is answered proves the three before it were processed and ignored.
    const marker = h.fake.userMessage({ author: fakeUser('marker'), content: `<@${h.fake.botUser.id}> Alibaba Cloud outages`, channelId, mentionBot: true });
    await h.fake.waitForRequest((r) => r.method === 'POST' && r.path.endsWith(`/messages/${marker.id}/threads`));
    await h.bot.idle();
    const made = h.fake.requests.slice(before).filter((r) => r.path.startsWith(`/channels/${channelId}`));
    expect(made.map((r) => r.path)).toEqual([`/channels/${channelId}/typing`, `/channels/${channelId}/messages/${marker.id}/threads`]);
  });
});

describe('the error boundary', () => {
  it('answers a failing autocomplete with no choices', async () => {
    const original = tether.findPassages;
    tether.findPassages = async () => {
      throw new Error('retrieval down');
    };
    try {
      const sent = h.fake.autocomplete('quote', 'query', 'cloud', { user: fakeUser('typist') });
      const callback = await h.fake.waitForCallback(sent);
      expect(callback.body).toEqual({ type: 8, data: { choices: [] } });
    } finally {
      tether.findPassages = original;
    }
  });

  it('tells a mention a failure briefly, without details, and keeps answering', async () => {
    tether.failNextAsk(new Error('kaboom at /internal/path'));
    const channelId = h.fake.channel('other');
    const message = h.fake.userMessage({ author: fakeUser('unlucky'), content: `<@${h.fake.botUser.id}> Alibaba Cloud outages`, channelId, mentionBot: true });
    const note = await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === message.id);
    expect(note.body.content).toBe('Something went wrong on our side; the details are in the log.');
    expect(note.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(h.logs.some((line) => line.msg === 'message failed' && String(line.err?.stack).includes('kaboom'))).toBe(true);
    const next = h.fake.userMessage({ author: fakeUser('lucky'), content: `<@${h.fake.botUser.id}> Alibaba Cloud outages`, channelId, mentionBot: true });
    await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${next.id}/messages`);
  });
});

describe("Discord's limits and hostile input", () => {
  it('never lets user or corpus text ping anyone, escapes echoed text, and survives 10,000 characters', async () => {
    const user = fakeUser('mallory');
    const hostile = '@everyone @here <@&123456789012345678> <@987654321098765432> **bold** __u__ `code` [x](https://evil.example) \u200b\u200f\u202eRTL\u202c';
    const first = await ask(`${hostile} why was the spin-off cancelled?`, user);
    const title: string = first.body.embeds[0].title;
    // Mentions are no part of a question: the echoed one holds none to ping with.
    expect(title).not.toMatch(/@everyone|@here|<@/);
    expect(title).toContain('why was the spin-off cancelled?');
    expect(title).not.toMatch(/[\u202a-\u202e]/);
    expect(title).toContain('\\*\\*bold\\*\\*');
    expect(title).not.toMatch(/(^|[^\\])\*\*bold/);

    const huge = h.fake.slashCommand('ask', { question: 'x'.repeat(10_000) }, { user: fakeUser('huge') });
    const hugeCallback = await h.fake.waitForCallback(huge);
    expect(hugeCallback.body.data.content).toMatch(/10000 characters long/);

    const channelId = h.fake.channel('general');
    const mention = h.fake.userMessage({ author: fakeUser('mallory2'), content: `<@${h.fake.botUser.id}> ${hostile} ${'y'.repeat(10_000)}`, channelId, mentionBot: true });
    const note = await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === mention.id);
    expect(note.body.content).toMatch(/limit is 500/);
    expect(note.body.allowed_mentions).toEqual({ parse: [], replied_user: false });

    const markdownOnly = h.fake.userMessage({ author: fakeUser('mallory3'), content: `<@${h.fake.botUser.id}> ${hostile} Alibaba cloud`, channelId, mentionBot: true });
    const threadAnswer = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${markdownOnly.id}/messages`);
    expect(threadAnswer.status).toBe(200);

    await h.bot.idle();
    const bodies = sentMessageBodies(h.fake);
    expect(bodies.length).toBeGreaterThan(10);
    for (const { body } of bodies) {
      expect(body.allowed_mentions?.parse).toEqual([]);
      expect(visibleText(body)).not.toMatch(/@(everyone|here)|<@&?\d/);
    }
    expect(h.fake.violations).toEqual([]);
  });

  it('keeps every message within Discord limits, even for very long quotes (shortened with "…", citation kept)', async () => {
    const longText = `${'A very long sentence about Alibaba Cloud that goes on and on. '.repeat(120)}`;
    const longTether = createFakeTether();
    const original = longTether.ask.bind(longTether);
    longTether.ask = async (question, options) => {
      const answer = await original(question, options);
      return { ...answer, answer: 'word '.repeat(2000), quotes: answer.quotes.map((quote) => ({ ...quote, text: longText })) };
    };
    const own = await startHarness({ tether: longTether });
    try {
      const sent = own.fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser('long') });
      const edit = await own.fake.waitForOriginalEdit(sent);
      const embed = edit.body.embeds[0];
      expect(embed.description.length).toBeLessThanOrEqual(4096);
      const shown = quotesIn(embed.description);
      expect(shown).toHaveLength(3);
      for (const quote of shown) {
        expect(quote.text.endsWith('…')).toBe(true);
        expect(longText.startsWith(quote.text.slice(0, -1))).toBe(true);
        expect(quote.citation).toMatch(/paragraph \d+$/);
      }
      expect(own.fake.violations).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
