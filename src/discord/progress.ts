import type { ChatInputCommandInteraction } from 'discord.js';
import type { Logger } from '../logger.js';
import { escapeDisplayText, fitRendered, limits, renderQuestionTitle } from './format.js';
import type { UiLang } from '../i18n.js';

/** Discord allows about five edits per five seconds per message; one per interval leaves room for the final one. */
const editIntervalMs = 1500;

const writing: Record<UiLang, string> = { en: 'writing…', 'zh-Hant': '撰寫中…', 'zh-Hans': '撰写中…' };

/** Shows a chat model's answer as it is written, by editing the deferred reply at most once per interval. */
export interface ProgressEditor {
  /** Takes the answer text so far (the core's `onAnswerText`). */
  update(textSoFar: string): void;
  /** Stops partial edits and waits for one in flight, so the final edit always lands last. */
  finish(): Promise<void>;
}

/** Creates the progress editor for a deferred `/ask` reply. */
export function createProgressEditor(interaction: ChatInputCommandInteraction, question: string, ui: UiLang, logger: Logger): ProgressEditor {
  let latest: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastEditAt = 0;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();

  const flush = () => {
    timer = undefined;
    if (closed || latest === undefined) return;
    const text = latest;
    latest = undefined;
    lastEditAt = Date.now();
    const embed = {
      title: renderQuestionTitle(question),
      description: `${fitRendered(text, limits.embedDescription - 2, escapeDisplayText) ?? ''} …`,
      footer: { text: writing[ui] },
    };
    chain = chain
      .then(async () => {
        if (!closed) await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
      })
      // A lost partial edit costs nothing: the final answer replaces it.
      .catch((error: unknown) => logger.warn({ err: error, interactionId: interaction.id }, 'could not show the answer in progress'));
  };

  return {
    update(textSoFar) {
      if (closed || !textSoFar.trim()) return;
      latest = textSoFar;
      timer ??= setTimeout(flush, Math.max(0, editIntervalMs - (Date.now() - lastEditAt)));
    },
    async finish() {
      closed = true;
      if (timer) clearTimeout(timer);
      await chain;
    },
  };
}
