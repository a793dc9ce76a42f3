/**
 * Faults Discord inflicts on a running bot, against the fake Discord (issue 11): threads the bot may not post in,
 * deleted "thinking…" messages, runs of 5xx, a lost gateway, rate-limited users, a guild removed mid-answer, and
 * tokens in logs. Retry waits run on a skipping clock: no test waits in real time for a backoff.
 */
import { describe, expect, it } from 'vitest';
import { FakeDiscord, fakeUser, sendMessagesInThreads, type Json, type RecordedRequest } from './fake-discord.js';
import { createFakeTether, type FakeTether } from './fake-tether.js';
import { quotesIn } from './helpers.js';
import { skippingClock, startHarness, type Harness } from './harness.js';

const question = 'Why did Alibaba stop the cloud spin-off?';
/** Discord's limits the retries must respect: an interaction token lives 15 minutes; a mention is worth about a minute. */
const tokenLifeMs = 15 * 60_000;
const mentionPatienceMs = 60_000;
const serverError = { status: 500, body: { message: '500: Internal Server Error', code: 0 } };

/** Runs `test` against a fresh bot, closed afterwards, so no fault or clock leaks into another test. */
async function withHarness(options: Parameters<typeof startHarness>[0], test: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness(options);
  try {
    await test(h);
  } finally {
    await h.close();
  }
}

function asks(tether: FakeTether, text: string): number {
  return tether.calls.filter((call) => call.method === 'ask' && call.question === text).length;
}

function mention(fake: FakeDiscord, text: string, options: { channelId?: string; author?: ReturnType<typeof fakeUser> } = {}): Json {
  return fake.userMessage({ author: options.author ?? fakeUser('asker'), content: `<@${fake.botUser.id}> ${text}`, channelId: options.channelId, mentionBot: true });
}

