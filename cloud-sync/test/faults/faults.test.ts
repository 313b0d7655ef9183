/**
 * Issue 13 §5: faults against the real broker and databases. Every test ends with the same
 * equalities between the hub's outbox (the truth) and HQ: as many orders, each once, the same
 * total — and HQ stored each order.completed event once (no duplicates after redeliveries).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { sql } from 'kysely';
import type { OpenedDb } from '../../src/db';
import { openHqDb } from '../../src/db';
import { storeEventsTopic } from '../../src/protocol';
import type { TestBroker } from '../../../scripts/kafka/test-broker';
import { kafkaFor, readTopic, startTestBroker } from '../../../scripts/kafka/test-broker';
import { provisionHq, provisionStore } from '../../../scripts/kafka/topology';
import { envelope } from '../support/events';
import {
  HERE,
  hqConsumer,
  hqDeadLetters,
  hqTally,
  hubBacklog,
  hubTally,
  openHub,
  relayFor,
  rng,
  sell,
  startChild,
  tempDir,
  until,
} from './harness';

const run = promisify(execFile);
const kafka = inject('kafka');
const postgres = inject('postgres');
const PG_SCRIPTS = path.resolve(HERE, '../../../scripts/postgres');

async function expectSame(hub: ReturnType<typeof hubTally>, db: OpenedDb, storeId: string): Promise<void> {
  const hq = await hqTally(db.db, storeId);
  expect(hub.orders).toBe(hub.distinct);
  expect(hq).toEqual({
    orders: hub.orders,
    distinct: hub.orders,
    total_minor: hub.total_minor,
    events: hub.orders,
  });
}

const settle = (db: OpenedDb, storeId: string, want: number, ms = 120_000) =>
  until(async () => (await hqTally(db.db, storeId)).orders >= want, ms, `${want} orders of ${storeId} at HQ`);

describe.skipIf(!kafka)('faults (real broker, real databases)', () => {
  const env = kafka!;
  let admin: Admin;
  beforeAll(async () => {
    admin = kafkaFor(env, 'admin').admin();
    await admin.connect();
    for (const s of ['t12', 't13', 't14', 't15', 't16', 't17', 't18']) await provisionStore(admin, s);
  });
  afterAll(async () => {
    await admin?.disconnect();
  });

  it('broker stopped during a stream of checkouts and started again: every order at HQ exactly once', async () => {
    // Its own broker: stopping the run's shared one would disturb the other test files.
    const broker: TestBroker = await startTestBroker({ users: ['hq', 'hub-t11'] });
    const benv = broker.env;
    const a = kafkaFor(benv, 'admin').admin();
    await a.connect();
    await provisionHq(a);
    await provisionStore(a, 't11');
    await a.disconnect();
    const hub = openHub(tempDir('kassa-fault-hub-'));
    const hq = await openHqDb('memory://');
    const relay = relayFor(benv, hub, 't11');
    const consumer = hqConsumer(benv, hq.db, ['t11']);
    try {
      relay.start();
      await consumer.start();
      const random = rng(11);
      let sold = 0;
      const trade = async (n: number) => {
        for (let i = 0; i < n; i += 10) {
          sell(hub, 't11', 10, random);
          sold += 10;
          relay.notify();
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      await trade(200);
      await broker.stop();
      await trade(300); // the store sells on while the broker is away
      expect(hubBacklog(hub)).toBeGreaterThan(0);
      await broker.start();
      await trade(200);
      await settle(hq, 't11', sold);
      await until(() => hubBacklog(hub) === 0, 60_000, 'empty outbox');
      await expectSame(hubTally(hub), hq, 't11');
      expect(sold).toBe(700);
    } finally {
      await consumer.stop();
      await relay.stop();
      hub.close();
      await hq.close();
      await broker.remove();
    }
  }, 240_000);

  it('hub killed with SIGKILL mid-relay: the restarted hub resends what was not marked, HQ keeps each order once', async () => {
    const dir = tempDir('kassa-fault-hub-');
    const hq = await openHqDb('memory://');
    const consumer = hqConsumer(env, hq.db, ['t12']);
    await consumer.start();
    const childEnv = {
      FAULT_KAFKA: JSON.stringify(env),
      FAULT_STORE: 't12',
      FAULT_HUB_DIR: dir,
      FAULT_SEED: '12',
    };
    const first = startChild('hub-child.ts', { ...childEnv, FAULT_SELL: '1500', FAULT_PER_TICK: '5' });
    try {
      // Killed while it is still selling and relaying (it prints `sold N backlog M` every tick).
      const sold = () => Number(/^sold (\d+)/.exec(first.lines[first.lines.length - 1] ?? '')?.[1] ?? 0);
      await until(() => sold() >= 500, 120_000, 'hub trading and relaying');
      await first.kill('SIGKILL');
      const hub = openHub(dir);
      const atKill = hubTally(hub);
      expect(atKill.orders).toBeGreaterThan(0);
      expect(atKill.orders).toBeLessThan(1500); // the day was cut short: the restarted hub only relays
      const second = startChild('hub-child.ts', { ...childEnv, FAULT_SELL: '0' });
      try {
        await until(() => hubBacklog(hub) === 0, 120_000, 'restarted hub drained');
        await settle(hq, 't12', atKill.orders);
        await expectSame(hubTally(hub), hq, 't12');
      } finally {
        await second.kill('SIGTERM');
        hub.close();
      }
    } finally {
      await first.kill();
      await consumer.stop();
      await hq.close();
    }
  }, 240_000);

  it('a backlog of 10,000 orders from three days offline drains in hub_seq order, without gaps', async () => {
    const hub = openHub(tempDir('kassa-fault-hub-'));
    const random = rng(13);
    for (const day of ['2026-03-01', '2026-03-02', '2026-03-03'])
      sell(hub, 't13', day === '2026-03-03' ? 3334 : 3333, random, day);
    expect(hubBacklog(hub)).toBe(10_000);
    const hq = await openHqDb('memory://');
    const relay = relayFor(env, hub, 't13');
    const consumer = hqConsumer(env, hq.db, ['t13']);
    try {
      relay.start();
      await consumer.start();
      await settle(hq, 't13', 10_000, 300_000);
      await expectSame(hubTally(hub), hq, 't13');
      const records = await readTopic(env, storeEventsTopic('t13'), 'hq');
      const seqs = records.map((r) => (JSON.parse(r.value!) as { hub_seq: number }).hub_seq);
      expect(seqs).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
      const gaps = await sql<{
        n: string | number;
      }>`SELECT COUNT(*) AS n FROM seq_gaps WHERE store_id = 't13'`.execute(hq.db);
      expect(Number(gaps.rows[0]!.n)).toBe(0);
    } finally {
      await consumer.stop();
      await relay.stop();
      hub.close();
      await hq.close();
    }
  }, 360_000);

  it('a poison message goes to the dead letters while the rest flow; an event claiming another store is refused', async () => {
    const hub = openHub(tempDir('kassa-fault-hub-'));
    const hq = await openHqDb('memory://');
    const relay = relayFor(env, hub, 't15');
    const consumer = hqConsumer(env, hq.db, ['t15', 't16']);
    const random = rng(15);
    const rogue = kafkaFor(env, 'hub-t15').producer();
    await rogue.connect();
    try {
      relay.start();
      await consumer.start();
      sell(hub, 't15', 150, random);
      relay.notify();
      const poison = [
        'not json at all',
        JSON.stringify(envelope('order.teleported', 'x', {}, { store_id: 't15' })),
        // hub t15 speaking as store t16 on its own topic (the only one it may write): refused
        JSON.stringify(
          envelope(
            'order.cancelled',
            'o-1',
            { order_id: 'o-1', o_id: 1, transaction_id_poslog: null, reason: 'x' },
            { store_id: 't16' },
          ),
        ),
      ];
      await rogue.send({
        topic: storeEventsTopic('t15'),
        messages: poison.map((value) => ({ key: 'x', value })),
      });
      sell(hub, 't15', 150, random);
      relay.notify();
      await settle(hq, 't15', 300);
      await until(async () => (await hqDeadLetters(hq.db)) >= 3, 60_000, 'three dead letters');
      await expectSame(hubTally(hub), hq, 't15');
      const codes = await sql<{ code: string }>`SELECT code FROM dead_letters ORDER BY code`.execute(hq.db);
      expect(codes.rows.map((r) => r.code)).toEqual([
        'MALFORMED_JSON',
        'STORE_MISMATCH',
        'UNKNOWN_EVENT_TYPE',
      ]);
      const t16 = await sql<{
        n: string | number;
      }>`SELECT COUNT(*) AS n FROM events WHERE store_id = 't16'`.execute(hq.db);
      expect(Number(t16.rows[0]!.n)).toBe(0);
    } finally {
      await rogue.disconnect();
      await consumer.stop();
      await relay.stop();
      hub.close();
      await hq.close();
    }
  }, 240_000);

  it('two HQ consumers rebalancing while messages flow: every order once', async () => {
    const stores = ['t16', 't17'];
    const hubs = stores.map(() => openHub(tempDir('kassa-fault-hub-')));
    const relays = stores.map((s, i) => relayFor(env, hubs[i]!, s));
    const hq = await openHqDb('memory://');
    const group = `hq-rebalance-${Date.now()}`;
    const c1 = hqConsumer(env, hq.db, stores, group);
    const c2 = hqConsumer(env, hq.db, stores, group);
    const random = rng(16);
    const trade = async (rounds: number) => {
      for (let r = 0; r < rounds; r++) {
        stores.forEach((s, i) => sell(hubs[i]!, s, 5, random));
        relays.forEach((x) => x.notify());
        await new Promise((res) => setTimeout(res, 10));
      }
    };
    try {
      relays.forEach((r) => r.start());
      await c1.start();
      await trade(40);
      await c2.start(); // joins: the group rebalances while both hubs keep selling
      await trade(40);
      await c1.stop(); // leaves: c2 takes over its partitions
      await trade(40);
      for (const [i, s] of stores.entries()) {
        await settle(hq, s, 600);
        await expectSame(hubTally(hubs[i]!), hq, s);
      }
    } finally {
      await c1.stop();
      await c2.stop();
      for (const r of relays) await r.stop();
      hubs.forEach((h) => h.close());
      await hq.close();
    }
  }, 240_000);

  describe.skipIf(!postgres)('with PostgreSQL', () => {
    it('HQ consumer killed with SIGKILL mid-batch: its successor applies the rest, nothing twice', async () => {
      const { freshPostgresDatabase } = await import('../support/databases');
      const url = await freshPostgresDatabase();
      const hub = openHub(tempDir('kassa-fault-hub-'));
      sell(hub, 't14', 2000, rng(14));
      const relay = relayFor(env, hub, 't14');
      relay.start();
      const hq = await openHqDb(url);
      const childEnv = {
        FAULT_KAFKA: JSON.stringify(env),
        FAULT_STORES: 't14',
        FAULT_DB_URL: url,
        FAULT_GROUP: `hq-kill-${Date.now()}`,
      };
      const first = startChild('hq-child.ts', childEnv);
      try {
        await until(async () => (await hqTally(hq.db, 't14')).orders >= 300, 120_000, 'HQ under way');
        await first.kill('SIGKILL');
        const atKill = (await hqTally(hq.db, 't14')).orders;
        expect(atKill).toBeLessThan(2000);
        const second = startChild('hq-child.ts', childEnv);
        try {
          await settle(hq, 't14', 2000, 180_000);
          await expectSame(hubTally(hub), hq, 't14');
        } finally {
          await second.kill('SIGTERM');
        }
      } finally {
        await first.kill();
        await relay.stop();
        hub.close();
        await hq.close();
      }
    }, 300_000);

    it('PostgreSQL restarted while events flow: HQ retries the batch, every order once', async () => {
      // Its own server: restarting the run's shared one would disturb the other test files.
      const { stdout } = await run('bash', [path.join(PG_SCRIPTS, 'pg-up.sh')], { timeout: 120_000 });
      const kv = Object.fromEntries(
        stdout
          .trim()
          .split(/\s+/)
          .map((p) => p.split('=') as [string, string]),
      );
      const hub = openHub(tempDir('kassa-fault-hub-'));
      const hq = await openHqDb(kv.PGURL!);
      const relay = relayFor(env, hub, 't18');
      const consumer = hqConsumer(env, hq.db, ['t18'], `hq-pgrestart-${Date.now()}`);
      const random = rng(18);
      const orders = async () => (await hqTally(hq.db, 't18').catch(() => ({ orders: 0 }))).orders;
      try {
        relay.start();
        await consumer.start();
        sell(hub, 't18', 300, random);
        relay.notify();
        await until(async () => (await orders()) > 0, 60_000, 'first orders');
        await run('bash', [path.join(PG_SCRIPTS, 'pg-restart.sh'), kv.PGDATA!, 'stop'], { timeout: 60_000 });
        sell(hub, 't18', 300, random); // relayed to the broker; HQ cannot write them yet
        relay.notify();
        await until(() => hubBacklog(hub) === 0, 60_000, 'relayed while the database is down');
        await run('bash', [path.join(PG_SCRIPTS, 'pg-restart.sh'), kv.PGDATA!, 'start'], { timeout: 60_000 });
        sell(hub, 't18', 300, random);
        relay.notify();
        await until(async () => (await orders()) >= 900, 180_000, '900 orders');
        await expectSame(hubTally(hub), hq, 't18');
      } finally {
        await consumer.stop();
        await relay.stop();
        hub.close();
        await hq.close();
        await run('bash', [path.join(PG_SCRIPTS, 'pg-down.sh'), kv.PGDATA!], { timeout: 60_000 }).catch(
          () => undefined,
        );
      }
    }, 300_000);
  });
});
