/**
 * Demo only: creates the demo store's topics and ACLs and HQ's on the local broker, as the broker's
 * admin user (connection JSON from `scripts/kafka/broker.sh admin-config` on stdin). Idempotent, so
 * a second `npm run demo` on the same broker changes nothing.
 *   broker.sh admin-config | tsx scripts/demo/kafka-provision.ts <store_id>
 */
import { Kafka, logLevel } from 'kafkajs';
import { provisionHq, provisionStore } from '../kafka/topology';

const storeId = process.argv[2];
if (!storeId) {
  console.error('usage: kafka-provision.ts <store_id> < admin-config.json');
  process.exit(2);
}
const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const conn = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
  brokers: string[];
  sasl: { mechanism: 'scram-sha-512'; username: string; password: string };
};
const admin = new Kafka({ clientId: 'kassa-demo', ...conn, logLevel: logLevel.NOTHING }).admin();
await admin.connect();
try {
  await provisionStore(admin, storeId);
  await provisionHq(admin);
} finally {
  await admin.disconnect();
}
