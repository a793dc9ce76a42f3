import { InteractionContextType, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { renderSourcesEmbed } from '../format.js';
import { uiLangFromLocale } from '../../i18n.js';
import { acknowledge } from '../respond.js';

/** `/sources`: the articles Tether answers from. */
export const data = new SlashCommandBuilder()
  .setName('sources')
  .setDescription('List the source articles')
  .setDescriptionLocalizations({ 'zh-TW': '列出來源文章', 'zh-CN': '列出来源文章' })
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM);

/** Lists title, language, author/publication, date and paragraph count of each article. */
export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const embed = renderSourcesEmbed(ctx.tether.listSources(), uiLangFromLocale(interaction.locale));
  await acknowledge(interaction, ctx, 'reply', () => interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }));
}
