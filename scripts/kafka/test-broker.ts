/**
 * A real single-node broker for tests: free loopback ports, its own state directory, SCRAM users
 * created at format time, removed again by `remove()`. Drives broker.sh so tests run exactly what
 * the project runs.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';

import type {} from 'vitest';

declare module 'vitest' {
  /** What scripts/kafka/vitest-global-setup.ts provides: the run's broker, or null without Java. */
  export interface ProvidedContext {
    kafka: KafkaTestEnv | null;
  }
}

const run = promisify(execFile);
const BROKER_SH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'broker.sh');

/** Stores whose hub users exist on every test broker. Tests pick distinct stores so that test
 * files sharing one broker never share topics: t01–t20 sync tests, t21–t40 HQ tests, t41–t50 dashboard tests. */
export const TEST_STORES: readonly string[] = Array.from(
  { length: 50 },
  (_, i) => `t${String(i + 1).padStart(2, '0')}`,
);

/** Test credentials only (loopback broker, deleted after the run). */
export const testPassword = (user: string): string => `pw-${user}`;

/** What a test needs to reach the broker (serialisable: vitest passes it to the workers). */
export interface KafkaTestEnv {
  brokers: string[];
  adminPassword: string;
  users: Record<string, string>;
  dir: string;
  port: number;
}

export function saslFor(env: KafkaTestEnv, user: string): SASLOptions {
  const password = user === 'admin' ? env.adminPassword : env.users[user];
  if (password === undefined) throw new Error(`no test user ${user} on this broker`);
  return { mechanism: 'scram-sha-512', username: user, password };
}

/** kafkajs client settings for one principal; fast retries, since everything is on loopback. */
export function kafkaConfigFor(env: KafkaTestEnv, user: string, clientId = user): KafkaConfig {
  return {
    clientId,
    brokers: env.brokers,
    sasl: saslFor(env, user),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 100, retries: 8 },
  };
}

export function kafkaFor(env: KafkaTestEnv, user: string, clientId?: string): Kafka {
  return new Kafka(kafkaConfigFor(env, user, clientId));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function javaAvailable(): Promise<boolean> {
  try {
    await run('java', ['-version']);
    return true;
  } catch {
    return false;
  }
}

export interface TestBroker {
  env: KafkaTestEnv;
  /** Clean stop (SIGTERM, waits for exit); data is kept for `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGKILL, as a crash or power cut would. */
  kill(): Promise<void>;
  /** Stops if running and deletes the state directory. */
  remove(): Promise<void>;
}

export async function startTestBroker(
  opts: { users?: string[]; heap?: string; dir?: string } = {},
): Promise<TestBroker> {
  const users = opts.users ?? ['hq', ...TEST_STORES.map((s) => `hub-${s}`)];
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-kafka-'));
  const port = await freePort();
  const cport = await freePort();
  const shellEnv = {
    ...process.env,
    KASSA_KAFKA_DIR: dir,
    KASSA_KAFKA_PORT: String(port),
    KASSA_KAFKA_CONTROLLER_PORT: String(cport),
    KASSA_KAFKA_HEAP: opts.heap ?? '384m',
  };
  const sh = async (...args: string[]): Promise<void> => {
    await run('bash', [BROKER_SH, ...args], { env: shellEnv, maxBuffer: 4 * 1024 * 1024 });
  };
  const userArgs = users.flatMap((u) => ['--user', `${u}:${testPassword(u)}`]);
  await sh('format', ...userArgs);
  await sh('start');
  const env: KafkaTestEnv = {
    brokers: [`127.0.0.1:${port}`],
    adminPassword: fs.readFileSync(path.join(dir, 'admin.password'), 'utf8').trim(),
    users: Object.fromEntries(users.map((u) => [u, testPassword(u)])),
    dir,
    port,
  };
  const pid = (): number | null => {
    try {
      return Number(fs.readFileSync(path.join(dir, 'broker.pid'), 'utf8'));
    } catch {
      return null;
    }
  };
  return {
    env,
    stop: () => sh('stop'),
    start: () => sh('start'),
    async kill() {
      const p = pid();
      if (p === null) return;
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(p, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      fs.rmSync(path.join(dir, 'broker.pid'), { force: true });
    },
    async remove() {
      await sh('stop').catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ReadRecord {
  key: string | null;
  value: string | null;
  offset: string;
  partition: number;
}

/**
 * Everything on a topic up to its current end, read as `user` (admin by default) with a
 * throw-away group; resolves once every partition's high watermark is reached.
 */
export async function readTopic(env: KafkaTestEnv, topic: string, user = 'admin'): Promise<ReadRecord[]> {
  const kafka = kafkaFor(env, user, `read-${user}`);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const pending = new Map(
    ends.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]),
  );
  const out: ReadRecord[] = [];
  if (pending.size === 0) return out;
  const groupId = `${user === 'hq' ? 'hq' : 'read'}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 100,
    sessionTimeout: 6000,
    heartbeatInterval: 1000,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      void consumer
        .run({
          eachBatchAutoResolve: true,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages)
              out.push({
                key: m.key?.toString() ?? null,
                value: m.value?.toString() ?? null,
                offset: m.offset,
                partition: batch.partition,
              });
            const end = pending.get(batch.partition);
            if (end !== undefined && Number(batch.lastOffset()) + 1 >= end) pending.delete(batch.partition);
            if (pending.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}
