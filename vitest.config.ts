import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,drivers,sync,electron,simulators,scripts,renderer}/**/*.test.{ts,tsx}'],
    exclude: ['**/*.e2e.test.ts', 'node_modules/**'],
    pool: 'forks',
    globalSetup: ['scripts/vitest-global-setup.ts'],
    // Each test file waits for its background threads to exit before its process ends.
    setupFiles: ['scripts/vitest-threads-settled.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
