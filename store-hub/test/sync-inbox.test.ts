/**
 * The inbox: cloud → store documents applied once per version, atomically, validated by
 * promo-core; bad records parked on the dead-letter topic with an alert; chunked snapshots held
 * until complete. First the core (records in, tables out), then the whole loop on the real broker.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { storeDeadLetterTopic, storeStreamTopic } from '@kassa/cloud-sync/protocol';
import { generateDemoStore } from '../../scripts/demo-data/generate';
import { kafkaFor, readTopic } from '../../scripts/kafka/test-broker';
import { provisionStore } from '../../scripts/kafka/topology';
import { validatePromotionDocs } from '../src/modules/catalog/pricing';
import { StoreDataCache } from '../src/modules/catalog/store-data';
import type { InboundRecord } from '../src/sync/inbox';
import { Inbox } from '../src/sync/inbox';
import type { Db } from '../src/platform/db/database';
import { hubEnqueue, tempHubDb } from './sync.support';

type Doc = Record<string, unknown>;
const generated = generateDemoStore({ items: 400, seed: 7 }) as {
  store_config: Doc;
  items: Doc[];
  categories: Doc[];
  promotions: Doc[];
  tax_table: Doc[];
};
// A small demo store leaves some departments empty; keep the promotions that are valid for it.
const invalid = new Set(validatePromotionDocs(generated.promotions).issues.map((i) => i.index));
const demo = { ...generated, promotions: generated.promotions.filter((_, i) => !invalid.has(i)) };

let seq = 0;
function envelope(store: string, type: string, data: unknown): string {
  return JSON.stringify({
    event_id: randomUUID(),
    type,
    version: 1,
    store_id: store,
    device_id: null,
    occurred_at: new Date().toISOString(),
    business_date: '2026-12-01',
    hub_seq: ++seq,
    key: store,
    data,
  });
}
let offset = 0;
const rec = (store: string, value: string): InboundRecord => ({
  topic: storeStreamTopic(store),
  partition: 0,
  offset: String(offset++),
  key: store,
  value,
});

function seedDocs(store: string) {
  return {
    config: envelope(store, 'store.config', {
      stream_version: 1,
      config_version: 3,
      config: { ...demo.store_config, store_id: store },
    }),
    tax: envelope(store, 'tax.table.snapshot', { stream_version: 1, tax_table: demo.tax_table }),
    catalog: envelope(store, 'catalog.snapshot', {
      stream_version: 1,
      items: demo.items,
      categories: demo.categories,
    }),
    promotions: envelope(store, 'promotions.snapshot', { stream_version: 1, promotions: demo.promotions }),
  };
}

function count(db: Db, sql: string): number {
  return (db.prepare(sql).get() as { n: number }).n;
}

describe('inbox core (records → SQLite)', () => {
  const store = 't06';

  it('applies config, tax, catalogue and promotions; the hub prices with them; config.applied per stream', () => {
    const hub = tempHubDb();
    const inbox = new Inbox({
      db: hub.db,
      kafka: null as never,
      storeId: store,
      enqueue: hubEnqueue(hub.db, store),
    });
    expect(demo.promotions.length).toBeGreaterThan(10);
    const d = seedDocs(store);
    const records = [
      rec(store, d.config),
      rec(store, d.tax),
      rec(store, d.catalog),
      rec(store, d.promotions),
    ];
    const out = inbox.applyBatch(records);
    expect(out.map((o) => o.outcome)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(inbox.versions()).toEqual({ config: 1, tax: 1, catalog: 1, promotions: 1 });
    expect(count(hub.db, `SELECT COUNT(*) n FROM catalog_items WHERE deleted = 0`)).toBe(demo.items.length);
    expect(count(hub.db, `SELECT COUNT(*) n FROM promotions WHERE deleted = 0`)).toBe(demo.promotions.length);
    const data = new StoreDataCache(hub.db);
    expect(data.config().store_id).toBe(store);
    expect(data.storeData().catalog).toBeDefined();
    const applied = hub.db
      .prepare(`SELECT envelope FROM outbox WHERE type = 'config.applied' ORDER BY hub_seq`)
      .all() as {
      envelope: string;
    }[];
    expect(applied.map((a) => (JSON.parse(a.envelope) as { data: { stream: string } }).data.stream)).toEqual([
      'config',
      'tax',
      'catalog',
      'promotions',
    ]);

    // The same records again (a redelivery) and an older version: nothing changes.
    const again = inbox.applyBatch(records);
    expect(again.map((o) => o.outcome)).toEqual(['ignored', 'ignored', 'ignored', 'ignored']);
    const older = inbox.applyBatch([
      rec(store, envelope(store, 'promotions.snapshot', { stream_version: 1, promotions: [] })),
    ]);
    expect(older[0]?.outcome).toBe('ignored');
    expect(count(hub.db, `SELECT COUNT(*) n FROM promotions WHERE deleted = 0`)).toBe(demo.promotions.length);
    expect(count(hub.db, `SELECT COUNT(*) n FROM outbox WHERE type = 'config.applied'`)).toBe(4);
    hub.close();
  });

  it('refuses a bad document whole (dead letter + alert), keeps the previous version, and applies the rest of the batch', () => {
    const hub = tempHubDb();
    const inbox = new Inbox({
      db: hub.db,
      kafka: null as never,
      storeId: store,
      enqueue: hubEnqueue(hub.db, store),
    });
    const d = seedDocs(store);
    inbox.applyBatch([
      rec(store, d.config),
      rec(store, d.tax),
      rec(store, d.catalog),
      rec(store, d.promotions),
    ]);
    const before = hub.db.prepare(`SELECT item_id, doc FROM catalog_items ORDER BY item_id`).all();

    const first = demo.items[0]!;
    const badDelta = envelope(store, 'catalog.delta', {
      stream_version: 2,
      base_version: 1,
      // one good change and one item with a non-decimal price: neither may land
      upserts: [
        { ...first, item_name: 'Renamed' },
        { ...demo.items[1], base_price: 'twelve' },
      ],
      deletes: [],
    });
    const gap = envelope(store, 'promotions.delta', {
      stream_version: 5,
      base_version: 4,
      upserts: [],
      deletes: [],
    });
    const notJson = '{"event_id": nope';
    const unknownType = envelope(store, 'catalog.rebuild', { stream_version: 9 });
    const good = envelope(store, 'catalog.delta', {
      stream_version: 2,
      base_version: 1,
      upserts: [{ ...first, item_name: 'Renamed' }],
      deletes: [String(demo.items[2]!.item_id)],
    });
    const out = inbox.applyBatch([badDelta, gap, notJson, unknownType, good].map((v) => rec(store, v)));
    expect(out.map((o) => o.outcome)).toEqual([
      'dead_letter',
      'dead_letter',
      'dead_letter',
      'dead_letter',
      'applied',
    ]);
    const reasons = out.map((o) => (o.outcome === 'dead_letter' ? o.reason.code : null));
    expect(reasons.slice(0, 4)).toEqual([
      'INVALID_PAYLOAD',
      'INVALID_PAYLOAD',
      'MALFORMED_JSON',
      'UNKNOWN_EVENT_TYPE',
    ]);
    expect(inbox.versions()).toMatchObject({ catalog: 2, promotions: 1 });
    const after = new Map(
      (hub.db.prepare(`SELECT item_id, doc, deleted FROM catalog_items`).all() as Doc[]).map((r) => [
        r.item_id,
        r,
      ]),
    );
    expect(JSON.parse(after.get(first.item_id)!.doc as string).item_name).toBe('Renamed');
    expect(after.get(demo.items[2]!.item_id)!.deleted).toBe(1);
    expect(JSON.parse(after.get(demo.items[1]!.item_id)!.doc as string).base_price).toBe(
      demo.items[1]!.base_price,
    );
    expect(before.length).toBe(after.size);
    expect(count(hub.db, `SELECT COUNT(*) n FROM sync_dead_letters WHERE sent_at IS NULL`)).toBe(4);
    const alerts = (
      hub.db.prepare(`SELECT envelope FROM outbox WHERE type = 'alert'`).all() as { envelope: string }[]
    ).map((a) => (JSON.parse(a.envelope) as { data: { code: string } }).data.code);
    expect(alerts).toEqual([
      'INBOX_DEAD_LETTER',
      'INBOX_DEAD_LETTER',
      'INBOX_DEAD_LETTER',
      'INBOX_DEAD_LETTER',
    ]);
    // Redelivered, the parked records are not parked (or alerted) twice.
    const again = inbox.applyBatch([badDelta, gap, unknownType].map((v) => rec(store, v)));
    expect(again.map((o) => o.outcome)).toEqual(['ignored', 'ignored', 'ignored']);
    expect(count(hub.db, `SELECT COUNT(*) n FROM outbox WHERE type = 'alert'`)).toBe(4);
    hub.close();
  });

  it('holds a chunked snapshot until every chunk is in, then replaces the catalogue at once', () => {
    const hub = tempHubDb();
    const inbox = new Inbox({
      db: hub.db,
      kafka: null as never,
      storeId: store,
      enqueue: hubEnqueue(hub.db, store),
    });
    const d = seedDocs(store);
    inbox.applyBatch([rec(store, d.config), rec(store, d.tax), rec(store, d.catalog)]);
    const keep = demo.items.slice(0, 300);
    const chunks = [keep.slice(0, 100), keep.slice(100, 200), keep.slice(200)].map((items, index) =>
      envelope(store, 'catalog.snapshot', {
        stream_version: 2,
        chunk: { index, count: 3 },
        items,
        categories: index === 0 ? demo.categories : [],
      }),
    );
    // Out of order, and one chunk redelivered.
    expect(inbox.applyBatch([rec(store, chunks[2]!), rec(store, chunks[0]!)]).map((o) => o.outcome)).toEqual([
      'buffered',
      'buffered',
    ]);
    expect(inbox.applyBatch([rec(store, chunks[0]!)])[0]?.outcome).toBe('ignored');
    expect(inbox.versions().catalog).toBe(1);
    expect(count(hub.db, `SELECT COUNT(*) n FROM catalog_items WHERE deleted = 0`)).toBe(demo.items.length);
    expect(inbox.applyBatch([rec(store, chunks[1]!)])[0]?.outcome).toBe('applied');
    expect(inbox.versions().catalog).toBe(2);
    expect(count(hub.db, `SELECT COUNT(*) n FROM catalog_items WHERE deleted = 0`)).toBe(300);
    expect(count(hub.db, `SELECT COUNT(*) n FROM catalog_items WHERE deleted = 1`)).toBe(
      demo.items.length - 300,
    );
    expect(count(hub.db, `SELECT COUNT(*) n FROM sync_snapshot_parts`)).toBe(0);
    hub.close();
  });
});

const kafka = inject('kafka');

describe.skipIf(!kafka)('inbox on the real broker', () => {
  const env = kafka!;
  const store = 't07';
  beforeAll(async () => {
    const admin = kafkaFor(env, 'admin').admin();
    await admin.connect();
    await provisionStore(admin, store);
    await admin.disconnect();
  });

  it('consumes the store stream with the hub’s own credentials, parks poison on the dead-letter topic, and resumes after a restart without re-applying', async () => {
    const hub = tempHubDb();
    const enqueue = hubEnqueue(hub.db, store);
    const d = seedDocs(store);
    const hq = kafkaFor(env, 'hq').producer({ idempotent: true, maxInFlightRequests: 1 });
    await hq.connect();
    const send = (values: string[]) =>
      hq.send({ topic: storeStreamTopic(store), messages: values.map((value) => ({ key: store, value })) });
    await send([d.config, d.tax, d.catalog, '{"poison": true}', d.promotions]);

    const applied: string[] = [];
    const make = () =>
      new Inbox({
        db: hub.db,
        kafka: kafkaFor(env, `hub-${store}`),
        storeId: store,
        enqueue,
        maxWaitTimeInMs: 100,
        sessionTimeout: 6000,
        onApplied: (a) => applied.push(...a.map((x) => `${x.stream}@${x.version}`)),
      });
    const inbox = make();
    await inbox.start();
    await expect
      .poll(() => inbox.versions(), { timeout: 30_000 })
      .toEqual({ config: 1, tax: 1, catalog: 1, promotions: 1 });
    await expect.poll(() => inbox.status().dead_letters_unsent, { timeout: 10_000 }).toBe(0);
    await inbox.stop();

    const dead = await readTopic(env, storeDeadLetterTopic(store), 'hq');
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.value!)).toMatchObject({
      reason: { code: 'INVALID_ENVELOPE' },
      value: '{"poison": true}',
    });

    // HQ publishes a price change while the hub is down; the restarted inbox applies only that.
    const first = demo.items[0]!;
    await send([
      envelope(store, 'catalog.delta', {
        stream_version: 2,
        base_version: 1,
        upserts: [{ ...first, base_price: '9.99' }],
      }),
    ]);
    const again = make();
    await again.start();
    await expect.poll(() => again.versions().catalog, { timeout: 30_000 }).toBe(2);
    await again.stop();
    await hq.disconnect();
    expect(applied).toEqual(['config@1', 'tax@1', 'catalog@1', 'promotions@1', 'catalog@2']);
    const price = hub.db
      .prepare(`SELECT json_extract(doc, '$.base_price') p FROM catalog_items WHERE item_id = ?`)
      .get(first.item_id) as { p: string };
    expect(price.p).toBe('9.99');
    expect(count(hub.db, `SELECT COUNT(*) n FROM outbox WHERE type = 'config.applied'`)).toBe(5);
    hub.close();
  }, 90_000);
});
