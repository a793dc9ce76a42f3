/**
 * The bot under pressure and misconfiguration, against the fake Discord: rate limits (ours and Discord's), gateway
 * resume, bursts, sharding, channel allow-list and DMs, shutdown, and command registration.
 */
import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/discord/commands/index.js';
import { deployCommands } from '../../src/discord/deploy.js';
import { FakeDiscord, fakeUser } from './fake-discord.js';
import { createFakeTether } from './fake-tether.js';
import { quotesIn } from './helpers.js';
import { startHarness, type Harness } from './harness.js';

describe('per-user rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ settings: { rateLimitPerMinute: 2 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers the first questions, then replies with an ephemeral friendly note (a mention is refused quietly); other users are unaffected', async () => {
    const user = fakeUser('eager');
    for (let i = 0; i < 2; i += 1) {
      const sent = h.fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user });
      expect((await h.fake.waitForCallback(sent)).body.type).toBe(5);
    }
    const third = h.fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user });
    const refused = await h.fake.waitForCallback(third);
    expect(refused.body).toMatchObject({ type: 4, data: { flags: 64, allowed_mentions: { parse: [] } } });
    expect(refused.body.data.content).toMatch(/You're asking a lot at once\. Please try again in about \d+ s\./);

    const mention = h.fake.userMessage({ author: user, content: `<@${h.fake.botUser.id}> Alibaba Cloud outages`, mentionBot: true });
    // Already told (ephemerally) in this window: no public reply, not even a reaction.
    await waitUntil(() => h.logs.some((line) => line.msg === 'mention over the rate limit: refused quietly' && line.told === false));
    await h.settle();
    expect(h.fake.requests.filter((r) => r.path.includes(mention.id))).toEqual([]);

    const other = h.fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser('patient') });
    expect((await h.fake.waitForCallback(other)).body.type).toBe(5);
  });
});

describe('Discord under load and failure', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('waits out a REST 429 with Retry-After and then delivers the answer', async () => {
    h.fake.failNext('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/, {
      status: 429,
      headers: { 'retry-after': '1', 'x-ratelimit-scope': 'user' },
      body: { message: 'You are being rate limited.', retry_after: 1, global: false },
    });
    const sent = h.fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser('throttled') });
    const edit = await h.fake.waitForOriginalEdit(sent);
    const attempts = h.fake.interactionRequests(sent).filter((r) => r.method === 'PATCH');
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    // Retried only after the second Discord asked for.
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(quotesIn(edit.body.embeds[0].description)).toHaveLength(3);
    expect(h.logs.some((line) => line.msg === 'Discord answered 429: retrying after Retry-After')).toBe(true);
  });

  it('resumes after the gateway closes with 4000 and answers the next question', async () => {
    const resumesBefore = h.fake.resumes.length;
    h.fake.closeGateway(4000);
    await waitUntil(() => h.fake.openSessions === 1 && h.fake.resumes.length > resumesBefore);
    await waitUntil(() => h.logs.some((line) => line.msg === 'shard resumed'));
    expect(h.fake.identifies).toHaveLength(1);
    expect(h.logs.some((line) => line.msg === 'gateway connection closed' && line.code === 4000)).toBe(true);
    expect(h.logs.some((line) => line.msg === 'shard reconnecting')).toBe(true);
    const sent = h.fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser('after-resume') });
    const edit = await h.fake.waitForOriginalEdit(sent);
    expect(quotesIn(edit.body.embeds[0].description)).toHaveLength(3);
  });

  it('answers 50 interactions sent at once', async () => {
    const sent = Array.from({ length: 50 }, (_, i) =>
      h.fake.slashCommand('ask', { question: i % 2 ? 'Why did Alibaba stop the cloud spin-off?' : 'Alibaba Cloud revenue growth' }, { user: fakeUser(`burst${i}`) }),
    );
    const edits = await Promise.all(sent.map((interaction) => h.fake.waitForOriginalEdit(interaction, 30_000)));
    expect(edits).toHaveLength(50);
    for (const edit of edits) expect(quotesIn(edit.body.embeds[0].description).length).toBeGreaterThan(0);
    for (const interaction of sent) {
      const callbacks = h.fake.interactionRequests(interaction).filter((r) => r.path.endsWith('/callback'));
      expect(callbacks.map((r) => r.body.type)).toEqual([5]);
    }
    expect(h.fake.violations).toEqual([]);
  });
});

