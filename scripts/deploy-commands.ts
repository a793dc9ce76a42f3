import { defineCommand, runCli } from '../src/cli/boundary.js';
import { loadProjectConfig } from '../src/config.js';
import { TetherError } from '../src/errors.js';

/** `npm run deploy-commands`: registers the slash and context-menu commands. */
const deployCommand = defineCommand({
  meta: { name: 'deploy-commands', description: 'Registers the bot\'s slash and context-menu commands with Discord (in DISCORD_GUILD_ID only when set)' },
  args: {},
  async run() {
    const config = loadProjectConfig();
    const { token, clientId, guildId, apiBase } = config.discord;
    if (!token) {
      throw new TetherError('BAD_CONFIG', 'DISCORD_TOKEN is not set.', { hint: 'Put the bot token in .env (see the README, "Running the Discord bot").' });
    }
    // discord.js loads only to deploy: `--help` and a missing token need none of it.
    const [{ REST }, { deployCommands }, { explainDiscordFailure }] = await Promise.all([import('discord.js'), import('../src/discord/deploy.js'), import('../src/discord/reach.js')]);
    const rest = new REST(apiBase ? { api: apiBase } : {}).setToken(token);
    try {
      const result = await deployCommands({ rest, applicationId: clientId, guildId });
      const where = result.scope === 'guild' ? `in guild ${guildId} (available now)` : 'globally (may take up to an hour to appear everywhere)';
      process.stdout.write(`Registered ${result.names.length} commands ${where}: ${result.names.join(', ')}\n`);
    } catch (error) {
      throw explainDiscordFailure(error, apiBase, 'Could not register the commands');
    }
  },
});

runCli(deployCommand);
