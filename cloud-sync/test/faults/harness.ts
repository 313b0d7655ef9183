/**
 * The fault tests' parts, all real: a hub (its SQLite database, its outbox writer, its relay),
 * HQ (its consumer group on PGlite or PostgreSQL), the broker, and child processes for the
 * parts a test kills with SIGKILL. Orders are written the way checkout writes them — one
 * transaction per order through the hub's `enqueueOutbox` — with seeded random baskets, so the
 * hub's outbox is the ground truth that HQ must match: same orders, once each, same totals.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { sql } from 'kysely';
import type { HqDb } from '../../src/db';
import { storeEventsTopic } from '../../src/protocol';
import { parseMinor } from '../../src/protocol';
import { HqConsumer } from '../../src/consumers';
import type { KafkaTestEnv } from '../../../scripts/kafka/test-broker';
import { kafkaConfigFor } from '../../../scripts/kafka/test-broker';
import { openDatabase } from '../../../store-hub/src/platform/db/database';
import type { Db } from '../../../store-hub/src/platform/db/database';
import { enqueueOutbox } from '../../../store-hub/src/outbox';
import { OutboxRelay } from '../../../store-hub/src/sync/relay';
import { orderSnapshot } from '../support/events';

const { Kafka } = kafkajs;

export const HERE = path.dirname(fileURLToPath(import.meta.url));

/** A small deterministic generator (mulberry32) so a failing run can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function openHub(dir: string): Db {
  return openDatabase(dir);
}

/** Sells `n` orders, one transaction each, as checkout's completion does. */
export function sell(db: Db, storeId: string, n: number, random: () => number, day = '2026-03-01'): void {
  const store = { store_id: storeId, timezone: 'UTC', business_day_offset_minutes: 0 };
  const lines = (): { qty: number; unit: number }[] =>
    Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
      qty: 1 + Math.floor(random() * 3),
      unit: 50 + Math.floor(random() * 2000),
    }));
  for (let i = 0; i < n; i++) {
    const orderId = randomUUID();
    const at = new Date(Date.parse(`${day}T08:00:00Z`) + Math.floor(random() * 12 * 3600_000));
    const snap = orderSnapshot({
      orderId,
      storeId,
      businessDate: day,
      completedAt: at.toISOString(),
      lines: lines(),
      deviceId: `k${1 + Math.floor(random() * 3)}`,
    });
    db.transaction(() => {
      enqueueOutbox(
        db,
        store,
        { type: 'order.completed', key: orderId, device_id: snap.order.device_id, data: snap },
        at,
      );
    })();
  }
}

export interface OrderTally {
  orders: number;
  distinct: number;
  total_minor: bigint;
}

/** The hub's truth: every order.completed in its outbox. */
export function hubTally(db: Db): OrderTally {
  const rows = db
    .prepare(
      `SELECT key, json_extract(envelope, '$.data.totals.total_after_tax') AS total FROM outbox WHERE type = 'order.completed'`,
    )
    .all() as { key: string; total: string }[];
  return {
    orders: rows.length,
    distinct: new Set(rows.map((r) => r.key)).size,
    total_minor: rows.reduce((s, r) => s + parseMinor(r.total), 0n),
  };
}

export function hubBacklog(db: Db): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL`).get() as { n: number }).n;
}

/** HQ's view: orders rows (unique by order_id) and order.completed events (unique by event_id). */
export async function hqTally(db: HqDb, storeId: string): Promise<OrderTally & { events: number }> {
  const r = await sql<{ n: string | number; d: string | number; t: string | number | null }>`
    SELECT COUNT(*) AS n, COUNT(DISTINCT order_id) AS d, COALESCE(SUM(total_minor), 0) AS t FROM orders WHERE store_id = ${storeId}`.execute(
    db,
  );
  const e = await sql<{ n: string | number }>`
    SELECT COUNT(*) AS n FROM events WHERE store_id = ${storeId} AND type = 'order.completed'`.execute(db);
  const row = r.rows[0]!;
  return {
    orders: Number(row.n),
    distinct: Number(row.d),
    total_minor: BigInt(row.t ?? 0),
    events: Number(e.rows[0]!.n),
  };
}

export async function hqDeadLetters(db: HqDb): Promise<number> {
  const r = await sql<{ n: string | number }>`SELECT COUNT(*) AS n FROM dead_letters`.execute(db);
  return Number(r.rows[0]!.n);
}

export function relayFor(env: KafkaTestEnv, db: Db, storeId: string): OutboxRelay {
  const store = { store_id: storeId, timezone: 'UTC', business_day_offset_minutes: 0 };
  return new OutboxRelay({
    db,
    kafka: new Kafka(kafkaConfigFor(env, `hub-${storeId}`)),
    storeId,
    enqueue: (e) => {
      enqueueOutbox(db, store, e);
    },
    idlePollMs: 50,
    backoffMs: { initial: 100, max: 1000 },
  });
}

export function hqConsumer(
  env: KafkaTestEnv,
  db: HqDb,
  storeIds: string[],
  groupId = `hq-fault-${randomUUID().slice(0, 8)}`,
): HqConsumer {
  return new HqConsumer({
    kafka: kafkaConfigFor(env, 'hq', `hq-${groupId}`),
    db,
    groupId,
    topics: storeIds.map((s) => storeEventsTopic(s)),
    // A member that died (SIGKILL, broker restart) is noticed after this long, not after 30 s.
    sessionTimeout: 6000,
    heartbeatInterval: 1000,
  });
}

/** Polls until `check` holds (or throws after `ms`), for states reached asynchronously. */
export async function until(
  check: () => Promise<boolean> | boolean,
  ms = 60_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A harness script (hub-child.ts / hq-child.ts) in its own process, killed with SIGKILL. */
export interface Child {
  proc: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startChild(script: string, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts);
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      if (code) lines.push(`exit ${code}: ${err}`);
      resolve(code);
    }),
  );
  return {
    proc,
    lines,
    exited,
    async kill(signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}
