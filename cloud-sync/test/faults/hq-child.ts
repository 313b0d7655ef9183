/**
 * An HQ consumer in its own process for the kill tests: the consumer group on a PostgreSQL
 * database, until killed. Configured by environment (FAULT_*).
 */
import { openHqDb } from '../../src/db';
import type { KafkaTestEnv } from '../../../scripts/kafka/test-broker';
import { hqConsumer } from './harness';

const env = JSON.parse(process.env.FAULT_KAFKA!) as KafkaTestEnv;
const stores = process.env.FAULT_STORES!.split(',');
const opened = await openHqDb(process.env.FAULT_DB_URL!);
const consumer = hqConsumer(env, opened.db, stores, process.env.FAULT_GROUP!);
await consumer.start().catch((err: unknown) => {
  console.log(`start failed: ${String(err)}`);
  process.exit(1);
});
console.log('consuming');
const tick = setInterval(() => console.log(`applied ${JSON.stringify(consumer.stats)}`), 200);
process.on('SIGTERM', () => {
  clearInterval(tick);
  void consumer.stop().then(async () => {
    await opened.close();
    process.exit(0);
  });
});
