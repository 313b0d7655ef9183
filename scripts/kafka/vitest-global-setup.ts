/**
 * vitest globalSetup: ONE broker for the whole test run of a package, provided to test files as
 * `inject('kafka')` (null when Java is missing: the Kafka tests then skip, saying why). Started
 * only when the run includes a Kafka test, so `vitest run test/api.test.ts` pays nothing.
 */
import type { TestProject } from 'vitest/node';
import { Kafka, logLevel } from 'kafkajs';
import type { TestBroker } from './test-broker';
import { javaAvailable, startTestBroker } from './test-broker';
import { provisionHq } from './topology';

const KAFKA_TEST = /sync|fault|kafka|hq|consumer|relay|inbox|isolation|e2e|publish|dead|chaos/i;

function runNeedsKafka(): boolean {
  // Positional CLI arguments are file filters; none given means the whole suite.
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run' && !/vitest/.test(a));
  return args.length === 0 || args.some((a) => KAFKA_TEST.test(a));
}

let broker: TestBroker | null = null;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!runNeedsKafka()) {
    project.provide('kafka', null);
    return async () => undefined;
  }
  if (!(await javaAvailable())) {
    // In CI a missing broker is a broken pipeline, never a quiet skip.
    if (process.env.CI === 'true')
      throw new Error('kafka: Java is not installed, so the broker cannot start (CI=true: not skipping)');
    console.warn(
      'kafka: Java is not installed; the Kafka-based tests are skipped (install default-jre-headless)',
    );
    project.provide('kafka', null);
    return async () => undefined;
  }
  broker = await startTestBroker();
  const admin = new Kafka({
    clientId: 'test-setup',
    brokers: broker.env.brokers,
    sasl: { mechanism: 'scram-sha-512', username: 'admin', password: broker.env.adminPassword },
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  await provisionHq(admin);
  await admin.disconnect();
  project.provide('kafka', broker.env);
  return async () => {
    await broker?.remove();
    broker = null;
  };
}
