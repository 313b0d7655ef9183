/**
 * Item buckets (src/data/item-buckets.ts): whatever sequence of hub item documents is merged —
 * upserts, repeats, deletes, in batches of any size, with the kiosk restarting in between
 * (a fresh ItemBuckets reading what RxDB stored) — the unpacked buckets hold exactly the newest
 * version of every item not deleted, and each bucket's stamp is the newest stamp merged into it.
 */
import fc from 'fast-check';
import { addRxPlugin, createRxDatabase } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import type { RxCollection } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { describe, expect, it } from 'vitest';
import type { HubItemDoc, ItemBucketDoc } from '../../src/data/item-buckets';
import {
  bucketOf,
  ITEM_BUCKETS,
  itemBucketMigrations,
  ItemBuckets,
  itemBucketSchema,
  readItems,
} from '../../src/data/item-buckets';

addRxPlugin(RxDBMigrationSchemaPlugin);

let n = 0;

describe('item buckets', () => {
  it('spreads ids over the fixed bucket range, always to the same bucket', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (id) => {
        const b = bucketOf(id);
        expect(b).toMatch(/^b\d{3}$/);
        expect(Number(b.slice(1))).toBeLessThan(ITEM_BUCKETS);
        expect(bucketOf(id)).toBe(b);
      }),
    );
  });

  it('unpack to the newest version of every live item, across restarts', async () => {
    const change = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'item-1', 'item-2', 'x"y', 'ünï'),
      price: fc.nat(999),
      deleted: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ batch: fc.array(change, { maxLength: 6 }), restart: fc.boolean() }), {
          maxLength: 8,
        }),
        async (steps) => {
          const db = await createRxDatabase({
            name: `buckets${++n}`,
            storage: getRxStorageMemory(),
            multiInstance: false,
          });
          try {
            const { items } = (await db.addCollections({
              items: { schema: itemBucketSchema, migrationStrategies: itemBucketMigrations },
            })) as {
              items: RxCollection<ItemBucketDoc>;
            };
            let buckets = new ItemBuckets(items);
            const model = new Map<string, Record<string, unknown>>();
            const stamps = new Map<string, number>();
            let clock = 0;
            for (const step of steps) {
              clock++;
              const docs: HubItemDoc[] = step.batch.map((c) => ({
                id: c.id,
                item_id: c.id,
                base_price: `${c.price}.00`,
                updatedAt: clock,
                _deleted: c.deleted,
              }));
              for (const d of docs) {
                const { id, updatedAt: _u, _deleted, ...doc } = d;
                if (_deleted) model.delete(id);
                else model.set(id, doc);
                stamps.set(bucketOf(id), clock);
              }
              // What RxDB's replication would store as the master state.
              const merged = await buckets.merge(docs);
              if (merged.length > 0) await items.bulkUpsert(merged.map(({ _deleted: _d, ...b }) => b));
              if (step.restart) buckets = new ItemBuckets(items);
            }
            const held = new Map((await readItems(items)).map((r) => [String(r.doc.item_id), r.doc]));
            expect(Object.fromEntries(held)).toEqual(Object.fromEntries(model));
            for (const b of await items.find().exec()) expect(b.updatedAt).toBe(stamps.get(b.id));
          } finally {
            await db.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
