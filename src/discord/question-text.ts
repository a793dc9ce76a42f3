import { FormattingPatterns } from 'discord.js';

// Discord's markup that is no words of a question, by discord.js's own patterns: mentions of users
// (the bot's too), roles and channels, custom emoji, timestamps, command and server-guide links, and
// @everyone / @here. Left in, a mention's 18-digit id read as the question's heaviest number and an
// emoji's name as a word. Named groups are made plain: several patterns name theirs `id`.
const MARKUP = new RegExp(
  [
    FormattingPatterns.UserWithOptionalNickname,
    FormattingPatterns.Role,
    FormattingPatterns.Channel,
    FormattingPatterns.Emoji,
    FormattingPatterns.Timestamp,
    FormattingPatterns.SlashCommand,
    FormattingPatterns.GuildNavigation,
    FormattingPatterns.LinkedRole,
  ]
    .map((pattern) => pattern.source.replace(/\(\?<\w+>/g, '(?:'))
    .concat('@(?:everyone|here)\\b')
    .join('|'),
  'gu',
);

/** A question as typed in a Discord message or command option, without its Discord markup (mentions, custom emoji, timestamps). */
export function questionText(content: string): string {
  return content.replace(MARKUP, ' ').replace(/\s+/g, ' ').trim();
}
