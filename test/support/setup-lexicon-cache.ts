import { inject, vi } from 'vitest';

/**
 * Every test file's index builds take the CC-CEDICT/WordNet lexicon from the run's lexicon cache
 * (test/support/lexicon-cache.ts) when the same corpus texts were seen before in the run: the
 * lexicon is most of an index build's cost, and the same few fixture corpora are built again and
 * again. A corpus not seen yet gets the real build. Spawned CLIs are not affected.
 */
vi.mock('../../src/index/build-lexicon.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/index/build-lexicon.js')>();
  const { cachedLexicon } = await import('./lexicon-cache.js');
  const cacheDir = inject('sharedIndexes').lexiconCacheDir;
  return { ...actual, buildLexicon: (texts: string[]) => cachedLexicon(cacheDir, texts, actual.buildLexicon) };
});
