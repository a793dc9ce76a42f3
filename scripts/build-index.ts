import { defineCommand, runCli } from '../src/cli/boundary.js';
import { loadProjectConfig } from '../src/config.js';

/** `npm run build-index`: (re)builds the index of the corpus with the configured embedder, with progress on stderr. */
const buildIndexCommand = defineCommand({
  meta: { name: 'build-index', description: 'Builds (or rebuilds) the index of the articles in CORPUS_DIR with the configured embedder' },
  args: {},
  async run() {
    const config = loadProjectConfig();
    // Loaded only when building: --help and usage errors stay instant.
    const [{ loadCorpus }, { buildIndexInPlace }] = await Promise.all([import('../src/corpus/load.js'), import('../src/index/lifecycle.js')]);
    const corpus = await loadCorpus(config.corpusDir, config.root);
    const settings = config.embeddings;
    const external = settings.kind === 'openai' ? (await import('../src/embeddings/openai.js')).createOpenAiEmbeddings(settings) : undefined;
    for (const file of corpus.skipped) console.error(`Skipped ${file.source}: ${file.reason}.`);
    await buildIndexInPlace({
      corpus,
      indexDir: config.indexDir,
      ...(external ? { embeddings: { embeddings: external, identity: external.identity() } } : {}),
      onProgress: (message) => console.error(message),
    });
  },
});

runCli(buildIndexCommand);
