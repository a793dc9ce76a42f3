import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { BotContext } from '../context.js';

/** What registration needs of a command's builder. */
export interface CommandData {
  readonly name: string;
  toJSON(): RESTPostAPIApplicationCommandsJSONBody;
}

/** A slash command. */
export interface ChatCommand {
  kind: 'chat';
  data: CommandData;
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}

/** A message context-menu command (right-click a message → Apps). */
export interface MessageCommand {
  kind: 'message';
  data: CommandData;
  execute(interaction: MessageContextMenuCommandInteraction, ctx: BotContext): Promise<void>;
}

/** Any command the bot registers. */
export type Command = ChatCommand | MessageCommand;
