import { ChannelType, PermissionFlagsBits, ThreadAutoArchiveDuration, type AnyThreadChannel, type Message, type TextBasedChannel } from 'discord.js';
import { detectLang } from '../text/script.js';
import { createAnswerState, logDecision, recordIfUnanswered, renderAnswerMessage, type AnswerMessage } from './answers.js';
import type { BotContext } from './context.js';
import { createNonce, deliveryWindows, type DeliveryOptions } from './delivery.js';
import { collapseWhitespace, limits, renderNotice, stripBidiControls, truncate } from './format.js';
import { refusePlace, refuseQuestionText } from './guards.js';
import { questionText } from './question-text.js';
import { t, type UiLang } from '../i18n.js';

/** Turns of a conversation kept as context for a follow-up ("and why?"). */
const contextTurns = 2;

/** The reaction on a mention refused for the rate limit: a quiet "slow down" instead of a public message. */
export const rateLimitedReaction = '⏳';

/**
 * Answers a message addressed to the bot: a mention or a reply to it in a server channel, or any direct message
 * (when DMs are allowed). In a text channel the answer goes in a thread started on the question; in a thread,
 * a DM, or where a thread cannot be used, it replies in place. Follow-ups carry the previous question.
 */
export async function handleMessage(message: Message, ctx: BotContext): Promise<void> {
  const botUser = message.client.user;
  if (message.author.bot || message.author.id === botUser.id || message.system) return;
  // Kept from the start: `message.channel` turns null when the bot is removed from the server mid-answer.
  const channel = channelOf(message);
  if (!channel) return;

  const inGuild = message.inGuild();
  if (inGuild) {
    const addressed =
      message.mentions.has(botUser, { ignoreEveryone: true, ignoreRoles: true }) || message.mentions.repliedUser?.id === botUser.id;
    if (!addressed) return;
  }

  const question = questionText(message.content);
  const ui: UiLang = detectLang(question);
  const place = {
    inGuild,
    channelId: message.channelId,
    parentId: channel.isThread() ? channel.parentId : null,
  };
  const placeRefusal = refusePlace(place, ctx.settings, ui);
  if (placeRefusal) {
    // In a server channel that is not allow-listed the bot stays silent rather than add noise; a DM gets told why.
    if (inGuild) ctx.logger.debug({ channelId: message.channelId }, 'mention in a channel that is not allow-listed: ignored');
    else await replyNotice(message, placeRefusal, ctx);
    return;
  }

  // The rate limit comes first, so flooding the bot with anything (even empty mentions) is refused quietly.
  const decision = ctx.rateLimiter.take(message.author.id);
  if (!decision.allowed) {
    await refuseQuietly(message, ctx, decision.firstRefusal ? t(ui).rateLimited(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) : undefined);
    return;
  }
  const refusal = refuseQuestionText(question, ctx, ui);
  if (refusal) {
    await replyNotice(message, refusal, ctx);
    return;
  }

  if (channel.isSendable()) {
    await channel.sendTyping().catch((error: unknown) => ctx.logger.warn({ err: error, channelId: message.channelId }, 'could not show typing'));
  }
  if (channelGone(message, ctx)) return;

  const previous = await previousTurns(message, channel, ctx);
  const context = previous.length > 0 ? previous.join('\n') : undefined;
  const answer = await ctx.tether.ask(question, { context, explain: true });
  logDecision(ctx.logger, answer, 'mention');
  recordIfUnanswered(ctx.feedback, answer, message.author.id, 'mention');
  if (channelGone(message, ctx)) return;
  const state = createAnswerState(answer, { context, ui: answer.lang, via: 'mention' });
  const payload = renderAnswerMessage(ctx.answers.remember(state), state);

  const turns = [...previous, question].slice(-contextTurns);
  const delivered = await deliverAnswer(message, channel, question, payload, ctx);
  ctx.conversations.set(delivered.messageId, turns);
  if (delivered.threadId) ctx.conversations.set(delivered.threadId, turns);
}

/** The message's channel while the bot can still see it (discord.js returns null once it left the cache). */
function channelOf(message: Message): TextBasedChannel | null {
  return (message.channel as TextBasedChannel | null) ?? null;
}

/**
 * True (and logged) when the message's channel left the cache: the bot was removed from the server or the
 * channel was deleted. Nothing more is sent there.
 */
export function channelGone(message: Message, ctx: BotContext): boolean {
  if (message.client.channels.cache.has(message.channelId)) return false;
  ctx.logger.info({ messageId: message.id, channelId: message.channelId, guildId: message.guildId }, 'the channel is gone (bot removed or channel deleted): not answering');
  return true;
}

