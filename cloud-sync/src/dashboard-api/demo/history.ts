/**
 * Generated trading history for a store, so the dashboard and the test bench have something to
 * show: HQ publishes the store's catalogue, tax table and promotions (the real publishing path,
 * into hq_outbox), then N days of orders are priced with promo-core under exactly that data
 * (as the hub would, data version `streams:catalog=…`), wrapped as §6.4 snapshots and fed
 * through HQ's real ingestion (ingestBatch) with payment attempts, scans (a few unknown
 * barcodes), config.applied and heartbeats. Deterministic for a seed.
 */
import { randomUUID } from 'node:crypto';
import type { PricedBasket } from '@kassa/promo-core';
import { priceBasket, pricedBasketToJson } from '@kassa/promo-core';
import type { DashDb } from '../../access/schema';
import type { HqDb } from '../../db';
import type { IncomingRecord } from '../../ingest';
import { ingestBatch, localDate } from '../../ingest';
import type { PricedBasketJson } from '../../protocol';
import { buildOrderSnapshot, storeEventsTopic } from '../../protocol';
import { publish, validateDocument } from '../../publishing';
import { upsertStore } from '../../stores';
import { buildStoreData, loadStoreDocs, setPricingConfig } from '../../testbench/store-data';

export interface StoreDocument {
  store_config: {
    store_id: string;
    name?: string;
    currency?: string;
    timezone?: string;
    tax?: unknown;
    barcodes?: unknown;
  };
  items: Record<string, unknown>[];
  categories?: unknown[];
  promotions?: unknown[];
  tax_table: unknown[];
}

