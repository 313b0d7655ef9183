import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // expect.poll waits 1 s by default: on a loaded 2-core CI machine a page or a hub can take
    // longer than that to show what the test waits for. A condition that never comes still fails.
    expect: { poll: { timeout: 15_000, interval: 50 } },
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // One hub and one browser per e2e file; files run one after another on a 2-core machine.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
