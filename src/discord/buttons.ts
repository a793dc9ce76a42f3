import { setTimeout as sleep } from 'node:timers/promises';
import type { ButtonInteraction } from 'discord.js';
import type { Passage } from '../answer/types.js';
import { parseAnswerCustomId, renderAnswerMessage, type AnswerMessage, type AnswerState } from './answers.js';
import type { BotContext } from './context.js';
import { refuseRate } from './guards.js';
import { t, uiLangFromLocale } from '../i18n.js';
import { acknowledge, showResult, tellUser } from './respond.js';

/** How long a button may take before its update is deferred: Discord drops answers after 3 s. */
const updateDeadlineMs = 2000;

/** Handles the buttons under an answer: More quotes, Full passage, 👍 and 👎. Each answers with a message update. */
export async function handleAnswerButton(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const ui = uiLangFromLocale(interaction.locale);
  const action = parseAnswerCustomId(interaction.customId);
  const state = action && ctx.answers.recall(action.id);
  if (!action || !state) {
    await tellUser(interaction, t(ui).expired, ctx);
    return;
  }
  const { id } = action;

  switch (action.action) {
    case 'more': {
      const refusal = refuseRate(interaction.user.id, ctx, ui);
      if (refusal) {
        await tellUser(interaction, refusal, ctx);
        return;
      }
      await updateBeforeDeadline(interaction, ctx, async () => showMoreQuotes(id, state, ctx));
      return;
    }
    case 'full': {
      const quote = state.answer.quotes.find((candidate) => candidate.n === action.n);
      const passage = quote && ctx.tether.getPassage(quote.passageId);
      if (!passage) {
        await tellUser(interaction, t(ui).passageMissing, ctx);
        return;
      }
      state.expanded = action.n;
      const body = renderAnswerMessage(id, state, { passage });
      await acknowledge(interaction, ctx, 'update', () => interaction.update(body));
      return;
    }
    case 'up':
    case 'down': {
      if (state.votes.has(interaction.user.id)) {
        await tellUser(interaction, t(ui).alreadyVoted, ctx);
        return;
      }
      state.votes.set(interaction.user.id, action.action);
      ctx.feedback.record(
        {
          kind: 'feedback',
          rating: action.action,
          question: state.question,
          lang: state.answer.lang,
          found: state.answer.found,
          answeredBy: state.answer.answeredBy,
          quotes: state.answer.quotes.map((quote) => ({ source: quote.source, paragraph: quote.paragraph })),
        },
        interaction.user.id,
      );
      const body = renderAnswerMessage(id, state, { passage: expandedPassage(state, ctx) });
      await acknowledge(interaction, ctx, 'update', () => interaction.update(body));
      return;
    }
  }
}

/** Asks the core for the next page of quotes and renders it; says so when there are no more. */
async function showMoreQuotes(id: string, state: AnswerState, ctx: BotContext): Promise<AnswerMessage> {
  const offset = state.offset + state.answer.quotes.length;
  const next = await ctx.tether.ask(state.question, { context: state.context, offset });
  if (next.quotes.length === 0) {
    state.exhausted = true;
    return renderAnswerMessage(id, state, { note: t(state.ui).noMoreQuotes, passage: expandedPassage(state, ctx) });
  }
  state.offset = offset;
  state.answer = next;
  state.expanded = undefined;
  return renderAnswerMessage(id, state);
}

function expandedPassage(state: AnswerState, ctx: BotContext): Passage | undefined {
  const quote = state.answer.quotes.find((candidate) => candidate.n === state.expanded);
  return quote && ctx.tether.getPassage(quote.passageId);
}

/**
 * Answers a button with an update (callback type 7) when the work is quick, which it is for the extractive core;
 * a slow answerer gets a deferred update first, so Discord's 3-second deadline is never missed.
 */
async function updateBeforeDeadline(interaction: ButtonInteraction, ctx: BotContext, build: () => Promise<AnswerMessage>): Promise<void> {
  const work = build();
  const timer = new AbortController();
  const quick = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    sleep(updateDeadlineMs, false, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  if (quick) {
    const body = await work;
    await acknowledge(interaction, ctx, 'update', () => interaction.update(body));
    return;
  }
  await acknowledge(interaction, ctx, 'defer update', () => interaction.deferUpdate());
  await showResult(interaction, ctx, await work, { ephemeralFollowUp: true });
}
