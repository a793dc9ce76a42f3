import { InteractionContextType, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { Answer } from '../../answer/types.js';
import { createAnswerState, logDecision, recordIfUnanswered, renderAnswerMessage } from '../answers.js';
import type { BotContext } from '../context.js';
import { refuseQuestion } from '../guards.js';
import { uiLangFromLocale } from '../../i18n.js';
import { createProgressEditor } from '../progress.js';
import { questionText } from '../question-text.js';
import { deferReply, showResult, tellUser } from '../respond.js';

/** `/ask question:<text> [public:<bool>]`. */
export const data = new SlashCommandBuilder()
  .setName('ask')
  .setDescription('Ask a question about the source articles; get an answer with verbatim, cited quotes')
  .setDescriptionLocalizations({ 'zh-TW': '詢問有關來源文章的問題,取得逐字引用並註明出處的回答', 'zh-CN': '询问有关来源文章的问题,获得逐字引用并注明出处的回答' })
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .addStringOption((option) =>
    option
      .setName('question')
      .setDescription('Your question, in English or Chinese')
      .setDescriptionLocalizations({ 'zh-TW': '你的問題(中文或英文)', 'zh-CN': '你的问题(中文或英文)' })
      .setRequired(true),
  )
  .addBooleanOption((option) =>
    option
      .setName('public')
      .setDescription('Show the answer to the whole channel (default: only you)')
      .setDescriptionLocalizations({ 'zh-TW': '讓整個頻道看到回答(預設只有你看得到)', 'zh-CN': '让整个频道看到回答(默认只有你看得到)' }),
  );

/** Answers a question: defers at once, then edits the reply with the answer, quotes and buttons. */
export async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const question = questionText(interaction.options.getString('question', true));
  const isPublic = interaction.options.getBoolean('public') ?? false;
  const refusal = refuseQuestion(question, interaction.user.id, ctx, uiLangFromLocale(interaction.locale));
  if (refusal) {
    await tellUser(interaction, refusal, ctx);
    return;
  }
  await deferReply(interaction, ctx, { ephemeral: !isPublic });
  const progress = createProgressEditor(interaction, question, uiLangFromLocale(interaction.locale), ctx.logger);
  let answer: Answer;
  try {
    answer = await ctx.tether.ask(question, { onAnswerText: progress.update, explain: true });
    logDecision(ctx.logger, answer, 'ask');
  } finally {
    await progress.finish();
  }
  recordIfUnanswered(ctx.feedback, answer, interaction.user.id, 'ask');
  const state = createAnswerState(answer, { context: undefined, ui: answer.lang, via: 'ask' });
  // Computed once: only the delivery is retried.
  await showResult(interaction, ctx, renderAnswerMessage(ctx.answers.remember(state), state));
}
