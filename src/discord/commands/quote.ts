import {
  InteractionContextType,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { Passage } from '../../answer/types.js';
import type { BotContext } from '../context.js';
import { limits, passageChoiceName, renderPassageEmbeds, truncate } from '../format.js';
import { refuseQuestion, refuseRate } from '../guards.js';
import { t, uiLangFromLocale } from '../../i18n.js';
import { questionText } from '../question-text.js';
import { acknowledge, deferReply, showResult, tellUser } from '../respond.js';

/** `/quote query:<text>` with autocomplete over the passages. */
export const data = new SlashCommandBuilder()
  .setName('quote')
  .setDescription('Quote a source passage verbatim, with its citation')
  .setDescriptionLocalizations({ 'zh-TW': '逐字引用來源段落並註明出處', 'zh-CN': '逐字引用来源段落并注明出处' })
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .addStringOption((option) =>
    option
      .setName('query')
      .setDescription('Words from the passage, or pick one from the suggestions')
      .setDescriptionLocalizations({ 'zh-TW': '段落中的字詞,或從建議中挑選', 'zh-CN': '段落中的字词,或从建议中挑选' })
      .setRequired(true)
      .setAutocomplete(true),
  )
  .addBooleanOption((option) =>
    option
      .setName('public')
      .setDescription('Show the passage to the whole channel (default: only you)')
      .setDescriptionLocalizations({ 'zh-TW': '讓整個頻道看到段落(預設只有你看得到)', 'zh-CN': '让整个频道看到段落(默认只有你看得到)' }),
  );

/** Suggests passages as the user types: the passage title and start as the label, its id as the value. */
export async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const typed = interaction.options.getFocused().trim();
  const passages = typed ? await ctx.tether.findPassages(typed.slice(0, ctx.settings.maxQuestionLength), { limit: limits.choices }) : openingPassages(ctx);
  const choices = passages
    .filter((passage) => passage.id.length <= limits.choiceValue)
    .slice(0, limits.choices)
    .map((passage) => ({ name: passageChoiceName(passage), value: passage.id }));
  await acknowledge(interaction, ctx, 'autocomplete', () => interaction.respond(choices));
}

/** With nothing typed yet: the opening paragraphs of each article, so the list is never empty. */
function openingPassages(ctx: BotContext): Passage[] {
  const sources = ctx.tether.listSources();
  const perSource = Math.max(1, Math.floor(limits.choices / Math.max(1, sources.length)));
  return sources.flatMap((source) =>
    Array.from({ length: Math.min(perSource, source.paragraphs) }, (_, i) => ctx.tether.getPassage(`${source.id}:${i + 1}`)).filter(
      (passage): passage is Passage => passage !== undefined,
    ),
  );
}

/** Replies with the chosen passage, or the passages best matching free text, verbatim with citations. */
export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const query = questionText(interaction.options.getString('query', true));
  const isPublic = interaction.options.getBoolean('public') ?? false;
  const ui = uiLangFromLocale(interaction.locale);
  const chosen = ctx.tether.getPassage(query.trim());
  // A passage picked from the suggestions is an id, not a question: only the rate limit applies to it.
  const refusal = chosen ? refuseRate(interaction.user.id, ctx, ui) : refuseQuestion(query, interaction.user.id, ctx, ui);
  if (refusal) {
    await tellUser(interaction, refusal, ctx);
    return;
  }
  await deferReply(interaction, ctx, { ephemeral: !isPublic });
  const passages = chosen ? [chosen] : await ctx.tether.findPassages(query, { limit: 3 });
  if (passages.length === 0) {
    await tellUser(interaction, t(ui).quoteNoMatch, ctx);
    return;
  }
  const embeds = renderPassageEmbeds(passages, ui, (passage, index) => truncate(`${passages.length > 1 ? `${index + 1}. ` : ''}${passage.title}`, 200));
  await showResult(interaction, ctx, { embeds, allowedMentions: { parse: [] } });
}
