/**
 * HQ against the real broker (SASL/SCRAM + ACLs, scripts/kafka) and PGlite: hubs produce as
 * their own principals; HQ's consumer group stores every order once, isolates poison and a
 * store speaking as another, dead-letters with reasons, and replays after a fix.
 */
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HqConsumer } from '../../src/consumers';
import type { OpenedDb } from '../../src/db';
import { openHqDb } from '../../src/db';
import { replayDeadLetters } from '../../src/dead-letters';
import { counts } from '../../src/reports';
import { HQ_DEAD_LETTER_TOPIC, registerEventDefinition, storeEventsTopic } from '../../src/protocol';
import { envelope, orderSnapshot } from '../support/events';
import type { KafkaTestEnv } from '../support/kafka';
import { kafkaConfigFor, kafkaEnv, kafkaFor, provision, readAll, until } from '../support/kafka';
import { tableRows } from '../support/tables';

const env = kafkaEnv();
const A = 't21';
const B = 't22';

describe.skipIf(!env)('HQ consumers on the real broker', () => {
  let h: OpenedDb;
  let consumer: HqConsumer;
  let hubA: Producer;
  let hubB: Producer;
  const k = env as KafkaTestEnv;

  beforeAll(async () => {
    await provision(k, [A, B]);
    h = await openHqDb('memory://');
    consumer = new HqConsumer({
      kafka: kafkaConfigFor(k, 'hq', 'hq-test'),
      db: h.db,
      groupId: 'hq-test-consumers',
      topics: [storeEventsTopic(A), storeEventsTopic(B)],
    });
    await consumer.start();
    hubA = kafkaFor(k, `hub-${A}`).producer({ idempotent: true, maxInFlightRequests: 1 });
    hubB = kafkaFor(k, `hub-${B}`).producer({ idempotent: true, maxInFlightRequests: 1 });
    await hubA.connect();
    await hubB.connect();
  });

  afterAll(async () => {
    await hubA?.disconnect();
    await hubB?.disconnect();
    await consumer?.stop();
    await h?.close();
  });

  it('stores every order exactly once, dead-letters poison and a forged store, and replays after a fix', async () => {
    const orders = Array.from({ length: 40 }, (_, i) => {
      const storeId = i % 2 ? B : A;
      const snap = orderSnapshot({
        orderId: `${storeId}-o${i}`,
        storeId,
        lines: [{ qty: 1 + (i % 3), unit: 100 + i }],
      });
      return envelope('order.completed', snap.order.order_id, snap, {
        store_id: storeId,
        hub_seq: Math.floor(i / 2) + 1,
      });
    });
    const send = (p: Producer, storeId: string, values: { key: string; value: string }[]) =>
      p.send({ topic: storeEventsTopic(storeId), acks: -1, messages: values });
    const asMsg = (e: { key: string }) => ({ key: e.key, value: JSON.stringify(e) });
    const forA = orders.filter((o) => o.store_id === A);
    const forB = orders.filter((o) => o.store_id === B);
    await send(hubA, A, forA.slice(0, 10).map(asMsg));
    // Poison between good records, a record of an unknown version, and hub A speaking as store B.
    const forged = orderSnapshot({ orderId: 'forged-1', storeId: B });
    const futureAlert = envelope(
      'alert',
      A,
      { code: 'NEW_THING', severity: 'info', context: {} },
      { store_id: A, version: 2, hub_seq: 11 },
    );
    await send(hubA, A, [
      { key: 'x', value: '{"not json' },
      asMsg(envelope('order.completed', 'forged-1', forged, { store_id: B, hub_seq: 99 })),
      asMsg(futureAlert),
    ]);
    await send(hubA, A, forA.slice(10).map(asMsg));
    await send(hubB, B, forB.map(asMsg));
    // At-least-once: the hub resends a batch after a lost acknowledgement.
    await send(hubB, B, forB.slice(0, 5).map(asMsg));

    await until(
      async () => (await counts(h.db)).orders === 40 && consumer.stats.deadLetters === 3,
      'all orders and 3 dead letters',
    );
    await until(async () => consumer.stats.duplicates >= 5, 'the resent batch seen');
    const expectedTotal = orders.reduce(
      (s, o) =>
        s +
        o.data.items.reduce(
          (t, l) => t + l.quantity * Number(l.pricing.unit_original_price.replace('.', '')),
          0,
        ),
      0,
    );
    expect(await counts(h.db)).toEqual({ orders: 40, total_minor: String(expectedTotal) });
    expect((await tableRows(h.db, 'orders')).some((o) => o.order_id === 'forged-1')).toBe(false);

    const letters = await tableRows(h.db, 'dead_letters');
    expect(letters.map((l) => l.code).sort()).toEqual([
      'MALFORMED_JSON',
      'STORE_MISMATCH',
      'UNKNOWN_EVENT_VERSION',
    ]);
    const onTopic = await readAll(
      kafkaFor(k, 'hq', 'hq-dlq-reader'),
      HQ_DEAD_LETTER_TOPIC,
      `hq-dlq-reader-${randomUUID()}`,
      3,
    );
    const reasons = onTopic.map(
      (m) => JSON.parse(m.value) as { reason: { code: string }; source: { topic: string } },
    );
    expect(
      reasons
        .filter((r) => r.source.topic === storeEventsTopic(A))
        .map((r) => r.reason.code)
        .sort(),
    ).toEqual(['MALFORMED_JSON', 'STORE_MISMATCH', 'UNKNOWN_EVENT_VERSION']);

    // The fix: HQ learns alert v2. Replay resolves that letter; poison and forgery stay refused.
    registerEventDefinition({
      type: 'alert',
      version: 2,
      direction: 'store_to_cloud',
      key: 'store_id',
      schema: z.looseObject({
        code: z.string(),
        severity: z.string(),
        context: z.record(z.string(), z.unknown()),
      }),
    });
    const report = await replayDeadLetters(h.db);
    expect(report.resolved).toBe(1);
    expect(report.still_failing.map((f) => f.code).sort()).toEqual(['MALFORMED_JSON', 'STORE_MISMATCH']);
    expect((await replayDeadLetters(h.db)).resolved).toBe(0);
    expect((await tableRows(h.db, 'events')).filter((e) => e.event_id === futureAlert.event_id)).toHaveLength(
      1,
    );
    // hub_seq: store A sent 1..11 (+ the forged 99 refused), store B 1..20: no gaps.
    expect(await tableRows(h.db, 'seq_gaps')).toEqual([]);
  });

  it('a consumer without a topic list finds a store that appears after it started', async () => {
    const late = 't27';
    const db2 = await openHqDb('memory://');
    const discovering = new HqConsumer({
      kafka: kafkaConfigFor(k, 'hq', 'hq-test-discovery'),
      db: db2.db,
      groupId: 'hq-test-discovery',
      topicRefreshMs: 500,
    });
    try {
      await discovering.start();
      await provision(k, [late]);
      const hub = kafkaFor(k, `hub-${late}`).producer({ idempotent: true, maxInFlightRequests: 1 });
      await hub.connect();
      const snap = orderSnapshot({ orderId: 'late-1', storeId: late });
      await hub.send({
        topic: storeEventsTopic(late),
        acks: -1,
        messages: [
          {
            key: 'late-1',
            value: JSON.stringify(envelope('order.completed', 'late-1', snap, { store_id: late })),
          },
        ],
      });
      await hub.disconnect();
      await until(
        async () =>
          (await db2.db.selectFrom('orders').select('order_id').where('store_id', '=', late).execute())
            .length === 1,
        "the late store's order",
      );
    } finally {
      await discovering.stop();
      await db2.close();
    }
  });
});
