import { MessageFlags, RESTJSONErrorCodes, type BaseMessageOptions, type Interaction, type RepliableInteraction } from 'discord.js';
import type { BotContext } from './context.js';
import { deliveryWindows, discordErrorCode } from './delivery.js';
import { renderNotice } from './format.js';

/** What a reply shows: the same shape for an edit of the deferred reply and for a follow-up. */
export type ReplyBody = Pick<BaseMessageOptions, 'content' | 'embeds' | 'components'> & { allowedMentions: { parse: [] } };

/** Until when Discord takes the first response to an interaction (3 s after it was created, less a margin). */
export function callbackDeadline(interaction: Interaction): number {
  return interaction.createdTimestamp + deliveryWindows.interactionCallbackMs;
}

/** Until when the interaction's token can edit its reply or follow up (15 minutes, less a margin). */
export function tokenDeadline(interaction: Interaction): number {
  return interaction.createdTimestamp + deliveryWindows.interactionTokenMs;
}

/** Sends the first response to an interaction (reply, update, autocomplete choices), retried while Discord takes it. */
export function acknowledge<T>(interaction: Interaction, ctx: BotContext, what: string, send: () => Promise<T>): Promise<T> {
  return ctx.delivery.send(send, { what, deadline: callbackDeadline(interaction), details: { interactionId: interaction.id } });
}

/** Acknowledges with "thinking…", retried while Discord takes it; the answer follows with `showResult`. */
export async function deferReply(interaction: RepliableInteraction, ctx: BotContext, options: { ephemeral: boolean }): Promise<void> {
  let failedBefore = false;
  await acknowledge(interaction, ctx, 'defer reply', async () => {
    try {
      await interaction.deferReply(options.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    } catch (error) {
      // Discord took an earlier attempt whose answer was lost: the deferral stands.
      if (failedBefore && discordErrorCode(error) === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged) {
        interaction.deferred = true;
        interaction.ephemeral = options.ephemeral;
        return;
      }
      failedBefore = true;
      throw error;
    }
  });
}

/**
 * Shows the result of a deferred interaction by editing its reply, retried while the token is valid. When the
 * user deleted the "thinking…" message, the result goes in a follow-up instead (ephemeral when the reply was).
 */
export async function showResult(interaction: RepliableInteraction, ctx: BotContext, body: ReplyBody, options: { ephemeralFollowUp?: boolean } = {}): Promise<void> {
  const deadline = tokenDeadline(interaction);
  const details = { interactionId: interaction.id };
  try {
    await ctx.delivery.send(() => interaction.editReply(body), { what: 'edit reply', deadline, details });
  } catch (error) {
    if (discordErrorCode(error) !== RESTJSONErrorCodes.UnknownMessage) throw error;
    ctx.logger.info(details, 'the reply was deleted: following up instead');
    await followUp(interaction, ctx, body, options.ephemeralFollowUp ?? interaction.ephemeral === true);
  }
}

async function followUp(interaction: RepliableInteraction, ctx: BotContext, body: ReplyBody, ephemeral: boolean): Promise<void> {
  await ctx.delivery.send(() => interaction.followUp({ ...body, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) }), {
    what: 'follow up',
    deadline: tokenDeadline(interaction),
    details: { interactionId: interaction.id },
  });
}

/**
 * Tells the user something short about their interaction, ephemerally where Discord allows: a fresh reply,
 * the deferred reply's edit (or a follow-up if that message is gone), or a follow-up once something was sent.
 */
export async function tellUser(interaction: RepliableInteraction, text: string, ctx: BotContext): Promise<void> {
  const body: ReplyBody = { content: renderNotice(text), allowedMentions: { parse: [] } };
  if (interaction.deferred && !interaction.replied && !interaction.isMessageComponent()) {
    await showResult(interaction, ctx, { ...body, embeds: [], components: [] }, { ephemeralFollowUp: true });
  } else if (interaction.deferred || interaction.replied) {
    await followUp(interaction, ctx, body, true);
  } else {
    await acknowledge(interaction, ctx, 'reply', () => interaction.reply({ ...body, flags: MessageFlags.Ephemeral }));
  }
}
