import { ChannelType, ThreadAutoArchiveDuration, type Message } from 'discord.js';
import { detectLang } from '../text/script.js';
import { createAnswerState, recordIfUnanswered, renderAnswerMessage, type AnswerMessage } from './answers.js';
import type { BotContext } from './context.js';
import { collapseWhitespace, limits, renderNotice, stripBidiControls, truncate } from './format.js';
import { refusePlace, refuseQuestion } from './guards.js';
import type { UiLang } from './i18n.js';

/** Turns of a conversation kept as context for a follow-up ("and why?"). */
const contextTurns = 2;

/**
 * Answers a message addressed to the bot: a mention or a reply to it in a server channel, or any direct message
 * (when DMs are allowed). In a text channel the answer goes in a thread started on the question; in a thread,
 * a DM, or where a thread cannot be started, it replies in place. Follow-ups carry the previous question.
 */
export async function handleMessage(message: Message, ctx: BotContext): Promise<void> {
  const botUser = message.client.user;
  if (message.author.bot || message.author.id === botUser.id || message.system) return;

  const inGuild = message.inGuild();
  if (inGuild) {
    const addressed =
      message.mentions.has(botUser, { ignoreEveryone: true, ignoreRoles: true }) || message.mentions.repliedUser?.id === botUser.id;
    if (!addressed) return;
  }

  const question = stripBotMention(message.content, botUser.id);
  const ui: UiLang = detectLang(question);
  const place = {
    inGuild,
    channelId: message.channelId,
    parentId: message.channel.isThread() ? message.channel.parentId : null,
  };
  const placeRefusal = refusePlace(place, ctx.settings, ui);
  if (placeRefusal) {
    // In a server channel that is not allow-listed the bot stays silent rather than add noise; a DM gets told why.
    if (inGuild) ctx.logger.debug({ channelId: message.channelId }, 'mention in a channel that is not allow-listed: ignored');
    else await replyNotice(message, placeRefusal);
    return;
  }

  const refusal = refuseQuestion(question, message.author.id, ctx, ui);
  if (refusal) {
    await replyNotice(message, refusal);
    return;
  }

  if (message.channel.isSendable()) {
    await message.channel.sendTyping().catch((error: unknown) => ctx.logger.warn({ err: error, channelId: message.channelId }, 'could not show typing'));
  }

  const previous = await previousTurns(message, ctx);
  const context = previous.length > 0 ? previous.join('\n') : undefined;
  const answer = await ctx.tether.ask(question, { context });
  recordIfUnanswered(ctx.feedback, answer, message.author.id, 'mention');
  const state = createAnswerState(answer, { context, ui: answer.lang, via: 'mention' });
  const payload = renderAnswerMessage(ctx.answers.remember(state), state);

  const turns = [...previous, question].slice(-contextTurns);
  const delivered = await deliverAnswer(message, question, payload, ctx);
  ctx.conversations.set(delivered.messageId, turns);
  if (delivered.threadId) ctx.conversations.set(delivered.threadId, turns);
}

/** Removes mentions of the bot (`<@id>`, `<@!id>`) so only the question remains. */
export function stripBotMention(content: string, botId: string): string {
  return content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ').trim();
}

/** The previous questions of this conversation: the replied-to answer's, or this thread's. */
async function previousTurns(message: Message, ctx: BotContext): Promise<string[]> {
  const repliedTo = message.reference?.messageId;
  const byReply = repliedTo ? ctx.conversations.get(repliedTo) : undefined;
  if (byReply) return byReply;
  const channel = message.channel;
  if (!channel.isThread()) return [];
  const byThread = ctx.conversations.get(channel.id);
  if (byThread) return byThread;
  // After a restart the memory is gone; a thread the bot started still has the question it was started on.
  if (channel.ownerId !== message.client.user.id) return [];
  try {
    const starter = await channel.fetchStarterMessage();
    const question = starter ? stripBotMention(starter.content, message.client.user.id) : '';
    return question ? [question] : [];
  } catch (error) {
    ctx.logger.debug({ err: error, threadId: channel.id }, 'no starter message for thread');
    return [];
  }
}

/** Sends the answer in a new thread on the question where threads are allowed, else as a reply in place. */
async function deliverAnswer(
  message: Message,
  question: string,
  payload: AnswerMessage,
  ctx: BotContext,
): Promise<{ messageId: string; threadId: string | undefined }> {
  const type = message.channel.type;
  if (message.inGuild() && (type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement) && !message.hasThread) {
    try {
      const thread = await message.startThread({
        name: truncate(collapseWhitespace(stripBidiControls(question)), limits.threadName) || 'Question',
        autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
      });
      const sent = await thread.send(payload);
      return { messageId: sent.id, threadId: thread.id };
    } catch (error) {
      // No permission to create threads (or to post in them): answering in place still helps the user.
      ctx.logger.warn({ err: error, channelId: message.channelId }, 'could not answer in a thread; replying in place');
    }
  }
  const sent = await message.reply({ ...payload, allowedMentions: { parse: [], repliedUser: true } });
  return { messageId: sent.id, threadId: message.channel.isThread() ? message.channelId : undefined };
}

/** Replies with a short notice that pings no one. */
export async function replyNotice(message: Message, text: string): Promise<void> {
  await message.reply({ content: renderNotice(text), allowedMentions: { parse: [], repliedUser: false } });
}
