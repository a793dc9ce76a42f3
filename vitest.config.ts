import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Two cores: index builds and spawned CLIs are heavy, so test files run two at a time.
    maxWorkers: 2,
  },
});
