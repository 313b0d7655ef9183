import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // expect.poll waits 1 s by default: on a loaded 2-core CI machine a page or a hub can take
    // longer than that to show what the test waits for. A condition that never comes still fails.
    expect: { poll: { timeout: 15_000, interval: 50 } },
    // One real Kafka broker for the whole run, started only when the run includes a Kafka test
    // (store-hub/test/sync*.test.ts); see scripts/kafka/vitest-global-setup.ts.
    globalSetup: ['../scripts/kafka/vitest-global-setup.ts'],
  },
});