describe('DMs refused by setting', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ settings: { allowDms: false } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses commands ephemerally and messages with a short reply', async () => {
    const sent = h.fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser('dm'), dm: true });
    const callback = await h.fake.waitForCallback(sent);
    expect(callback.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(callback.body.data.content).toMatch(/direct messages/);

    const message = h.fake.userMessage({ author: fakeUser('dm2'), content: 'Why did Alibaba stop the cloud spin-off?', dm: true });
    const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === message.id);
    expect(reply.body.content).toMatch(/direct messages/);
    expect(reply.body.embeds ?? []).toEqual([]);
  });
});

describe('channel allow-list, DMs allowed', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ settings: (fake) => ({ allowedChannelIds: [fake.channel('general')], allowDms: true }) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers in an allow-listed channel and in threads under it', async () => {
    const channelId = h.fake.channel('general');
    const sent = h.fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser('ok'), channelId });
    expect((await h.fake.waitForCallback(sent)).body.type).toBe(5);
    const message = h.fake.userMessage({ author: fakeUser('ok2'), content: `<@${h.fake.botUser.id}> Alibaba Cloud outages`, channelId, mentionBot: true });
    await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${message.id}/messages`);
    const followUp = h.fake.userMessage({ author: fakeUser('ok2'), content: `<@${h.fake.botUser.id}> and why?`, channelId: message.id, mentionBot: true });
    await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === followUp.id);
  });

  it('refuses commands elsewhere ephemerally and ignores mentions there', async () => {
    const channelId = h.fake.channel('other');
    const sent = h.fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser('elsewhere'), channelId });
    const callback = await h.fake.waitForCallback(sent);
    expect(callback.body).toMatchObject({ type: 4, data: { flags: 64, content: "I don't answer in this channel." } });

    const before = h.fake.requests.length;
    h.fake.userMessage({ author: fakeUser('elsewhere2'), content: `<@${h.fake.botUser.id}> Alibaba Cloud outages`, channelId, mentionBot: true });
    const marker = h.fake.userMessage({ author: fakeUser('marker'), content: `<@${h.fake.botUser.id}> Alibaba Cloud outages`, channelId: h.fake.channel('general'), mentionBot: true });
    await h.fake.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${marker.id}/messages`);
    expect(h.fake.requests.slice(before).filter((r) => r.path.startsWith(`/channels/${channelId}`))).toEqual([]);
  });

  it('answers DMs in place when they are allowed', async () => {
    const message = h.fake.userMessage({ author: fakeUser('dmfan'), content: 'Why did Alibaba stop the cloud spin-off?', dm: true });
    const reply = await h.fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === message.id);
    expect(reply.path).toBe(`/channels/${message.channel_id}/messages`);
    expect(quotesIn(reply.body.embeds[0].description)).toHaveLength(3);
    expect(h.fake.requests.some((r) => r.path.startsWith(`/channels/${message.channel_id}/`) && r.path.endsWith('/threads'))).toBe(false);

    const sent = h.fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser('dmcommand'), dm: true });
    const edit = await h.fake.waitForOriginalEdit(sent);
    expect(quotesIn(edit.body.embeds[0].description)).toHaveLength(3);
  });
});

describe('follow-ups after a restart', () => {
  it('a mention in a thread the bot started earlier carries the question the thread was started on', async () => {
    const fake = await FakeDiscord.start();
    const channelId = fake.channel('general');
    const starter = fake.storeMessage({ channel_id: channelId, guild_id: fake.guild.id, author: fakeUser('earlier'), content: `<@${fake.botUser.id}> Why did Alibaba stop the cloud spin-off?` });
    const threadId = fake.addExistingThread(channelId, starter);
    const tether = createFakeTether();
    const h = await startHarness({ fake, tether });
    try {
      const followUp = fake.userMessage({ author: fakeUser('earlier'), content: `<@${fake.botUser.id}> and when?`, channelId: threadId, mentionBot: true });
      const reply = await fake.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === followUp.id);
      expect(reply.path).toBe(`/channels/${threadId}/messages`);
      expect(fake.requests.some((r) => r.method === 'GET' && r.path === `/channels/${channelId}/messages/${threadId}`)).toBe(true);
      expect(tether.calls.findLast((call) => call.method === 'ask')).toMatchObject({
        question: 'and when?',
        options: { context: 'Why did Alibaba stop the cloud spin-off?' },
      });
    } finally {
      await h.close();
      await fake.close();
    }
  });
});