/** The previous questions of this conversation: the replied-to answer's, or this thread's. */
async function previousTurns(message: Message, channel: TextBasedChannel, ctx: BotContext): Promise<string[]> {
  const repliedTo = message.reference?.messageId;
  const byReply = repliedTo ? ctx.conversations.get(repliedTo) : undefined;
  if (byReply) return byReply;
  if (!channel.isThread()) return [];
  const byThread = ctx.conversations.get(channel.id);
  if (byThread) return byThread;
  // After a restart the memory is gone; a thread the bot started still has the question it was started on.
  if (channel.ownerId !== message.client.user.id) return [];
  try {
    const starter = await channel.fetchStarterMessage();
    const question = starter ? questionText(starter.content) : '';
    return question ? [question] : [];
  } catch (error) {
    ctx.logger.debug({ err: error, threadId: channel.id }, 'no starter message for thread');
    return [];
  }
}

/** How long a mention's replies are retried: about a minute after it was sent. */
function retryUntil(message: Message, what: string): DeliveryOptions {
  return { what, deadline: message.createdTimestamp + deliveryWindows.messageMs, details: { messageId: message.id, channelId: message.channelId } };
}

/**
 * Sends the answer in a new thread on the question where the bot may start and post in threads, else as a reply
 * in place. A thread it could start but not post in is removed again, so no empty thread is left behind.
 */
async function deliverAnswer(
  message: Message,
  channel: TextBasedChannel,
  question: string,
  payload: AnswerMessage,
  ctx: BotContext,
): Promise<{ messageId: string; threadId: string | undefined }> {
  if (message.inGuild() && (channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement) && !message.hasThread) {
    if (!mayUseThreads(message, channel)) {
      ctx.logger.debug({ channelId: message.channelId }, 'no permission to start or post in threads here: replying in place');
    } else {
      let thread: AnyThreadChannel | undefined;
      try {
        thread = await ctx.delivery.send(
          () =>
            message.startThread({
              name: truncate(collapseWhitespace(stripBidiControls(question)), limits.threadName) || 'Question',
              autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
            }),
          retryUntil(message, 'start thread'),
        );
      } catch (error) {
        // No permission to create threads after all: answering in place still helps the user.
        ctx.logger.warn({ err: error, channelId: message.channelId }, 'could not answer in a thread; replying in place');
      }
      if (thread) {
        const inThread = thread;
        const nonce = createNonce();
        try {
          const sent = await ctx.delivery.send(() => inThread.send({ ...payload, nonce, enforceNonce: true }), retryUntil(message, 'answer in thread'));
          return { messageId: sent.id, threadId: inThread.id };
        } catch (error) {
          ctx.logger.warn({ err: error, channelId: message.channelId, threadId: inThread.id }, 'could not post in the new thread; removing it and replying in place');
          await removeThread(inThread, message, ctx);
        }
      }
    }
  }
  const nonce = createNonce();
  const sent = await ctx.delivery.send(
    () => message.reply({ ...payload, nonce, enforceNonce: true, allowedMentions: { parse: [], repliedUser: true } }),
    retryUntil(message, 'reply'),
  );
  return { messageId: sent.id, threadId: channel.isThread() ? channel.id : undefined };
}

/** False when the bot's cached permissions say it may not start a public thread or post in threads here. */
function mayUseThreads(message: Message<true>, channel: TextBasedChannel): boolean {
  const me = message.guild.members.me;
  if (!me || channel.isDMBased()) return true;
  const permissions = channel.permissionsFor(me);
  // Unknown permissions: try, and clean up if posting fails.
  if (!permissions) return true;
  return permissions.has([PermissionFlagsBits.CreatePublicThreads, PermissionFlagsBits.SendMessagesInThreads]);
}

/** Deletes a thread the bot started but could not post in (needs Manage Threads); logs when it cannot. */
async function removeThread(thread: AnyThreadChannel, message: Message, ctx: BotContext): Promise<void> {
  try {
    await ctx.delivery.send(async () => {
      await thread.delete('Tether could not post its answer in this thread');
    }, retryUntil(message, 'delete thread'));
  } catch (error) {
    ctx.logger.warn({ err: error, threadId: thread.id }, 'could not remove the empty thread (the bot needs Manage Threads to delete it)');
  }
}

/**
 * Refuses a mention over the rate limit without a public message: a ⏳ reaction in a server (once per window), a
 * private reply in a DM. `notice` is undefined when this user was already told in this window.
 */
async function refuseQuietly(message: Message, ctx: BotContext, notice: string | undefined): Promise<void> {
  ctx.logger.info({ user: message.author.id, channelId: message.channelId, told: notice !== undefined }, 'mention over the rate limit: refused quietly');
  if (notice === undefined) return;
  if (!message.inGuild()) {
    await replyNotice(message, notice, ctx);
    return;
  }
  try {
    await message.react(rateLimitedReaction);
  } catch (error) {
    ctx.logger.debug({ err: error, messageId: message.id }, 'could not react to a rate-limited mention');
  }
}

/** Replies with a short notice that pings no one, retried for about a minute. */
export async function replyNotice(message: Message, text: string, ctx: BotContext): Promise<void> {
  const nonce = createNonce();
  await ctx.delivery.send(
    () => message.reply({ content: renderNotice(text), nonce, enforceNonce: true, allowedMentions: { parse: [], repliedUser: false } }),
    retryUntil(message, 'notice'),
  );
}
