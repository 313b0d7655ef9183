import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One Kafka broker (sync engineer's helper; started only when a Kafka test runs) and one
    // PostgreSQL server for the whole run.
    globalSetup: ['../scripts/kafka/vitest-global-setup.ts', './test/support/pg-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
