/** Kafka test helpers over the sync engineer's broker (scripts/kafka): admin, topics, waiting. */
import type { Admin, Kafka } from 'kafkajs';
import { inject } from 'vitest';
import type { KafkaTestEnv } from '../../../scripts/kafka/test-broker';
import { kafkaConfigFor, kafkaFor } from '../../../scripts/kafka/test-broker';
import { provisionHq, provisionStore } from '../../../scripts/kafka/topology';

export { kafkaConfigFor, kafkaFor };
export type { KafkaTestEnv };

export function kafkaEnv(): KafkaTestEnv | null {
  return inject('kafka');
}

export async function withAdmin<T>(env: KafkaTestEnv, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaFor(env, 'admin').admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function provision(env: KafkaTestEnv, stores: string[]): Promise<void> {
  await withAdmin(env, async (admin) => {
    await provisionHq(admin);
    for (const s of stores) await provisionStore(admin, s);
  });
}

/** Polls `probe` until it returns true (waiting for asynchronous delivery; not a timing assertion). */
export async function until(probe: () => Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every record currently on a topic (reads from the beginning with a throwaway group). */
export async function readAll(
  kafka: Kafka,
  topic: string,
  groupId: string,
  expected: number,
): Promise<{ key: string | null; value: string }[]> {
  const consumer = kafka.consumer({ groupId });
  const got: { key: string | null; value: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      got.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '' });
    },
  });
  try {
    await until(async () => got.length >= expected, `${expected} records on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return got;
}
