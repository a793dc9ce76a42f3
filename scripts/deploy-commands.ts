import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REST } from 'discord.js';
import { loadProjectConfig } from '../src/config.js';
import { deployCommands } from '../src/discord/deploy.js';
import { isTetherError } from '../src/errors.js';

/** Entry point of `npm run deploy-commands`: registers the slash and context-menu commands. */
export async function main(): Promise<number> {
  try {
    const config = loadProjectConfig();
    const { token, clientId, guildId, apiBase } = config.discord;
    if (!token) {
      process.stderr.write('DISCORD_TOKEN is not set: put the bot token in .env (see the README, "Running the Discord bot").\n');
      return 1;
    }
    const rest = new REST(apiBase ? { api: apiBase } : {}).setToken(token);
    const result = await deployCommands({ rest, applicationId: clientId, guildId });
    const where = result.scope === 'guild' ? `in guild ${guildId} (available now)` : 'globally (may take up to an hour to appear everywhere)';
    process.stdout.write(`Registered ${result.names.length} commands ${where}: ${result.names.join(', ')}\n`);
    return 0;
  } catch (error) {
    // A Discord error (bad token, unknown application) is worth showing as is to whoever runs the script.
    const detail = isTetherError(error) ? error.userMessage : error instanceof Error ? error.message : String(error);
    process.stderr.write(`Could not register the commands: ${detail}\n`);
    return 1;
  }
}

// Run only when executed, never when imported.
const entry = process.argv[1];
if (entry !== undefined && fs.realpathSync(entry) === fs.realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = await main();
}