/** Posts the bot made in a channel (or a thread) with a body. */
function postsIn(fake: FakeDiscord, channelId: string): RecordedRequest[] {
  return fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`);
}

describe('threads the bot cannot post in (item 1)', () => {
  it('replies in the channel without starting a thread where permissions forbid posting in threads', async () => {
    const tether = createFakeTether();
    const fake = await FakeDiscord.start();
    // Set before login, so the overwrite arrives in GUILD_CREATE as on Discord.
    const channelId = fake.channel('general');
    fake.deniedInChannel.set(channelId, sendMessagesInThreads);
    try {
      await withHarness({ tether, fake }, async (h) => {
        const message = mention(h.fake, question, { channelId });
        const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === message.id);
        expect(reply.path).toBe(`/channels/${channelId}/messages`);
        expect(reply.status).toBe(200);
        expect(quotesIn(reply.body.embeds[0].description)).toHaveLength(3);
        await h.settle();
        expect(h.fake.requests.filter((r) => r.path.endsWith('/threads'))).toEqual([]);
        expect(asks(tether, question)).toBe(1);
      });
    } finally {
      await fake.close();
    }
  });

  it('deletes a thread it started but was refused to post in, and answers in the channel', async () => {
    await withHarness({}, async (h) => {
      const channelId = h.fake.channel('general');
      h.fake.noThreadPostChannels.add(channelId);
      const message = mention(h.fake, question, { channelId });
      const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === message.id);
      expect(reply.path).toBe(`/channels/${channelId}/messages`);
      await h.settle();
      const refused = postsIn(h.fake, message.id);
      expect(refused.map((r) => r.status)).toEqual([403]);
      expect(h.fake.deletedThreads).toEqual([message.id]);
      const deletion = h.fake.requests.find((r) => r.method === 'DELETE' && r.path === `/channels/${message.id}`);
      expect(deletion?.at).toBeLessThanOrEqual(reply.at);
    });
  });
});

describe('a deleted "thinking…" message (item 2)', () => {
  const unknownMessage = { status: 404, body: { message: 'Unknown Message', code: 10008 } };

  it('sends the answer as a follow-up, ephemeral like the reply, without asking the core again', async () => {
    const tether = createFakeTether();
    await withHarness({ tether }, async (h) => {
      h.fake.failNext('PATCH', /\/messages\/@original$/, unknownMessage, Number.POSITIVE_INFINITY);
      const sent = h.fake.slashCommand('ask', { question }, { user: fakeUser('deleter') });
      const followUp = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/webhooks/${h.fake.applicationId}/${sent.token}`);
      expect(followUp.status).toBe(200);
      expect(followUp.body.flags).toBe(64);
      expect(quotesIn(followUp.body.embeds[0].description)).toHaveLength(3);
      expect(followUp.body.allowed_mentions).toEqual({ parse: [] });
      await h.settle();
      expect(asks(tether, question)).toBe(1);
      expect(h.logs.some((line) => line.msg === 'interaction failed')).toBe(false);
    });
  });

  it('sends an error notice as an ephemeral follow-up too', async () => {
    const tether = createFakeTether();
    await withHarness({ tether }, async (h) => {
      h.fake.failNext('PATCH', /\/messages\/@original$/, unknownMessage, Number.POSITIVE_INFINITY);
      tether.failNextAsk(new Error('core down'));
      const sent = h.fake.slashCommand('ask', { question }, { user: fakeUser('deleter2') });
      const followUp = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/webhooks/${h.fake.applicationId}/${sent.token}`);
      expect(followUp.body).toMatchObject({ content: 'Something went wrong on our side; the details are in the log.', flags: 64 });
    });
  });
});

describe('a run of 5xx (item 3)', () => {
  it('/ask: the answer lands after a 5-second outage of reply edits; computed once, retried with growing waits', async () => {
    const tether = createFakeTether();
    const clock = skippingClock();
    await withHarness({ tether, clock }, async (h) => {
      const outageEnds = clock.now() + 5000;
      h.fake.failWhile('PATCH', /\/messages\/@original$/, serverError, () => clock.now() < outageEnds);
      const sent = h.fake.slashCommand('ask', { question }, { user: fakeUser('patient') });
      const edit = await h.fake.waitForOriginalEdit(sent);
      expect(quotesIn(edit.body.embeds[0].description)).toHaveLength(3);
      const attempts = h.fake.interactionRequests(sent).filter((r) => r.method === 'PATCH');
      expect(attempts.map((r) => r.status)).toEqual([500, 500, 500, 500, 500, 200]);
      expect(clock.waits).toEqual([250, 500, 1000, 2000, 4000]);
      await h.settle();
      expect(asks(tether, question)).toBe(1);
      expect(h.logs.filter((line) => line.msg === 'Discord call failed: retrying')).toHaveLength(5);
    });
  });

  it('/ask: the deferral is retried within the 3 seconds Discord allows, and the answer follows', async () => {
    const clock = skippingClock();
    await withHarness({ clock }, async (h) => {
      const outageEnds = clock.now() + 1500;
      h.fake.failWhile('POST', /\/callback$/, serverError, () => clock.now() < outageEnds);
      const sent = h.fake.slashCommand('ask', { question }, { user: fakeUser('early') });
      const edit = await h.fake.waitForOriginalEdit(sent);
      expect(quotesIn(edit.body.embeds[0].description)).toHaveLength(3);
      const callbacks = h.fake.interactionRequests(sent).filter((r) => r.path.endsWith('/callback'));
      expect(callbacks.map((r) => r.status)).toEqual([500, 500, 500, 204]);
      expect(clock.waits.reduce((a, b) => a + b, 0)).toBeLessThan(3000);
    });
  });

  it('/ask: stops retrying before the 15-minute token expires, after a bounded number of calls', async () => {
    const clock = skippingClock();
    await withHarness({ clock }, async (h) => {
      h.fake.failWhile('PATCH', /\/messages\/@original$/, serverError, () => true);
      h.fake.failWhile('POST', /^\/webhooks\//, serverError, () => true);
      const sent = h.fake.slashCommand('ask', { question }, { user: fakeUser('doomed') });
      await h.fake.waitForCallback(sent);
      await h.settle();
      const calls = h.fake.interactionRequests(sent).filter((r) => !r.path.endsWith('/callback'));
      expect(calls.every((r) => r.status === 500)).toBe(true);
      // Retried for most of the token's life, never past it: waits of at most 30 s, 14.5 minutes in all.
      const waited = clock.waits.reduce((a, b) => a + b, 0);
      expect(waited).toBeGreaterThan(14 * 60_000);
      expect(waited).toBeLessThan(tokenLifeMs);
      expect(Math.max(...clock.waits)).toBe(30_000);
      // About 35 attempts at the answer, then a few at the error notice in the time left.
      expect(calls.length).toBeLessThan(50);
      expect(h.logs.some((line) => line.msg === 'Discord call failed: giving up' && line.what === 'edit reply')).toBe(true);
    });
  });

  it('a mention during a 5-second outage is answered once it ends, in its thread, computed once', async () => {
    const tether = createFakeTether();
    const clock = skippingClock();
    await withHarness({ tether, clock }, async (h) => {
      const outageEnds = clock.now() + 5000;
      h.fake.failWhile('POST', /^\/channels\//, serverError, () => clock.now() < outageEnds);
      const channelId = h.fake.channel('general');
      const message = mention(h.fake, question, { channelId });
      const answer = await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${message.id}/messages` && r.status === 200);
      expect(quotesIn(answer.body.embeds[0].description)).toHaveLength(3);
      await h.settle();
      expect(asks(tether, question)).toBe(1);
      const threadStarts = h.fake.requests.filter((r) => r.path === `/channels/${channelId}/messages/${message.id}/threads`);
      expect(threadStarts.at(-1)?.status).toBe(200);
      // No reply in the channel: the answer is in the thread only.
      expect(postsIn(h.fake, channelId)).toEqual([]);
      // The same nonce on every attempt, enforced, so a retried create never posts twice.
      expect(answer.body).toMatchObject({ enforce_nonce: true, nonce: expect.any(String) });
    });
  });

  it('a mention gives up after about a minute of outage', async () => {
    const clock = skippingClock();
    await withHarness({ clock }, async (h) => {
      h.fake.failWhile('POST', /^\/channels\//, serverError, () => true);
      const message = mention(h.fake, question, { channelId: h.fake.channel('general') });
      await h.fake.waitForRequest((r) => r.path.includes(message.id));
      await h.settle();
      const waited = clock.waits.reduce((a, b) => a + b, 0);
      expect(waited).toBeGreaterThan(30_000);
      expect(waited).toBeLessThanOrEqual(mentionPatienceMs);
      expect(h.logs.some((line) => line.msg === 'Discord call failed: giving up')).toBe(true);
    });
  });
});

