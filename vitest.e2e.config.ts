import { defineConfig } from 'vitest/config';

// End-to-end: real headless store server processes, real Chromium through playwright-core.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    pool: 'forks',
    globalSetup: ['scripts/vitest-global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
