import { InteractionContextType, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { t, uiLangFromLocale } from '../../i18n.js';
import { acknowledge } from '../respond.js';

/** `/help`: how to use the bot, in the user's language. */
export const data = new SlashCommandBuilder()
  .setName('help')
  .setDescription('How to use Tether')
  .setDescriptionLocalizations({ 'zh-TW': 'Tether 使用說明', 'zh-CN': 'Tether 使用说明' })
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM);

/** Replies (only to the user) with the help text for their Discord locale: English or Chinese. */
export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const content = t(uiLangFromLocale(interaction.locale)).help;
  await acknowledge(interaction, ctx, 'reply', () => interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }));
}
