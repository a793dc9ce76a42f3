import { inject, vi } from 'vitest';

/**
 * Every test file's index builds make their lexicon from the CC-CEDICT/WordNet reading shared by
 * the run (test/support/global-setup.ts) instead of reading both again: reading them is nearly all
 * of a build's time, and `buildLexicon` is exactly `lexiconFromSources` over a fresh reading, so the
 * lexicon is the same. Spawned CLIs get the same through test/support/lexicon-hook/.
 */
vi.mock('../../src/index/build-lexicon.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/index/build-lexicon.js')>();
  const { readSharedLexiconSources } = await import('./lexicon-sources.js');
  const shared = () => readSharedLexiconSources(inject('sharedIndexes').lexiconSourcesFile);
  return { ...actual, buildLexicon: async (texts: string[]) => actual.lexiconFromSources(await shared(), texts), memoLexiconSources: () => shared, loadLexiconSources: shared };
});
