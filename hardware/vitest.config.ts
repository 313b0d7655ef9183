import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real ptys and processes: a hung device must fail the run, not stall CI.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
