import { MessageFlags, type RepliableInteraction } from 'discord.js';
import { renderNotice } from './format.js';

/**
 * Tells the user something short about their interaction, ephemerally where Discord allows: a fresh reply,
 * the deferred reply's edit, or a follow-up once something was already sent.
 */
export async function tellUser(interaction: RepliableInteraction, text: string): Promise<void> {
  const content = renderNotice(text);
  const allowedMentions = { parse: [] };
  if (interaction.deferred && !interaction.replied && !interaction.isMessageComponent()) {
    await interaction.editReply({ content, embeds: [], components: [], allowedMentions });
  } else if (interaction.deferred || interaction.replied) {
    await interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions });
  } else {
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions });
  }
}
