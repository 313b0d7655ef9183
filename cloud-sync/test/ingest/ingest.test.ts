/**
 * Ingestion against both databases: idempotent by event_id, duplicates of an order counted once,
 * gaps tracked whatever the arrival order, poison isolated, and the §8.1 aggregates built
 * incrementally equal to a recompute from the stored events and to a model of the stream.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenedDb } from '../../src/db';
import type { IncomingRecord } from '../../src/ingest';
import { gapsFromEvents, ingestBatch, openGaps, recomputeAggregates } from '../../src/ingest';
import { storeEventsTopic } from '../../src/protocol';
import { dailySales, fleet, paymentMethods } from '../../src/reports';
import { DB_TARGETS } from '../support/databases';
import { envelope, orderSnapshot } from '../support/events';
import { tableRows, truncateAll } from '../support/tables';

const STORES = ['t21', 't22'];

function rec(env: { store_id: string }, offset = 0): IncomingRecord {
  return {
    topic: storeEventsTopic(env.store_id),
    partition: 0,
    offset: String(offset),
    key: null,
    value: JSON.stringify(env),
  };
}

function orderEvent(
  storeId: string,
  seq: number,
  o: { id: string; device: string; day: number; lines: { qty: number; unit: number }[]; method: string },
) {
  const date = `2026-03-0${o.day}`;
  const snap = orderSnapshot({
    orderId: o.id,
    storeId,
    deviceId: o.device,
    businessDate: date,
    completedAt: `${date}T12:00:00.000Z`,
    lines: o.lines,
    method: o.method,
  });
  return envelope('order.completed', o.id, snap, {
    store_id: storeId,
    hub_seq: seq,
    business_date: date,
    device_id: o.device,
  });
}

for (const target of DB_TARGETS) {
  describe.skipIf(!target.available)(`ingestion on ${target.name}`, () => {
    let h: OpenedDb;
    beforeAll(async () => {
      h = await target.open();
    });
    afterAll(async () => h?.close());
    beforeEach(async () => truncateAll(h.db));

    it('a replayed batch changes nothing; a second completion of an order counts once', async () => {
      const a = orderEvent('t21', 1, {
        id: 'o1',
        device: 'k1',
        day: 1,
        lines: [{ qty: 2, unit: 150 }],
        method: 'card',
      });
      const b = orderEvent('t21', 2, {
        id: 'o2',
        device: 'k1',
        day: 1,
        lines: [{ qty: 1, unit: 999 }],
        method: 'cash',
      });
      const first = await ingestBatch(h.db, [rec(a, 0), rec(b, 1)]);
      expect(first.map((o) => o.status)).toEqual(['applied', 'applied']);
      const before = await Promise.all(
        ['events', 'orders', 'daily_sales', 'daily_sales_payments', 'seq_gaps'].map((t) =>
          tableRows(h.db, t, ['received_at']),
        ),
      );
      const again = await ingestBatch(h.db, [rec(b, 1), rec(a, 0)]);
      expect(again.map((o) => o.status)).toEqual(['duplicate', 'duplicate']);
      // The same order completed again under a new event_id (a hub restored from backup).
      const dup = orderEvent('t21', 3, {
        id: 'o1',
        device: 'k1',
        day: 1,
        lines: [{ qty: 2, unit: 150 }],
        method: 'card',
      });
      expect((await ingestBatch(h.db, [rec(dup, 2)]))[0]?.status).toBe('applied');
      const after = await Promise.all(
        ['orders', 'daily_sales', 'daily_sales_payments'].map((t) => tableRows(h.db, t)),
      );
      expect(after).toEqual([before[1], before[2], before[3]]);
      const [row] = await tableRows(h.db, 'daily_sales');
      expect(row).toMatchObject({
        total_txn_count: '2',
        total_items_purchased: '3',
        total_basket_value_minor: '1299',
      });
    });

    it('daily sales by business or calendar date with averages, payment methods and analytics counters', async () => {
      await h.db
        .insertInto('stores')
        .values({ store_id: 't21', name: 'A', timezone: 'Pacific/Auckland', currency: 'EUR' })
        .execute();
      const late = orderEvent('t21', 1, {
        id: 'd1',
        device: 'k1',
        day: 1,
        lines: [{ qty: 1, unit: 1000 }],
        method: 'card',
      });
      // 12:00Z on 2026-03-01 is already 2 March in Auckland.
      const other = orderEvent('t21', 2, {
        id: 'd2',
        device: 'k1',
        day: 1,
        lines: [{ qty: 3, unit: 333 }],
        method: 'cash',
      });
      const scan = (seq: number, success: boolean) =>
        envelope(
          'analytics.event',
          't21',
          { verb: 'item_scan', success, device_id: 'k1' },
          { store_id: 't21', hub_seq: seq, occurred_at: '2026-03-01T12:00:00.000Z', device_id: 'k1' },
        );
      const rating = envelope(
        'analytics.event',
        't21',
        { verb: 'rating', score: 4, device_id: 'k1' },
        { store_id: 't21', hub_seq: 5, occurred_at: '2026-03-01T12:00:00.000Z', device_id: 'k1' },
      );
      await ingestBatch(h.db, [
        rec(late, 0),
        rec(other, 1),
        rec(scan(3, true), 2),
        rec(scan(4, false), 3),
        rec(rating, 4),
      ]);
      const byBusiness = await dailySales(h.db, { from: '2026-03-01', to: '2026-03-01', basis: 'business' });
      expect(byBusiness).toMatchObject([
        {
          store_id: 't21',
          date: '2026-03-01',
          total_txn_count: 2,
          total_items_purchased: 4,
          total_basket_value: '19.99',
          average_basket_value: '10.00',
          average_basket_size: '2.00',
          total_items_scanned: 1,
          ratings_dict: { '4': 1 },
          average_rating: '4.00',
        },
      ]);
      const byCalendar = await dailySales(h.db, { from: '2026-03-02', to: '2026-03-02', basis: 'calendar' });
      expect(byCalendar.map((r) => r.total_txn_count)).toEqual([2]);
      expect(await paymentMethods(h.db, { from: '2026-03-01', to: '2026-03-01', basis: 'business' })).toEqual(
        [
          { store_id: 't21', method: 'card', count: 1, value: '10.00' },
          { store_id: 't21', method: 'cash', count: 1, value: '9.99' },
        ],
      );
    });

    it('fleet health from heartbeats, alerts, config.applied and gaps', async () => {
      const hb = (seq: number, status: string, at: string) =>
        envelope(
          'device.heartbeat',
          't21',
          { device_id: 'k1', status, versions: { app: '1.2' }, printer: { state: 'ok', paper: 'low' } },
          { store_id: 't21', hub_seq: seq, occurred_at: at },
        );
      await ingestBatch(h.db, [
        rec(hb(1, 'online', '2026-03-01T10:00:00.000Z'), 0),
        rec(hb(4, 'degraded', '2026-03-01T10:02:00.000Z'), 1),
        // A late, older heartbeat does not overwrite the newer state.
        rec(hb(2, 'offline', '2026-03-01T09:59:00.000Z'), 2),
        rec(
          envelope(
            'alert',
            't21',
            { code: 'PRINTER_PAPER_LOW', severity: 'warning', context: {} },
            { store_id: 't21', hub_seq: 6 },
          ),
          3,
        ),
        rec(
          envelope(
            'config.applied',
            't21',
            { stream: 'catalog', version: 3 },
            { store_id: 't21', hub_seq: 7 },
          ),
          4,
        ),
        rec(
          envelope(
            'config.applied',
            't21',
            { stream: 'catalog', version: 2 },
            { store_id: 't21', hub_seq: 8 },
          ),
          5,
        ),
      ]);
      const [store] = await fleet(h.db);
      expect(store).toMatchObject({
        store_id: 't21',
        max_hub_seq: 8,
        gaps: [
          { from: 3, to: 3 },
          { from: 5, to: 5 },
        ],
        missing_events: 2,
        streams: { catalog: { applied: 3 } },
      });
      expect(store?.devices).toMatchObject([{ device_id: 'k1', status: 'degraded' }]);
    });

    it('poison and foreign-store events become dead letters while the rest of the batch applies', async () => {
      const good = orderEvent('t21', 1, {
        id: 'g1',
        device: 'k1',
        day: 2,
        lines: [{ qty: 1, unit: 100 }],
        method: 'card',
      });
      const forged = orderEvent('t22', 1, {
        id: 'f1',
        device: 'k9',
        day: 2,
        lines: [{ qty: 1, unit: 100 }],
        method: 'card',
      });
      const out = await ingestBatch(h.db, [
        rec(good, 0),
        { ...rec(good, 1), value: '{"garbage' },
        { ...rec(forged, 2), topic: storeEventsTopic('t21') },
        rec(envelope('order.teleported', 'x', {}, { store_id: 't21', hub_seq: 2 }), 3),
      ]);
      expect(out.map((o) => (o.status === 'dead_letter' ? o.reason.code : o.status))).toEqual([
        'applied',
        'MALFORMED_JSON',
        'STORE_MISMATCH',
        'UNKNOWN_EVENT_TYPE',
      ]);
      expect(await tableRows(h.db, 'orders').then((r) => r.map((x) => x.order_id))).toEqual(['g1']);
    });

    it('incremental aggregates and gaps equal a recompute and a model, for any arrival order with replays', async () => {
      const orderArb = fc.record({
        store: fc.constantFrom(...STORES),
        device: fc.constantFrom('k1', 'k2', 'k3'),
        day: fc.integer({ min: 1, max: 3 }),
        lines: fc.array(
          fc.record({ qty: fc.integer({ min: 1, max: 5 }), unit: fc.integer({ min: 1, max: 50_000 }) }),
          { minLength: 1, maxLength: 4 },
        ),
        method: fc.constantFrom('card', 'cash'),
        dropped: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(orderArb, { minLength: 1, maxLength: 25 }),
          fc.array(fc.nat(), { maxLength: 8 }),
          fc.integer({ min: 1, max: 6 }),
          fc.infiniteStream(fc.nat()),
          async (orders, replayPicks, batchSize, shuffle) => {
            await truncateAll(h.db);
            const seqs = new Map<string, number>();
            const events = orders.map((o, i) => {
              const seq = (seqs.get(o.store) ?? 0) + 1;
              seqs.set(o.store, seq);
              return {
                dropped: o.dropped,
                env: orderEvent(o.store, seq, { ...o, id: `o${i}`, device: o.device }),
              };
            });
            const sent = events.filter((e) => !e.dropped).map((e) => e.env);
            // Arrival: shuffled, with some events delivered twice (at-least-once).
            const it = shuffle[Symbol.iterator]();
            const arrival = [
              ...sent,
              ...replayPicks.filter(() => sent.length > 0).map((p) => sent[p % sent.length]!),
            ]
              .map((e) => ({ e, k: it.next().value as number }))
              .sort((x, y) => x.k - y.k)
              .map((x) => x.e);
            for (let i = 0; i < arrival.length; i += batchSize)
              await ingestBatch(
                h.db,
                arrival.slice(i, i + batchSize).map((e, j) => rec(e, i + j)),
              );

            const incremental = await tableRows(h.db, 'daily_sales');
            const incrementalPay = await tableRows(h.db, 'daily_sales_payments');
            for (const s of STORES) expect(await openGaps(h.db, s)).toEqual(await gapsFromEvents(h.db, s));
            await recomputeAggregates(h.db);
            expect(await tableRows(h.db, 'daily_sales')).toEqual(incremental);
            expect(await tableRows(h.db, 'daily_sales_payments')).toEqual(incrementalPay);

            // The model: every sent order once, summed per (store, day, device).
            const model = new Map<string, { n: number; items: number; value: number }>();
            for (const e of events.filter((x) => !x.dropped)) {
              const o = e.env.data;
              const k = `${o.order.store_id}|${o.order.business_date}|${o.order.device_id}`;
              const m = model.get(k) ?? { n: 0, items: 0, value: 0 };
              m.n += 1;
              m.items += o.items.reduce((s, l) => s + l.quantity, 0);
              m.value += Math.round(Number(o.totals.total_after_tax) * 100);
              model.set(k, m);
            }
            const got = new Map(
              incremental.map((r) => [
                `${r.store_id}|${r.business_date}|${r.device_id}`,
                {
                  n: Number(r.total_txn_count),
                  items: Number(r.total_items_purchased),
                  value: Number(r.total_basket_value_minor),
                },
              ]),
            );
            expect(got).toEqual(model);
          },
        ),
        { numRuns: 12 },
      );
    });
  });
}
