import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // expect.poll waits 1 s by default: on a loaded 2-core CI machine a page or a hub can take
    // longer than that to show what the test waits for. A condition that never comes still fails.
    expect: { poll: { timeout: 15_000, interval: 50 } },
    // One Kafka broker (sync engineer's helper; started only when a Kafka test runs) and one
    // PostgreSQL server for the whole run.
    globalSetup: ['../scripts/kafka/vitest-global-setup.ts', './test/support/pg-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
