import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One real Kafka broker for the whole run, started only when the run includes a Kafka test
    // (store-hub/test/sync*.test.ts); see scripts/kafka/vitest-global-setup.ts.
    globalSetup: ['../scripts/kafka/vitest-global-setup.ts'],
  },
});
