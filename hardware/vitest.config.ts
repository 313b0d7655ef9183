import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // expect.poll waits 1 s by default: on a loaded 2-core CI machine a page or a hub can take
    // longer than that to show what the test waits for. A condition that never comes still fails.
    expect: { poll: { timeout: 15_000, interval: 50 } },
    include: ['test/**/*.test.ts'],
    // Real ptys and processes: a hung device must fail the run, not stall CI.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
