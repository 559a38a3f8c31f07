import { defineConfig } from 'vitest/config';

// Used by `npm run test:mutation` only: runs the tests of the one module being mutated, named in
// BACKROOM_MUTATION_TESTS (comma-separated) by scripts/mutation.ts.
const tests = (process.env['BACKROOM_MUTATION_TESTS'] ?? '').split(',').filter(Boolean);
if (tests.length === 0) throw new Error('BACKROOM_MUTATION_TESTS names no test file.');

export default defineConfig({
  test: {
    include: tests,
    pool: 'forks',
    globalSetup: ['scripts/vitest-global-setup.ts'],
    setupFiles: ['scripts/vitest-threads-settled.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
