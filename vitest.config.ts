import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The indexes most test files only read are built once per run (paths handed over with `inject`).
    globalSetup: ['test/support/global-setup.ts'],
    // Index builds make their lexicon from the run's one reading of CC-CEDICT and WordNet (the slow part of a build).
    setupFiles: ['test/support/setup-lexicon.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Two cores: index builds and spawned CLIs are heavy, so test files run two at a time.
    maxWorkers: 2,
    // Test files share their worker's modules instead of importing LangChain, discord.js and the core
    // again each (a quarter of the run's time). No test mocks, spies on or stubs a module or global;
    // each sets up what it needs, and every file also passes alone (`npx vitest run FILE`).
    isolate: false,
  },
});
