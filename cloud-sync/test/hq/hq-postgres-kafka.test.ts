/**
 * HQ on Debian's PostgreSQL server with two consumers in one group (scale-out): the server is
 * stopped while hubs keep producing and started again; every order is stored exactly once.
 * A private server (scripts/postgres/pg-up.sh) so the restart touches no other test.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HqConsumer } from '../../src/consumers';
import type { OpenedDb } from '../../src/db';
import { openHqDb } from '../../src/db';
import { counts } from '../../src/reports';
import { storeEventsTopic } from '../../src/protocol';
import { envelope, orderSnapshot } from '../support/events';
import type { KafkaTestEnv } from '../support/kafka';
import { kafkaConfigFor, kafkaEnv, kafkaFor, provision, until } from '../support/kafka';

const run = promisify(execFile);
const PG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/postgres');
const env = kafkaEnv();
const STORES = ['t25', 't26'];

describe.skipIf(!env || !inject('postgres'))('HQ on PostgreSQL: restart while two consumers run', () => {
  const k = env as KafkaTestEnv;
  let pgdata = '';
  let h: OpenedDb;
  const consumers: HqConsumer[] = [];
  const hubs = new Map<string, Producer>();

  beforeAll(async () => {
    await provision(k, STORES);
    const out = (await run('bash', [path.join(PG, 'pg-up.sh')])).stdout;
    const kv = Object.fromEntries(
      out
        .trim()
        .split(/\s+/)
        .map((p) => p.split('=') as [string, string]),
    );
    pgdata = kv.PGDATA!;
    h = await openHqDb(kv.PGURL!);
    for (const name of ['c1', 'c2']) {
      const c = new HqConsumer({
        kafka: kafkaConfigFor(k, 'hq', `hq-pg-${name}`),
        db: h.db,
        groupId: 'hq-pg-consumers',
        topics: STORES.map(storeEventsTopic),
        chunk: 10,
      });
      await c.start();
      consumers.push(c);
    }
    for (const s of STORES) {
      const p = kafkaFor(k, `hub-${s}`).producer({ idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      hubs.set(s, p);
    }
  });

  afterAll(async () => {
    for (const p of hubs.values()) await p.disconnect();
    for (const c of consumers) await c.stop();
    await h?.close();
    if (pgdata) await run('bash', [path.join(PG, 'pg-down.sh'), pgdata]).catch(() => undefined);
  });

  it('stores every order exactly once across a database restart', async () => {
    const seq = new Map<string, number>();
    let expected = 0n;
    const produce = async (n: number, tag: string) => {
      for (const s of STORES) {
        const msgs = Array.from({ length: n }, (_, i) => {
          const next = (seq.get(s) ?? 0) + 1;
          seq.set(s, next);
          const snap = orderSnapshot({
            orderId: `${s}-${tag}-${i}`,
            storeId: s,
            lines: [{ qty: 1, unit: 100 + i }],
          });
          expected += BigInt(100 + i);
          return {
            key: snap.order.order_id,
            value: JSON.stringify(
              envelope('order.completed', snap.order.order_id, snap, { store_id: s, hub_seq: next }),
            ),
          };
        });
        await hubs.get(s)!.send({ topic: storeEventsTopic(s), acks: -1, messages: msgs });
      }
    };
    await produce(20, 'before');
    await until(async () => (await counts(h.db)).orders === 40, '40 orders before the restart');

    await run('bash', [path.join(PG, 'pg-restart.sh'), pgdata, 'stop']);
    await produce(20, 'during');
    await until(
      async () => consumers.some((c) => c.stats.retries > 0),
      'a consumer to notice the database is down',
    );
    await run('bash', [path.join(PG, 'pg-restart.sh'), pgdata, 'start']);
    await produce(20, 'after');

    await until(
      async () => (await counts(h.db).catch(() => ({ orders: -1 }))).orders === 120,
      'all 120 orders',
    );
    expect(await counts(h.db)).toEqual({ orders: 120, total_minor: String(expected) });
    const events = await h.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(120);
    expect(await h.db.selectFrom('seq_gaps').selectAll().execute()).toEqual([]);
    // Both consumers of the group took part (one partition per store topic, two topics).
    expect(consumers.map((c) => c.stats.applied + c.stats.duplicates).every((n) => n > 0)).toBe(true);
  });
});
