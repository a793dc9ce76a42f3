import type { Tether } from '../answer/types.js';
import type { Config } from '../config.js';
import type { FeedbackLog } from '../feedback/log.js';
import type { Logger } from '../logger.js';
import type { AnswerStore } from './answers.js';
import type { LRUCache } from 'lru-cache';
import type { Delivery } from './delivery.js';
import type { RateLimiter } from './rate-limit.js';

/** The Discord settings the handlers read. */
export type DiscordSettings = Pick<Config['discord'], 'allowedChannelIds' | 'allowDms' | 'rateLimitPerMinute' | 'maxQuestionLength'>;

/** Everything a handler needs, built once per bot and passed down explicitly. */
export interface BotContext {
  tether: Tether;
  logger: Logger;
  settings: DiscordSettings;
  answers: AnswerStore;
  /** Recent questions per thread (latest last), so a follow-up there carries the previous turn. */
  conversations: LRUCache<string, string[]>;
  feedback: FeedbackLog;
  rateLimiter: RateLimiter;
  /** Sends to Discord with bounded retries. */
  delivery: Delivery;
}
