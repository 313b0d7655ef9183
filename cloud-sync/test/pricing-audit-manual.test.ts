/**
 * Issue 12 at HQ: an order with a line staff sold at a price they entered (promo-core
 * `manual_item`, item id `manual:<line>`) and a line over the quantity limit that staff allowed
 * (`limit_override`) is ingested, and HQ's pricing audit re-prices it from the basket input the
 * snapshot carries the way the hub did — no false mismatch. The hub side is priced here with the
 * same promo-core and the data HQ published (what the hub sold under).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceBasket, pricedBasketToJson } from '@kassa/promo-core';
import { ingestBatch } from '../src/ingest';
import { storeEventsTopic } from '../src/protocol';
import { buildStoreData, loadStoreDocs } from '../src/testbench';
import type { DashHarness } from './dashboard-support/server';
import { startDashboard } from './dashboard-support/server';
import { STORE, seedHistory } from './dashboard-support/fixtures';

type Snap = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('pricing audit of console manual items and limit overrides', () => {
  let h: DashHarness;
  beforeAll(async () => {
    h = await startDashboard();
    await seedHistory(h.opened.db, { perDay: 2 });
  });
  afterAll(async () => h?.close());

  it('ingests the order and finds no mismatch', async () => {
    const row = await h.db
      .selectFrom('orders')
      .select('snapshot')
      .where('store_id', '=', STORE)
      .limit(1)
      .executeTakeFirstOrThrow();
    const s = structuredClone(row.snapshot) as Snap;
    const docs = (await loadStoreDocs(h.db, STORE))!;
    const data = buildStoreData(docs);
    const first = s.audit.basket.lines[0];
    const taxCode =
      (docs.tax_rows[0] as { tax_code?: string; taxCode?: string }).tax_code ??
      (docs.tax_rows[0] as { taxCode: string }).taxCode;
    s.audit.basket.lines = [
      ...s.audit.basket.lines,
      {
        line_id: 'ovr-1',
        scanned_code: first.scanned_code,
        quantity: 40,
        ...(first.price_snapshot ? { price_snapshot: first.price_snapshot } : {}),
        limit_override: { max_quantity: 40, reason: 'party order', staff_user_id: 'u-1' },
      },
      {
        line_id: 'man-1',
        scanned_code: '4006381333931',
        quantity: 2,
        amount: '3.50',
        manual_item: {
          item_name: 'Unlabelled jar',
          tax_code: taxCode,
          reason: 'no label',
          staff_user_id: 'u-1',
        },
      },
    ];
    const hub = JSON.parse(pricedBasketToJson(priceBasket(s.audit.basket, data))) as Snap;
    expect(hub.lines.find((l: Snap) => l.line_id === 'man-1').item_id).toBe('manual:man-1');
    // What the audit depends on: the line input. Without manual_item the barcode is unknown (the
    // line is refused), and the waiver shows in the line's explanation.
    const bare = structuredClone(s.audit.basket);
    delete bare.lines.at(-1).manual_item;
    expect(priceBasket(bare, data).refusals.map((r) => r.line_id)).toContain('man-1');
    expect(JSON.stringify(hub.lines.find((l: Snap) => l.line_id === 'ovr-1'))).toContain(
      'quantity limit waived by u-1 (party order) for up to 40',
    );
    s.audit.priced = hub;
    s.totals = { ...s.totals, ...hub.totals };
    const orderId = randomUUID();
    s.order.order_id = orderId;
    const env = {
      event_id: randomUUID(),
      type: 'order.completed',
      version: 1,
      store_id: STORE,
      device_id: 'K1',
      occurred_at: s.order.completed_at,
      business_date: s.order.business_date,
      hub_seq: 900_000,
      key: orderId,
      data: s,
    };
    const [out] = await ingestBatch(h.opened.db, [
      {
        topic: storeEventsTopic(STORE),
        partition: 0,
        offset: '900000',
        key: orderId,
        value: JSON.stringify(env),
      },
    ]);
    expect(out!.status).toBe('applied');
    while ((await h.dash.auditor.runOnce()) > 0);
    const a = await h.db
      .selectFrom('pricing_audit')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect([a.status, a.reason, a.differences]).toEqual(['match', '', []]);
  });
});
