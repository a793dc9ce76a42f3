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
  },
});
