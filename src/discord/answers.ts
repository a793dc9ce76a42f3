import { randomBytes } from 'node:crypto';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type APIEmbed } from 'discord.js';
import type { Answer, Passage } from '../answer/types.js';
import type { Channel, FeedbackLog } from '../feedback/log.js';
import type { Logger } from '../logger.js';
import { LRUCache } from 'lru-cache';
import { embedsLength, limits, renderAnswerEmbed, renderPassageEmbed } from './format.js';
import { t, type UiLang } from '../i18n.js';

/** What the buttons of one answer message need: kept in memory, keyed by a short id in each `custom_id`. */
export interface AnswerState {
  question: string;
  context: string | undefined;
  ui: UiLang;
  /** The page of the answer on screen. */
  answer: Answer;
  /** Quotes skipped before this page ("More quotes"). */
  offset: number;
  /** True once "More quotes" found nothing further. */
  exhausted: boolean;
  /** Quote number whose full passage is shown, if any. */
  expanded: number | undefined;
  /** Ratings given, by Discord user id (memory only; the log stores hashes). */
  votes: Map<string, 'up' | 'down'>;
  via: Channel;
}

/** Per-answer state, bounded: old answers' buttons expire instead of memory growing. */
export interface AnswerStore {
  /** Stores a new answer's state and returns its short id. */
  remember(state: AnswerState): string;
  recall(id: string): AnswerState | undefined;
}

/** Creates an answer store holding the `max` most recently used answers. */
export function createAnswerStore(max = 2000): AnswerStore {
  const states = new LRUCache<string, AnswerState>({ max });
  return {
    remember(state) {
      let id = randomBytes(6).toString('base64url');
      while (states.get(id)) id = randomBytes(6).toString('base64url');
      states.set(id, state);
      return id;
    },
    recall(id) {
      return states.get(id);
    },
  };
}

/** A fresh state for an answer just given. */
export function createAnswerState(answer: Answer, options: { context: string | undefined; ui: UiLang; via: Channel }): AnswerState {
  return {
    question: answer.question,
    context: options.context,
    ui: options.ui,
    answer,
    offset: 0,
    exhausted: false,
    expanded: undefined,
    votes: new Map(),
    via: options.via,
  };
}

/** What a button on an answer asks for. */
export type AnswerAction = { action: 'more'; id: string } | { action: 'full'; id: string; n: number } | { action: 'up' | 'down'; id: string };

const prefix = 'tether';

/** The `custom_id` of each answer button (always well under Discord's 100 characters). */
export const answerCustomIds = {
  more: (id: string) => `${prefix}:more:${id}`,
  full: (id: string, n: number) => `${prefix}:full:${id}:${n}`,
  vote: (id: string, rating: 'up' | 'down') => `${prefix}:${rating}:${id}`,
};

/** Parses an answer button's `custom_id`; undefined for anything else. */
export function parseAnswerCustomId(customId: string): AnswerAction | undefined {
  const [head, action, id, n] = customId.split(':');
  if (head !== prefix || !id) return undefined;
  if (action === 'more' || action === 'up' || action === 'down') return { action, id };
  if (action === 'full' && n && /^\d{1,4}$/.test(n)) return { action, id, n: Number(n) };
  return undefined;
}

/** A message body Discord accepts for create, edit and interaction update alike. */
export interface AnswerMessage {
  embeds: APIEmbed[];
  components: ActionRowBuilder<ButtonBuilder>[];
  allowedMentions: { parse: [] };
}

function voteButton(id: string, rating: 'up' | 'down', count: number): ButtonBuilder {
  const button = new ButtonBuilder()
    .setCustomId(answerCustomIds.vote(id, rating))
    .setEmoji(rating === 'up' ? '👍' : '👎')
    .setStyle(ButtonStyle.Secondary);
  return count > 0 ? button.setLabel(String(count)) : button;
}

/** Renders an answer message: the answer embed, the expanded passage if any, and its buttons. */
export function renderAnswerMessage(id: string, state: AnswerState, options: { note?: string; passage?: Passage } = {}): AnswerMessage {
  const s = t(state.ui);
  const embeds: APIEmbed[] = [];
  if (options.passage && state.expanded !== undefined) {
    const passageEmbed = renderPassageEmbed(options.passage, state.ui, s.fullPassageTitle(state.expanded), limits.embedsTotal - 1500);
    const answerEmbed = renderAnswerEmbed({ answer: state.answer, ui: state.ui, note: options.note }, limits.embedsTotal - embedsLength([passageEmbed]));
    embeds.push(answerEmbed, passageEmbed);
  } else {
    embeds.push(renderAnswerEmbed({ answer: state.answer, ui: state.ui, note: options.note }));
  }

  const ups = [...state.votes.values()].filter((rating) => rating === 'up').length;
  const downs = state.votes.size - ups;
  const actions = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(answerCustomIds.more(id))
      .setLabel(s.moreQuotes)
      .setStyle(ButtonStyle.Primary)
      .setDisabled(state.exhausted || state.answer.quotes.length === 0),
    voteButton(id, 'up', ups),
    voteButton(id, 'down', downs),
  );
  const components = [actions];
  const quotes = state.answer.quotes.slice(0, 5);
  if (quotes.length > 0) {
    components.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        quotes.map((quote) =>
          new ButtonBuilder()
            .setCustomId(answerCustomIds.full(id, quote.n))
            .setLabel(s.fullPassage(quote.n))
            .setStyle(quote.n === state.expanded ? ButtonStyle.Success : ButtonStyle.Secondary),
        ),
      ),
    );
  }
  return { embeds, components, allowedMentions: { parse: [] } };
}

/** Logs (debug) how the core decided: the evidence travels with every answer, for whoever runs the bot. */
export function logDecision(logger: Logger, answer: Answer, via: Channel): void {
  logger.debug({ via, lang: answer.lang, confidence: answer.confidence, decision: answer.decision }, 'answer decided');
}

/** Logs a question the sources did not cover, with the nearest passages offered instead. */
export function recordIfUnanswered(feedback: FeedbackLog, answer: Answer, userId: string, via: Channel): void {
  if (answer.found) return;
  feedback.record(
    {
      kind: 'unanswered',
      question: answer.question,
      confidence: answer.confidence === 'unsure' ? 'unsure' : 'none',
      lang: answer.lang,
      via,
      nearest: answer.quotes.map((quote) => ({ source: quote.source, paragraph: quote.paragraph, score: quote.score })),
    },
    userId,
  );
}
