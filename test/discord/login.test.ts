import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/discord/bot.js';
import { createFeedbackLog } from '../../src/feedback/log.js';
import { createLogger } from '../../src/logger.js';
import { closedAddress } from '../cli/servers.js';
import { FakeDiscord } from './fake-discord.js';
import { createFakeTether } from './fake-tether.js';
import { testSettings } from './harness.js';

let fake: FakeDiscord;

beforeAll(async () => {
  fake = await FakeDiscord.start();
});

afterAll(async () => {
  await fake.close();
});

/** A bot over a fake core that talks to Discord at `apiBase`. */
function botAt(apiBase: string) {
  const logger = createLogger('silent');
  return createBot({
    tether: createFakeTether(),
    logger,
    settings: testSettings,
    feedback: createFeedbackLog({ path: '/nonexistent/feedback.jsonl', salt: 'salt', logger }),
    apiBase,
  });
}

describe('logging in', () => {
  it('a token Discord refuses gives a message that says what to check, without the token', async () => {
    fake.failNext('GET', /^\/gateway\/bot$/, { status: 401, body: { message: '401: Unauthorized', code: 0 } });
    const bot = botAt(fake.apiBase);
    const failure = bot.start('a-refused-token');
    await expect(failure).rejects.toMatchObject({ code: 'UPSTREAM', hint: expect.stringContaining('DISCORD_TOKEN') });
    await expect(failure).rejects.not.toMatchObject({ message: expect.stringContaining('a-refused-token') });
    await bot.stop();
  });

  it('a Discord that cannot be reached is told apart from a refused token, with the URL and the fix', async () => {
    const down = await closedAddress();
    const bot = botAt(`${down}/api`);
    const failure = bot.start('some-token');
    await expect(failure).rejects.toMatchObject({
      code: 'UPSTREAM',
      message: `Could not log in to Discord: Discord is unreachable at ${down}/api (ECONNREFUSED).`,
      hint: expect.stringContaining('DISCORD_API_BASE'),
    });
    await bot.stop();
  });
});