export interface HistoryOptions {
  storeId?: string;
  name?: string;
  days?: number;
  ordersPerDay?: number;
  seed?: number;
  /** The last business day of the history (default: today in the store's zone). */
  endDate?: string;
  devices?: string[];
  groups?: string[];
  /** Publish the store's data first (skip when it is already published). */
  publishData?: boolean;
  /** Start of this store's hub_seq (so generated events never collide with a real hub's). */
  firstSeq?: number;
  demo?: boolean;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Registers the store at HQ and publishes its catalogue, tax table and promotions as snapshots. */
export async function publishStoreData(
  db: HqDb,
  doc: StoreDocument,
  o: { storeId: string; name: string; groups: string[]; demo: boolean },
) {
  const c = doc.store_config;
  await upsertStore(db, {
    store_id: o.storeId,
    name: o.name,
    timezone: c.timezone ?? 'Europe/London',
    currency: c.currency ?? 'GBP',
    currency_exponent: 2,
    demo: o.demo,
    groups: o.groups,
  });
  await setPricingConfig(db as unknown as DashDb, o.storeId, c);
  const by = 'demo-history';
  // Promotions name their stores; a copy of the demo store's set is re-pointed at this store.
  const all = (doc.promotions ?? []).map((p) => ({ ...(p as Record<string, unknown>), stores: [o.storeId] }));
  // A small generated catalogue leaves some promotions without items; those are left out.
  const rejected = new Set(
    validateDocument('promotions', { promotions: all }, 2).rejected.map((x) => x.index),
  );
  const promotions = all.filter((_, i) => !rejected.has(i));
  await publish(db, {
    stream: 'catalog',
    mode: 'snapshot',
    store_ids: [o.storeId],
    document: { items: doc.items, categories: doc.categories ?? [] },
    created_by: by,
  });
  await publish(db, {
    stream: 'tax',
    mode: 'snapshot',
    store_ids: [o.storeId],
    document: { tax_table: doc.tax_table },
    created_by: by,
  });
  if (promotions.length)
    await publish(db, {
      stream: 'promotions',
      mode: 'snapshot',
      store_ids: [o.storeId],
      document: { promotions },
      created_by: by,
    });
}

interface Env {
  event_id: string;
  type: string;
  version: 1;
  store_id: string;
  device_id: string | null;
  occurred_at: string;
  business_date: string;
  hub_seq: number;
  key: string;
  data: unknown;
}

/** Generates and ingests the history; returns how many orders it created. */
export async function generateHistory(db: HqDb, doc: StoreDocument, opts: HistoryOptions = {}) {
  const storeId = opts.storeId ?? doc.store_config.store_id;
  const name = opts.name ?? doc.store_config.name ?? storeId;
  const tz = doc.store_config.timezone ?? 'Europe/London';
  const currency = doc.store_config.currency ?? 'GBP';
  const devices = opts.devices ?? ['K1', 'K2', 'K3'];
  if (opts.publishData !== false)
    await publishStoreData(db, doc, {
      storeId,
      name,
      groups: opts.groups ?? ['demo'],
      demo: opts.demo ?? true,
    });
  const docs = await loadStoreDocs(db as unknown as DashDb, storeId);
  if (!docs) throw new Error(`store ${storeId} is not known at HQ`);
  const store = buildStoreData(docs);
  const r = rng(opts.seed ?? 11);
  const sellable = doc.items.filter((i) => !i.requires_approval && i.unit_of_measure !== 'kg');
  const weighed = doc.items.filter((i) => i.unit_of_measure === 'kg');
  const days = opts.days ?? 3;
  const perDay = opts.ordersPerDay ?? 120;
  const end = opts.endDate ?? localDate(new Date().toISOString(), tz);
  let seq = opts.firstSeq ?? 1;
  const events: Env[] = [];
  const ev = (type: string, key: string, at: string, device: string | null, data: unknown): void => {
    events.push({
      event_id: randomUUID(),
      type,
      version: 1,
      store_id: storeId,
      device_id: device,
      occurred_at: at,
      business_date: localDate(at, tz),
      hub_seq: seq++,
      key,
      data,
    });
  };
  const firstDay = new Date(`${end}T00:00:00Z`).getTime() - (days - 1) * 86_400_000;
  for (const stream of ['catalog', 'tax', 'promotions'] as const)
    if (docs.versions[stream])
      ev('config.applied', storeId, new Date(firstDay - 3_600_000).toISOString(), null, {
        stream,
        version: docs.versions[stream],
      });
  let orders = 0;
  for (let d = 0; d < days; d++) {
    const dayStart = firstDay + d * 86_400_000;
    for (let k = 0; k < perDay; k++) {
      // 08:00–20:00 UTC, spread over the day.
      const at = new Date(dayStart + 8 * 3_600_000 + Math.floor(((k + r()) / perDay) * 12 * 3_600_000));
      const device = devices[Math.floor(r() * devices.length)]!;
      const orderId = randomUUID();
      const lines: Record<string, unknown>[] = [];
      const n = 1 + Math.floor(r() * 7);
      for (let i = 0; i < n; i++) {
        const it = sellable[Math.floor(r() * sellable.length)]!;
        lines.push({
          line_id: `${orderId.slice(0, 8)}-${i}`,
          scanned_code: String(it.product_identifier),
          quantity: 1 + Math.floor(r() * 3),
        });
        ev('analytics.event', storeId, at.toISOString(), device, {
          verb: 'item_scan',
          code: it.product_identifier,
          success: true,
          device_id: device,
        });
      }
      if (weighed.length && r() < 0.3) {
        const it = weighed[Math.floor(r() * weighed.length)]!;
        lines.push({
          line_id: `${orderId.slice(0, 8)}-w`,
          item_id: String(it.item_id),
          weight_g: 200 + Math.floor(r() * 1500),
        });
      }
      if (r() < 0.04)
        ev('analytics.event', storeId, at.toISOString(), device, {
          verb: 'item_scan',
          code: `20000${Math.floor(r() * 90) + 10}`,
          success: false,
          device_id: device,
        });
      const basket = { basket_id: randomUUID(), evaluation_time: at.toISOString(), lines };
      let priced: PricedBasket;
      try {
        priced = priceBasket(basket, store);
      } catch {
        continue;
      }
      if (priced.lines.length === 0) continue;
      const pricedJson = JSON.parse(pricedBasketToJson(priced)) as PricedBasketJson;
      const paidAt = new Date(at.getTime() + 40_000 + Math.floor(r() * 80_000));
      const total = pricedJson.totals.total_after_tax;
      const method = r() < 0.8 ? 'card' : 'mobile';
      if (r() < 0.06)
        ev('payment.attempt', orderId, paidAt.toISOString(), device, {
          tender_id: randomUUID(),
          method,
          order_id: orderId,
          result: { state: 'declined', reason: r() < 0.5 ? 'insufficient funds' : 'card expired' },
          duration_ms: 3000 + Math.floor(r() * 4000),
        });
      const tenderId = randomUUID();
      ev('payment.attempt', orderId, paidAt.toISOString(), device, {
        tender_id: tenderId,
        method,
        order_id: orderId,
        result: { state: 'approved', amount: total, cardBrand: 'VISA', cardLast4: '4242' },
        duration_ms: 2000 + Math.floor(r() * 3000),
      });
      const snapshot = buildOrderSnapshot({
        order: {
          order_id: orderId,
          o_id: 1000 + orders,
          transaction_id_poslog: null,
          receipt_number: `R-${String(1000 + orders)}`,
          store_id: storeId,
          device_id: device,
          order_status: 'completed',
          payment_status: 'captured_demo_mode',
          created_at: at.toISOString(),
          completed_at: paidAt.toISOString(),
          business_date: localDate(paidAt.toISOString(), tz),
          demo: opts.demo ?? true,
        },
        priced: pricedJson,
        currency,
        tenders: [
          {
            tender_id: tenderId,
            method,
            amount: total,
            status: 'captured',
            card_brand: 'VISA',
            card_last4: '4242',
          },
        ],
        basket,
      });
      ev('order.completed', orderId, paidAt.toISOString(), device, snapshot);
      orders++;
    }
  }
  const last = new Date(firstDay + (days - 1) * 86_400_000 + 20 * 3_600_000).toISOString();
  for (const dev of devices)
    ev('device.heartbeat', storeId, last, dev, {
      device_id: dev,
      kind: 'kiosk',
      status: 'online',
      versions: {},
      printer: { state: 'ok', paper: dev === devices[devices.length - 1] ? 'out' : 'ok' },
      terminal: { state: 'online' },
    });
  const topic = storeEventsTopic(storeId);
  let offset = 0;
  for (let i = 0; i < events.length; i += 200) {
    const batch: IncomingRecord[] = events.slice(i, i + 200).map((e) => ({
      topic,
      partition: 0,
      offset: String(offset++),
      key: e.key,
      value: JSON.stringify(e),
    }));
    const out = await ingestBatch(db, batch);
    const bad = out.find((x) => x.status === 'dead_letter');
    if (bad) throw new Error(`demo history: HQ refused an event: ${JSON.stringify(bad)}`);
  }
  return { orders, events: events.length, store_id: storeId, last_seq: seq - 1 };
}
