/**
 * The replication change feed and deletes (issue 11 §2 fix 3 and §4), on a real SQLite file:
 * every writer — the import, HQ's deltas and snapshots through sync/apply — leaves what it
 * removed as a tombstone with the write's stamp, the feed announces exactly the rows that
 * changed (one price change is one document; a basket push is nothing), and a kiosk that
 * applies the feed's announcements ends with what a full pull gives.
 */
import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDemoStore } from '../../scripts/demo-data/generate';
import { importDoc } from '../src/modules/catalog/import';
import type { ImportDoc } from '../src/modules/catalog/import';
import type { ReplicationChanged } from '../src/modules/replication/feed';
import { ReplicationFeed } from '../src/modules/replication/feed';
import type { ReplicatedDoc } from '../src/modules/replication/service';
import { pull, push, PULL_COLLECTIONS } from '../src/modules/replication/service';
import type { Db } from '../src/platform/db/database';
import { openDatabase } from '../src/platform/db/database';
import {
  applyCatalogDelta,
  applyCatalogSnapshot,
  applyPromotionsDelta,
  applyPromotionsSnapshot,
  applyTaxSnapshot,
} from '../src/sync/apply';
import { removeTempDirs, tempDataDir } from './harness';

type Doc = Record<string, unknown>;
const demo = generateDemoStore({ items: 600, seed: 7 }) as unknown as {
  items: Doc[];
  promotions: Doc[];
  tax_table: Doc[];
  categories: Doc[];
  store_config: Doc;
};
// Staff hashing is slow and irrelevant here.
const base: ImportDoc = {
  store_config: demo.store_config,
  tax_table: demo.tax_table,
  categories: demo.categories,
  items: demo.items,
  promotions: demo.promotions,
};

let db: Db;
let events: ReplicationChanged[];
let feed: ReplicationFeed;

beforeEach(async () => {
  db = openDatabase(tempDataDir());
  expect((await importDoc(db, structuredClone(base))).applied).toBe(true);
  events = [];
  feed = new ReplicationFeed(db, (e) => events.push(e));
});
afterAll(() => removeTempDirs());

/** Everything a kiosk would pull from the start, page by page. */
function pullAll(collection: string, from?: { id: string; updatedAt: number }): ReplicatedDoc[] {
  const out: ReplicatedDoc[] = [];
  let cp = from ?? { id: '', updatedAt: 0 };
  for (;;) {
    const r = pull(db, collection, { ...cp, limit: 7 }, 'dev-1');
    out.push(...r.documents);
    if (r.documents.length === 0) return out;
    cp = r.checkpoint!;
  }
}
const announced = (collection: string): ReplicatedDoc[] =>
  events.flatMap((e) => e.changes.filter((c) => c.collection === collection).flatMap((c) => c.documents));
const withPrice = (item: Doc, price: string): Doc => ({ ...item, base_price: price });

describe('replication change feed', () => {
  it('announces one price change as that one document of that one collection', async () => {
    const item = demo.items[5]!;
    expect((await importDoc(db, { items: [withPrice(item, '9.99')] })).applied).toBe(true);
    feed.poll();
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e!.pull).toEqual([]);
    expect(e!.changes.map((c) => c.collection)).toEqual(['items']);
    expect(e!.changes[0]!.documents).toMatchObject([
      { id: item.item_id, base_price: '9.99', _deleted: false },
    ]);
    // The event's checkpoint is the pull's: continuing from it finds nothing new.
    expect(pull(db, 'items', { ...e!.changes[0]!.checkpoint, limit: 100 }, 'dev-1').documents).toEqual([]);
    feed.poll();
    expect(events).toHaveLength(1);
  });

  it('announces nothing for a kiosk basket push, or for an import that changes nothing', async () => {
    push(db, 'baskets', [{ newDocumentState: { id: 'b1', _deleted: false, lines: [] } }], 'dev-1');
    feed.poll();
    expect((await importDoc(db, structuredClone(base))).applied).toBe(true);
    feed.poll();
    expect(events).toEqual([]);
  });

  it('names a collection to pull when it changed too much to carry', async () => {
    const small = new ReplicationFeed(db, (e) => events.push(e), 10);
    await importDoc(db, { items: demo.items.slice(0, 11).map((i) => withPrice(i, '1.11')) });
    small.poll();
    expect(events).toMatchObject([{ changes: [], pull: ['items'] }]);
  });
});

