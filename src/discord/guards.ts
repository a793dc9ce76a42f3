import type { BotContext, DiscordSettings } from './context.js';
import { t, type UiLang } from '../i18n.js';

/** Where a message or interaction happened, as far as the guards care. */
export interface Place {
  inGuild: boolean;
  channelId: string | null;
  /** The parent channel of a thread, so allow-listing a channel covers its threads. */
  parentId: string | null;
}

/** Why the bot will not answer somewhere, as a user-facing note; undefined when it will. */
export function refusePlace(place: Place, settings: DiscordSettings, ui: UiLang): string | undefined {
  if (!place.inGuild) return settings.allowDms ? undefined : t(ui).dmsNotAllowed;
  const allowed = settings.allowedChannelIds;
  if (allowed.length === 0) return undefined;
  const inList = [place.channelId, place.parentId].some((id) => id !== null && allowed.includes(id));
  return inList ? undefined : t(ui).channelNotAllowed;
}

/**
 * Checks a question before any work: not empty, not too long, and the user within the rate limit.
 * Returns the note to show when refused; counts the question against the limit when admitted.
 */
export function refuseQuestion(question: string, userId: string, ctx: BotContext, ui: UiLang): string | undefined {
  return refuseQuestionText(question, ctx, ui) ?? refuseRate(userId, ctx, ui);
}

/** Checks a question's text only (not empty, not too long); the note to show when refused. */
export function refuseQuestionText(question: string, ctx: BotContext, ui: UiLang): string | undefined {
  const s = t(ui);
  const trimmed = question.trim();
  if (!trimmed) return s.emptyQuestion;
  // Counted in code points, as users count characters.
  const length = [...trimmed].length;
  if (length > ctx.settings.maxQuestionLength) return s.tooLong(length, ctx.settings.maxQuestionLength);
  return undefined;
}

/** Counts one request against the user's rate limit; returns the friendly note when over it. */
export function refuseRate(userId: string, ctx: BotContext, ui: UiLang): string | undefined {
  const decision = ctx.rateLimiter.take(userId);
  return decision.allowed ? undefined : t(ui).rateLimited(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
}