describe('a gateway closed for good (item 4)', () => {
  it('on close code 4004 the bot reports the loss with what to check', async () => {
    await withHarness({}, async (h) => {
      h.fake.closeGateway(4004);
      const error = await h.bot.lost;
      expect(error.message).toContain('4004 (AuthenticationFailed)');
      expect(error.hint).toContain('DISCORD_TOKEN');
      expect(h.logs.some((line) => line.level === 60 && line.code === 4004)).toBe(true);
    });
  });

  it('on close code 4014 the hint names the Message Content Intent', async () => {
    await withHarness({}, async (h) => {
      h.fake.closeGateway(4014);
      expect((await h.bot.lost).hint).toContain('Message Content Intent');
    });
  });
});

describe('a rate-limited user (item 5)', () => {
  it('eight mentions in a second: two answers, no public refusal, one quiet reaction', async () => {
    await withHarness({ settings: { rateLimitPerMinute: 2 } }, async (h) => {
      const author = fakeUser('spammer');
      const channelId = h.fake.channel('general');
      const messages = Array.from({ length: 8 }, (_, i) => mention(h.fake, `${question} (${i})`, { channelId, author }));
      await h.fake.waitForRequest((r) => r.method === 'PUT' && r.path.includes('/reactions/'));
      await h.settle();
      const answered = messages.filter((m) => postsIn(h.fake, m.id).length > 0);
      expect(answered).toHaveLength(2);
      // Nothing posted in the channel itself: no "you're asking too often" for everyone to read.
      expect(postsIn(h.fake, channelId)).toEqual([]);
      const reactions = h.fake.requests.filter((r) => r.method === 'PUT' && r.path.includes('/reactions/'));
      expect(reactions.map((r) => r.path)).toEqual([`/channels/${channelId}/messages/${messages[2]?.id}/reactions/⏳/@me`]);
    });
  });

  it('in a DM the refusal is a reply, once per window', async () => {
    await withHarness({ settings: { rateLimitPerMinute: 1 } }, async (h) => {
      const author = fakeUser('dm-spammer');
      const first = h.fake.userMessage({ author, content: question, dm: true });
      const messages = [first, ...Array.from({ length: 3 }, () => h.fake.userMessage({ author, content: question, dm: true, channelId: first.channel_id }))];
      await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === messages[1]?.id);
      await h.settle();
      const replies = h.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${first.channel_id}/messages`);
      expect(replies).toHaveLength(2);
      const notice = replies.find((r) => r.body?.message_reference?.message_id === messages[1]?.id);
      expect(notice?.body.content).toMatch(/asking a lot at once/);
    });
  });
});

describe('removed from a guild mid-answer (item 7)', () => {
  it('stops without an exception or a call to the guild, and keeps answering elsewhere', async () => {
    const tether = createFakeTether();
    await withHarness({ tether }, async (h) => {
      const channelId = h.fake.channel('general');
      const typing = h.fake.holdNext('POST', new RegExp(`^/channels/${channelId}/typing$`));
      mention(h.fake, question, { channelId });
      await typing.arrived;
      h.fake.removeBotFromGuild(h.fake.guild.id);
      await waitUntil(() => !h.bot.client.guilds.cache.has(h.fake.guild.id));
      typing.release();
      await h.settle();
      expect(h.logs.filter((line) => line.level >= 50)).toEqual([]);
      expect(h.logs.some((line) => line.msg === 'the channel is gone (bot removed or channel deleted): not answering')).toBe(true);
      expect(asks(tether, question)).toBe(0);
      expect(h.fake.requests.filter((r) => r.path.startsWith(`/channels/${channelId}/messages`))).toEqual([]);

      const dm = h.fake.userMessage({ author: fakeUser('elsewhere'), content: question, dm: true });
      await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === dm.id);
    });
  });
});

describe('interaction tokens in logs (item 8)', () => {
  it('a failing interaction call is logged with its URL, the token redacted', async () => {
    await withHarness({}, async (h) => {
      h.fake.failNext('PATCH', /\/messages\/@original$/, { status: 403, body: { message: 'Missing Access', code: 50001 } }, 2);
      const sent = h.fake.slashCommand('ask', { question }, { user: fakeUser('leaky') });
      await h.fake.waitForCallback(sent);
      await h.settle();
      expect(h.fake.interactionRequests(sent).filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([403, 403]);
      const failure = h.logs.find((line) => line.msg === 'interaction failed');
      expect(failure?.err?.url).toMatch(new RegExp(`/webhooks/${h.fake.applicationId}/\\[redacted\\]/messages/(@|%40)original$`));
      expect(JSON.stringify(h.logs)).not.toContain(sent.token);
    });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