describe('sharding', () => {
  it('runs 2 shards, each identifying with [i, 2] and answering for its own guild', async () => {
    // Guild ids chosen so (id >> 22) % 2 puts one guild on each shard.
    const guildIds = [String(1_000_000n << 22n), String(1_000_001n << 22n)];
    const fake = await FakeDiscord.start({ guildIds });
    const harnesses: Harness[] = [];
    try {
      const shardHarness = async (shard: number) => startHarness({ fake, clientOptions: { shards: shard, shardCount: 2 } });
      harnesses.push(await shardHarness(0), await shardHarness(1));
      expect(fake.identifies.map((identify) => identify.shard).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      for (const [shard, harness] of harnesses.entries()) {
        const guildId = guildIds[shard] ?? '';
        expect([...harness.bot.client.guilds.cache.keys()]).toEqual([guildId]);
        const channelId = fake.guilds[shard]?.channels[0]?.id ?? '';
        const sent = fake.slashCommand('ask', { question: 'Why did Alibaba stop the cloud spin-off?' }, { user: fakeUser(`shard${shard}`), channelId });
        const edit = await fake.waitForOriginalEdit(sent);
        expect(quotesIn(edit.body.embeds[0].description)).toHaveLength(3);
        expect(harness.logs.some((line) => line.msg === 'interaction failed')).toBe(false);
      }
    } finally {
      for (const harness of harnesses) await harness.close();
      await fake.close();
    }
  });
});

describe('deploy-commands', () => {
  it('registers every command in one guild when a guild id is given, globally otherwise', async () => {
    const fake = await FakeDiscord.start();
    try {
      const rest = new REST({ api: fake.apiBase }).setToken('fake-token');
      const guild = await deployCommands({ rest, guildId: fake.guild.id });
      expect(guild).toMatchObject({ scope: 'guild', applicationId: fake.applicationId });
      expect(guild.names.sort()).toEqual(['Find sources', 'ask', 'help', 'quote', 'sources']);
      const put = await fake.waitForRequest((r) => r.method === 'PUT' && r.path === `/applications/${fake.applicationId}/guilds/${fake.guild.id}/commands`);
      expect(put.headers.authorization).toBe('Bot fake-token');
      const quote = put.body.find((command: { name: string }) => command.name === 'quote');
      expect(quote.options[0]).toMatchObject({ name: 'query', type: 3, required: true, autocomplete: true });
      const menu = put.body.find((command: { name: string }) => command.name === 'Find sources');
      expect(menu.type).toBe(3);

      const global = await deployCommands({ rest, applicationId: fake.applicationId });
      expect(global.scope).toBe('global');
      expect(fake.commands.get('global')).toHaveLength(commands.length);
      expect(fake.violations).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

describe('shutdown', () => {
  it('lets an answer in progress finish, then destroys the client and flushes the feedback log', async () => {
    const h = await startHarness();
    try {
      const sent = h.fake.slashCommand('ask', { question: 'a question nobody can answer about penguins and volcanoes' }, { user: fakeUser('last') });
      await h.fake.waitForCallback(sent);
      await h.bot.stop();
      expect(h.fake.interactionRequests(sent).some((r) => r.method === 'PATCH' && r.status === 200)).toBe(true);
      expect(h.bot.client.isReady()).toBe(false);
      expect(h.logs.some((line) => line.msg === 'Discord client stopped')).toBe(true);
    } finally {
      // Stops nothing more (the bot is stopped): closes the fake and removes the harness's temp folder.
      await h.close();
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
