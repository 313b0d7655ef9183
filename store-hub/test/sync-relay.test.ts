/**
 * The outbox relay against the real broker: order, exactly the outbox's envelopes, marks only
 * after the ack, a broker that cannot be reached leaves everything unsent and reported, and the
 * backlog alert is raised once per episode.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { decodeEvent, storeEventsTopic } from '@kassa/cloud-sync/protocol';
import { kafkaFor, readTopic } from '../../scripts/kafka/test-broker';
import { provisionStore } from '../../scripts/kafka/topology';
import { OutboxRelay } from '../src/sync/relay';
import { hubEnqueue, tempHubDb, writeScans } from './sync.support';

const kafka = inject('kafka');

describe.skipIf(!kafka)('outbox relay (real broker)', () => {
  const env = kafka!;
  let admin: Admin;
  beforeAll(async () => {
    admin = kafkaFor(env, 'admin').admin();
    await admin.connect();
    for (const s of ['t03', 't04', 't05']) await provisionStore(admin, s);
  });
  afterAll(async () => {
    await admin?.disconnect();
  });

  it('publishes every outbox event once, in hub_seq order, keyed as written, and marks them sent', async () => {
    const store = 't03';
    const hub = tempHubDb();
    const enqueue = hubEnqueue(hub.db, store);
    writeScans(hub.db, enqueue, 1234, store);
    hub.db.transaction(() =>
      enqueue({
        type: 'order.cancelled',
        key: 'order-1',
        device_id: null,
        data: { order_id: 'order-1', o_id: 1, transaction_id_poslog: null, reason: 'test' },
      }),
    )();
    const relay = new OutboxRelay({
      db: hub.db,
      kafka: kafkaFor(env, `hub-${store}`),
      storeId: store,
      enqueue,
      batchSize: 100,
    });
    expect(relay.status().backlog).toBe(1235);
    const sent = await relay.drainOnce();
    expect(sent).toBe(1235);
    const st = relay.status();
    expect(st).toMatchObject({
      backlog: 0,
      oldest_unsent_at: null,
      last_hub_seq: 1235,
      last_sent_hub_seq: 1235,
      connected: true,
    });

    const records = await readTopic(env, storeEventsTopic(store), 'hq');
    expect(records).toHaveLength(1235);
    const rows = hub.db
      .prepare(`SELECT hub_seq, key, envelope, sent_at FROM outbox ORDER BY hub_seq`)
      .all() as {
      hub_seq: number;
      key: string;
      envelope: string;
      sent_at: string | null;
    }[];
    expect(records.map((r) => r.value)).toEqual(rows.map((r) => r.envelope));
    expect(records.map((r) => r.key)).toEqual(rows.map((r) => r.key));
    expect(rows.every((r) => r.sent_at !== null)).toBe(true);
    // What HQ will decode: valid envelopes, on the right store's topic.
    for (const r of records.slice(0, 50).concat(records.slice(-1))) {
      const d = decodeEvent(r.value, { topic: storeEventsTopic(store), direction: 'store_to_cloud' });
      expect(d.ok, JSON.stringify(!d.ok && d.reason)).toBe(true);
    }
    // A second pass has nothing to do.
    expect(await relay.drainOnce()).toBe(0);
    await relay.stop();
    hub.close();
  });

  it('leaves events unsent while the broker cannot be reached, reports it, and sends them once it can', async () => {
    const store = 't04';
    const hub = tempHubDb();
    const enqueue = hubEnqueue(hub.db, store);
    writeScans(hub.db, enqueue, 20, store);
    const nowhere = new Kafka({
      clientId: 'nowhere',
      brokers: ['127.0.0.1:9'],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 200,
      retry: { retries: 0 },
    });
    const down = new OutboxRelay({
      db: hub.db,
      kafka: nowhere,
      storeId: store,
      enqueue,
      backoffMs: { initial: 20, max: 50 },
    });
    down.start();
    // A sale meanwhile is an insert like any other: it does not wait for the relay.
    writeScans(hub.db, enqueue, 5, store);
    await expect
      .poll(() => down.status().consecutive_failures, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    await down.stop();
    const st = down.status();
    expect(st).toMatchObject({ backlog: 25, connected: false, last_sent_hub_seq: null });
    expect(st.last_error).toBeTruthy();
    const head = hub.db.prepare(`SELECT attempts, last_error FROM outbox WHERE hub_seq = 1`).get() as {
      attempts: number;
      last_error: string;
    };
    expect(head.attempts).toBeGreaterThanOrEqual(1);
    expect((await admin.fetchTopicOffsets(storeEventsTopic(store)))[0]?.high).toBe('0');

    const up = new OutboxRelay({ db: hub.db, kafka: kafkaFor(env, `hub-${store}`), storeId: store, enqueue });
    up.start();
    await expect.poll(() => up.status().backlog, { timeout: 30_000 }).toBe(0);
    await up.stop();
    const records = await readTopic(env, storeEventsTopic(store));
    expect(records.map((r) => (JSON.parse(r.value!) as { hub_seq: number }).hub_seq)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
    hub.close();
  });

  it('raises one backlog alert when the oldest unsent event passes the threshold, and clears it after', async () => {
    const store = 't05';
    const hub = tempHubDb();
    const enqueue = hubEnqueue(hub.db, store);
    writeScans(hub.db, enqueue, 3, store);
    let clock = Date.now() + 2 * 3600_000; // two hours later
    const nowhere = new Kafka({
      clientId: 'nowhere',
      brokers: ['127.0.0.1:9'],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 200,
      retry: { retries: 0 },
    });
    const relay = new OutboxRelay({
      db: hub.db,
      kafka: nowhere,
      storeId: store,
      enqueue,
      alertAfterMs: 3600_000,
      now: () => clock,
      backoffMs: { initial: 10, max: 20 },
    });
    expect(relay.status().alert).toMatchObject({ code: 'OUTBOX_BACKLOG', threshold_ms: 3600_000 });
    relay.start();
    await expect
      .poll(() => relay.status().consecutive_failures, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);
    await relay.stop();
    const alerts = () =>
      (
        hub.db.prepare(`SELECT envelope FROM outbox WHERE type = 'alert'`).all() as { envelope: string }[]
      ).map((r) => JSON.parse(r.envelope) as { data: { code: string; severity: string } });
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]?.data).toMatchObject({ code: 'OUTBOX_BACKLOG', severity: 'warning' });

    // Connected again and drained: the flag clears, so a later episode alerts again.
    clock = Date.now();
    const up = new OutboxRelay({
      db: hub.db,
      kafka: kafkaFor(env, `hub-${store}`),
      storeId: store,
      enqueue,
      now: () => clock,
    });
    up.start();
    await expect.poll(() => up.status().backlog, { timeout: 30_000 }).toBe(0);
    await expect
      .poll(() => hub.db.prepare(`SELECT 1 FROM meta WHERE key = 'sync.backlog_alert_raised'`).get())
      .toBeUndefined();
    await up.stop();
    expect(up.status().alert).toBeNull();
    const records = await readTopic(env, storeEventsTopic(store));
    expect(records.filter((r) => r.value!.includes('"OUTBOX_BACKLOG"'))).toHaveLength(1);
    hub.close();
  });
});
