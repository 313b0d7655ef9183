/**
 * Provisions a running local broker: HQ's ACLs and, per store, its topics and hub ACLs.
 *   node --import tsx scripts/kafka/provision.ts [--store ID]...   (admin credentials from the
 *   broker's state dir: KASSA_KAFKA_DIR, default <repo>/.data/kafka)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import { provisionHq, provisionStore } from './topology';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = process.env.KASSA_KAFKA_DIR ?? path.join(repo, '.data', 'kafka');
const { values } = parseArgs({ options: { store: { type: 'string', multiple: true } } });
const port = /^port=(\d+)$/m.exec(fs.readFileSync(path.join(dir, 'ports'), 'utf8'))?.[1];
const password = fs.readFileSync(path.join(dir, 'admin.password'), 'utf8').trim();
const admin = new kafkajs.Kafka({
  clientId: 'kassa-provision',
  brokers: [`127.0.0.1:${port}`],
  sasl: { mechanism: 'scram-sha-512', username: 'admin', password },
  logLevel: kafkajs.logLevel.NOTHING,
}).admin();
await admin.connect();
try {
  await provisionHq(admin);
  for (const s of values.store ?? []) await provisionStore(admin, s);
} finally {
  await admin.disconnect();
}
console.log(`kafka: provisioned HQ${values.store?.length ? ` and store(s) ${values.store.join(', ')}` : ''}`);
