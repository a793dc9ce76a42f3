import { runEntryPoint } from '../src/cli/entry.js';
import { loadProjectConfig } from '../src/config.js';
import { loadCorpus } from '../src/corpus/load.js';
import { buildIndexInPlace } from '../src/index/lifecycle.js';

/** `npm run build-index`: (re)builds the index of the corpus with the configured embedder, with progress on stderr. */
async function main(): Promise<void> {
  const config = loadProjectConfig();
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
}

runEntryPoint(main);
