import { defineCommand, runCli } from '../src/cli/boundary.js';
import { describeSources, formatSources } from '../src/cli/sources.js';
import { loadProjectConfig } from '../src/config.js';

/** `npm run sources`: what is indexed (articles, languages, paragraphs) and how old and current the index is. */
const sourcesCommand = defineCommand({
  meta: { name: 'sources', description: 'Lists the indexed articles (language, paragraphs, sentences) and the index age and state' },
  args: {
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  async run({ args }) {
    const config = loadProjectConfig();
    const report = await describeSources(config);
    process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : formatSources(report, config.root)}\n`);
  },
});

runCli(sourcesCommand);
