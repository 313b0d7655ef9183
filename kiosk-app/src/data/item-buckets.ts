/**
 * The kiosk keeps the catalogue in RxDB as item buckets: each RxDB document holds the items
 * whose id hashes to it (about 200 per bucket at 100,000 items), as one JSON string.
 *
 * Why: in Chromium, RxDB on Dexie costs a handful of IndexedDB requests per document (read the
 * fork and its replication metadata, write both), and that per-request cost — not the bytes —
 * is what made a 100,000-item first replication take 57 s. Measured in one page at load 15:
 * 15,000 items written as 15,000 documents took 5.0–7.5 s (4.6–6.0 s as one JSON string each),
 * as 150 documents of 100 items 0.1–0.2 s. A string, not a nested object, because IndexedDB
 * clones it in one piece and Dexie's field walk has nothing to walk.
 *
 * The hub's protocol is unchanged (one RxDB document per item, tombstones, checkpoints); the
 * mapping is the kiosk's: every hub document is merged into its bucket, and the bucket's new
 * state is what RxDB's replication stores as the master state. This module is the only writer
 * of those states, so it keeps the newest state of every bucket it has touched in memory (read
 * from RxDB the first time) and each merge continues from it; merges run one at a time.
 */
import type { RxCollection, RxJsonSchema } from 'rxdb';

/** Fixed forever: an item's bucket must not move (more buckets = a new collection version). */
export const ITEM_BUCKETS = 512;

export interface ItemBucketDoc {
  /** `b000`…`b511`. */
  id: string;
  /** The newest hub stamp among the changes merged into it (deletes included). */
  updatedAt: number;
  /** `{ "<item_id>": <the hub's item document>, … }`. */
  json: string;
}

export const itemBucketSchema: RxJsonSchema<ItemBucketDoc> = {
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 8 },
    updatedAt: { type: 'number' },
    json: { type: 'string' },
  },
  required: ['id', 'updatedAt', 'json'],
};

/** Version 0 kept one document per item: dropped, the replication pulls them again as buckets. */
export const itemBucketMigrations = { 1: (): null => null };

/** FNV-1a over the id's UTF-16 code units: stable, cheap, spreads similar ids. */
export function bucketOf(itemId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < itemId.length; i++) {
    h ^= itemId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `b${String(h % ITEM_BUCKETS).padStart(3, '0')}`;
}

/** One hub item as it arrives: the item document plus the protocol fields. */
export type HubItemDoc = Record<string, unknown> & { id: string; updatedAt?: number; _deleted: boolean };

interface Bucket {
  updatedAt: number;
  /** item id → the item document as JSON (kept serialised: a merge rewrites only what changed). */
  items: Map<string, string>;
}

export class ItemBuckets {
  private readonly known = new Map<string, Bucket>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly collection: RxCollection<ItemBucketDoc>) {}

  /**
   * Merges hub documents (in the hub's order: a later one for the same item wins) into their
   * buckets; answers the new state of every bucket touched, as RxDB master documents.
   */
  merge(docs: HubItemDoc[]): Promise<(ItemBucketDoc & { _deleted: false })[]> {
    const run = this.queue.then(() => this.mergeNow(docs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async mergeNow(docs: HubItemDoc[]): Promise<(ItemBucketDoc & { _deleted: false })[]> {
    const touched = new Set<string>();
    for (const d of docs) touched.add(bucketOf(d.id));
    await this.load([...touched]);
    for (const d of docs) {
      const b = this.known.get(bucketOf(d.id))!;
      const { id, updatedAt = 0, _deleted, ...doc } = d;
      if (_deleted) b.items.delete(id);
      else b.items.set(id, JSON.stringify(doc));
      if (updatedAt > b.updatedAt) b.updatedAt = updatedAt;
    }
    return [...touched].sort().map((id) => {
      const b = this.known.get(id)!;
      let json = '{';
      for (const [k, v] of b.items) json += `${json.length > 1 ? ',' : ''}${JSON.stringify(k)}:${v}`;
      return { id, updatedAt: b.updatedAt, json: `${json}}`, _deleted: false as const };
    });
  }

  private async load(ids: string[]): Promise<void> {
    const missing = ids.filter((id) => !this.known.has(id));
    if (missing.length === 0) return;
    const stored = await this.collection.findByIds(missing).exec();
    for (const id of missing) {
      const d = stored.get(id);
      const items = new Map<string, string>();
      if (d)
        for (const [k, v] of Object.entries(JSON.parse(d.json) as Record<string, unknown>))
          items.set(k, JSON.stringify(v));
      this.known.set(id, { updatedAt: d?.updatedAt ?? 0, items });
    }
  }
}

/** Every item the kiosk holds, with its bucket's stamp (what the data version is computed from). */
export async function readItems(
  collection: RxCollection<ItemBucketDoc>,
): Promise<{ updatedAt: number; doc: Record<string, unknown> }[]> {
  const out: { updatedAt: number; doc: Record<string, unknown> }[] = [];
  for (const b of await collection.find().exec()) {
    const items = JSON.parse(b.json) as Record<string, Record<string, unknown>>;
    for (const doc of Object.values(items)) out.push({ updatedAt: b.updatedAt, doc });
  }
  return out;
}

/** One item by id (tests, diagnosis), or null. */
export async function findItem(
  collection: RxCollection<ItemBucketDoc>,
  itemId: string,
): Promise<Record<string, unknown> | null> {
  const b = await collection.findOne(bucketOf(itemId)).exec();
  if (!b) return null;
  return (JSON.parse(b.json) as Record<string, Record<string, unknown>>)[itemId] ?? null;
}
