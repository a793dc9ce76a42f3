import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import type { BotContext } from '../context.js';
import { blockQuote, fitRendered, limits, renderPassageEmbeds, stripBidiControls, truncate } from '../format.js';
import { refuseRate } from '../guards.js';
import { t, uiLangFromLocale } from '../../i18n.js';
import { questionText } from '../question-text.js';
import { deferReply, showResult, tellUser } from '../respond.js';

/** Message context menu "Find sources": passages that bear on what a message claims. */
export const data = new ContextMenuCommandBuilder()
  .setName('Find sources')
  .setNameLocalizations({ 'zh-TW': '查找來源', 'zh-CN': '查找来源' })
  .setType(ApplicationCommandType.Message)
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM);

/** Claims longer than this are checked by their start: retrieval needs no more. */
const maxClaimLength = 2000;

/** Replies in the channel with the passages that support or bear on the target message, and a link to it. */
export async function execute(interaction: MessageContextMenuCommandInteraction, ctx: BotContext): Promise<void> {
  const ui = uiLangFromLocale(interaction.locale);
  const s = t(ui);
  const claim = questionText(interaction.targetMessage.content);
  if (!claim) {
    await tellUser(interaction, s.findSourcesEmpty, ctx);
    return;
  }
  const refusal = refuseRate(interaction.user.id, ctx, ui);
  if (refusal) {
    await tellUser(interaction, refusal, ctx);
    return;
  }
  await deferReply(interaction, ctx, { ephemeral: false });
  const passages = await ctx.tether.findPassages(claim.slice(0, maxClaimLength), { limit: 3 });
  const quotedClaim = fitRendered(stripBidiControls(claim), 600, blockQuote) ?? '';
  const heading = passages.length > 0 ? s.findSourcesHeading : s.findSourcesNone;
  const content = truncate(`**${heading}** ${interaction.targetMessage.url}\n${quotedClaim}`, limits.content);
  const embeds = renderPassageEmbeds(passages, ui, (passage, index) => truncate(`${index + 1}. ${passage.title}`, 200));
  await showResult(interaction, ctx, { content, embeds, allowedMentions: { parse: [] } });
}
