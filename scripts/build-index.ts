import { defineCommand, runCli } from '../src/cli/boundary.js';
import { loadProjectConfig } from '../src/config.js';

/**
 * `npm run build-index`: brings the index of the corpus up to date with the configured embedder,
 * with progress on stderr. When only articles were added, changed or removed, just their chunks are
 * re-indexed; `--full` rebuilds the whole index (and re-weighs every chunk's vector).
 */
const buildIndexCommand = defineCommand({
  meta: { name: 'build-index', description: 'Builds the index of the articles in CORPUS_DIR with the configured embedder, or updates only the articles that changed' },
  args: {
    full: { type: 'boolean', description: 'rebuild the whole index even when only articles changed' },
  },
  async run({ args }) {
    const config = loadProjectConfig();
    // Loaded only when building: --help and usage errors stay instant.
    const { refreshIndex } = await import('../src/index/open.js');
    const settings = config.embeddings;
    const external = settings.kind === 'openai' ? (await import('../src/embeddings/openai.js')).createOpenAiEmbeddings(settings) : undefined;
    const index = await refreshIndex({
      corpusDir: config.corpusDir,
      indexDir: config.indexDir,
      root: config.root,
      full: args.full === true,
      ...(external ? { embeddings: { embeddings: external, identity: external.identity() } } : {}),
      onProgress: (message) => console.error(message),
    });
    index.lexical.close();
  },
});

runCli(buildIndexCommand);
