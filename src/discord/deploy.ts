import { Routes, type REST, type APIApplication } from 'discord.js';
import { commands as allCommands, type Command } from './commands/index.js';

/** What was registered, for the script to report. */
export interface DeployResult {
  scope: 'guild' | 'global';
  applicationId: string;
  names: string[];
}

/**
 * Registers the bot's commands, replacing whatever was registered before: in one guild when `guildId` is set
 * (visible at once), globally otherwise (Discord may take a while to show them everywhere).
 */
export async function deployCommands(options: {
  rest: REST;
  applicationId?: string | undefined;
  guildId?: string | undefined;
  commands?: readonly Command[];
}): Promise<DeployResult> {
  const { rest, guildId } = options;
  const applicationId = options.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const body = (options.commands ?? allCommands).map((command) => command.data.toJSON());
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body })) as { name: string }[];
  return { scope: guildId ? 'guild' : 'global', applicationId, names: registered.map((command) => command.name) };
}