describe('deletes reach kiosks as tombstones', () => {
  it('a replacing import leaves out an item, a category, a promotion and a tax row', async () => {
    const before = Object.fromEntries(
      Object.keys(PULL_COLLECTIONS).map((c) => {
        const last = pullAll(c).at(-1)!;
        return [c, { id: last.id, updatedAt: last.updatedAt! }];
      }),
    );
    const [gone, ...keep] = demo.items;
    const r = await importDoc(db, {
      replace: true,
      items: keep,
      categories: demo.categories.slice(1),
      promotions: demo.promotions.slice(1),
      tax_table: demo.tax_table.slice(1),
    });
    expect(r.applied).toBe(true);
    feed.poll();
    const expected = {
      items: gone!.item_id,
      categories: demo.categories[0]!.category_id,
      promotions: demo.promotions[0]!.id,
      tax_rows: `${demo.tax_table[0]!.tax_code}/${demo.tax_table[0]!.retailer_tax_level_id}`,
    };
    for (const [collection, id] of Object.entries(expected)) {
      // Live: exactly the tombstone, nothing else (the rest of the file was unchanged).
      expect(announced(collection).map((d) => [d.id, d._deleted])).toEqual([[id, true]]);
      // Later: a kiosk pulling from where it was also receives it, with the delete's stamp.
      const later = pullAll(collection, before[collection]);
      expect(later.map((d) => [d.id, d._deleted])).toEqual([[id, true]]);
      expect(later[0]!.updatedAt).toBeGreaterThan(before[collection]!.updatedAt);
    }
    // The deleted item's code no longer scans.
    expect(db.prepare(`SELECT 1 FROM item_codes WHERE item_id = ?`).get(gone!.item_id)).toBeUndefined();
  });

  it('refuses to replace a section the file does not have', async () => {
    const r = await importDoc(db, { replace: ['items'], promotions: demo.promotions });
    expect(r.applied).toBe(false);
    expect(r.rejected[0]).toMatchObject({ section: 'replace', path: 'items' });
  });

  it('an item marked soft_deleted in an import is a tombstone', async () => {
    await importDoc(db, { items: [{ ...demo.items[2]!, soft_deleted: true }] });
    feed.poll();
    expect(announced('items').map((d) => [d.id, d._deleted])).toEqual([[demo.items[2]!.item_id, true]]);
  });

  it('HQ deltas and snapshots through sync/apply: only what changed or went', () => {
    const tx = <T>(fn: () => T): T => db.transaction(fn).immediate();
    tx(() =>
      applyCatalogDelta(db, { upserts: [], deletes: [String(demo.items[1]!.item_id)], categories: [] }),
    );
    feed.poll();
    expect(announced('items').map((d) => [d.id, d._deleted])).toEqual([[demo.items[1]!.item_id, true]]);

    events.length = 0;
    // A snapshot: one price changed, one item left out, the rest as stored.
    const snapshot = demo.items.filter((_, i) => i !== 1 && i !== 3).map((i) => i);
    snapshot[0] = withPrice(snapshot[0]!, '0.42');
    tx(() => applyCatalogSnapshot(db, { items: snapshot, categories: demo.categories }));
    feed.poll();
    expect(
      announced('items')
        .map((d) => [d.id, d._deleted])
        .sort(),
    ).toEqual(
      [
        [snapshot[0]!.item_id, false],
        [demo.items[3]!.item_id, true],
      ].sort(),
    );
    expect(announced('categories')).toEqual([]);

    events.length = 0;
    tx(() => applyPromotionsDelta(db, { upserts: [], deletes: [String(demo.promotions[4]!.id)] }));
    tx(() => applyPromotionsSnapshot(db, { promotions: demo.promotions.slice(0, 4) }));
    tx(() => applyTaxSnapshot(db, { tax_table: demo.tax_table.slice(0, 1) }));
    feed.poll();
    const gonePromos = demo.promotions.slice(4).map((p) => String(p.id));
    expect(
      announced('promotions')
        .map((d) => d.id)
        .sort(),
    ).toEqual(gonePromos.sort());
    expect(announced('promotions').every((d) => d._deleted)).toBe(true);
    expect(announced('tax_rows').map((d) => d._deleted)).toEqual(demo.tax_table.slice(1).map(() => true));
  });
});

describe('property: the feed, applied in order, gives what a full pull gives', () => {
  it('for any sequence of imports, replacements, deltas and basket pushes', async () => {
    const ids = demo.items.slice(0, 12);
    const op = fc.oneof(
      fc.record({
        k: fc.constant('price' as const),
        i: fc.nat(11),
        p: fc.integer({ min: 1, max: 999 }),
      }),
      fc.record({ k: fc.constant('soft' as const), i: fc.nat(11) }),
      fc.record({ k: fc.constant('delta-delete' as const), i: fc.nat(11) }),
      fc.record({ k: fc.constant('replace' as const), keep: fc.subarray([...ids.keys()], { minLength: 1 }) }),
      fc.record({ k: fc.constant('basket' as const), n: fc.nat(3) }),
      fc.record({ k: fc.constant('poll' as const) }),
    );
    db.close();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
        db = openDatabase(tempDataDir());
        await importDoc(db, { store_config: demo.store_config, tax_table: demo.tax_table, items: ids });
        events = [];
        feed = new ReplicationFeed(db, (e) => events.push(e), 5);
        // The kiosk: everything pulled at the start, then only what the feed announces.
        const kiosk = new Map(pullAll('items').map((d) => [d.id, d]));
        const apply = (): void => {
          for (const e of events.splice(0)) {
            for (const c of e.changes)
              if (c.collection === 'items') for (const d of c.documents) kiosk.set(d.id, d);
            if (e.pull.includes('items')) for (const d of pullAll('items')) kiosk.set(d.id, d);
          }
        };
        for (const o of ops) {
          if (o.k === 'price') await importDoc(db, { items: [withPrice(ids[o.i]!, `${o.p}.00`)] });
          else if (o.k === 'soft') await importDoc(db, { items: [{ ...ids[o.i]!, soft_deleted: true }] });
          else if (o.k === 'delta-delete')
            db.transaction(() =>
              applyCatalogDelta(db, { upserts: [], deletes: [String(ids[o.i]!.item_id)], categories: [] }),
            ).immediate();
          else if (o.k === 'replace')
            await importDoc(db, { replace: ['items'], items: o.keep.map((i) => ids[i]!) });
          else if (o.k === 'basket')
            push(db, 'baskets', [{ newDocumentState: { id: `b${o.n}`, _deleted: false } }], 'dev-1');
          else feed.poll();
        }
        feed.poll();
        apply();
        const truth = new Map(pullAll('items').map((d) => [d.id, d]));
        expect([...kiosk.entries()].sort()).toEqual([...truth.entries()].sort());
        db.close();
      }),
      { numRuns: 25 },
    );
    db = openDatabase(tempDataDir());
  }, 120_000);
});
