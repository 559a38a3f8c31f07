import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,drivers,sync,electron,simulators,scripts,renderer}/**/*.test.{ts,tsx}'],
    exclude: ['**/*.e2e.test.ts', 'node_modules/**'],
    pool: 'forks',
    globalSetup: ['scripts/vitest-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
