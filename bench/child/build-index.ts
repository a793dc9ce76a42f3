// Bench child: builds the index of a corpus into a folder in a fresh process (the CC-CEDICT import
// would otherwise stay in the bench's own peak RSS) and prints its timings as one JSON line.
// Usage: tsx bench/child/build-index.ts CORPUS_DIR INDEX_DIR
import { PROJECT_ROOT } from '../../src/config.js';
import { loadCorpus } from '../../src/corpus/load.js';
import { buildIndex } from '../../src/index/build.js';

async function main(): Promise<void> {
  const [corpusDir, indexDir] = process.argv.slice(2);
  if (!corpusDir || !indexDir) throw new Error('usage: build-index.ts CORPUS_DIR INDEX_DIR');
  const startedAt = performance.now();
  const corpus = await loadCorpus(corpusDir, PROJECT_ROOT);
  const loadedAt = performance.now();
  const index = await buildIndex({ corpus, indexDir, onProgress: (message) => process.stderr.write(`${message}\n`) });
  const builtAt = performance.now();
  process.stdout.write(
    `${JSON.stringify({
      loadCorpusMs: loadedAt - startedAt,
      buildMs: builtAt - loadedAt,
      totalMs: builtAt - startedAt,
      articles: index.corpus.articles.length,
      chunks: index.chunks.length,
      counts: index.manifest.counts,
      maxRssKb: process.resourceUsage().maxRSS,
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
