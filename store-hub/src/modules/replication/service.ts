/**
 * Kiosk replication endpoints speaking RxDB's replication protocol (see docs/replication.md):
 * pull with a checkpoint `(updatedAt, id)` and a batch size; push with conflict answers for
 * the kiosk-written collection (baskets). `updatedAt` is the hub's replication clock, strictly
 * increasing per write transaction, so a checkpoint never skips a later write.
 *
 * Faithful to RxDB's protocol (issue 11 §2):
 * - a pushed document is stored exactly as pushed; the hub's ordering stamp lives in the
 *   checkpoint only, so the next push's `assumedMasterState` (what the kiosk pushed) matches;
 * - a push naming a master the hub does not have (e.g. after a hub restore) writes the
 *   document, as RxDB's reference server does, instead of inventing a deleted master;
 * - each kiosk replicates only its own baskets (stored under `baskets:<device_id>`);
 * - pull limits above the advertised maximum are clamped, and pages continue with a row-value
 *   comparison `(updated_at, id) > (?, ?)` that SQLite answers from the index.
 */
import type { z } from 'zod';
import type { Db } from '../../platform/db/database';
import { cached, nextStamp } from '../../platform/db/database';
import { HubError } from '../../platform/errors';
import type { pullQuerySchema, pushSchema } from './schemas';
import { PULL_MAX_LIMIT, PUSH_MAX_ROWS } from './schemas';

export interface Source {
  table: string;
  idCol: string;
}

export const PULL_COLLECTIONS: Record<string, Source> = {
  items: { table: 'catalog_items', idCol: 'item_id' },
  categories: { table: 'categories', idCol: 'category_id' },
  promotions: { table: 'promotions', idCol: 'promo_id' },
  tax_rows: { table: 'tax_rows', idCol: 'row_id' },
  store_config: { table: 'store_config', idCol: 'id' },
};
export const PUSH_COLLECTIONS = new Set(['baskets']);

export type ReplicatedDoc = Record<string, unknown> & { id: string; _deleted: boolean; updatedAt?: number };

export interface Checkpoint {
  id: string;
  updatedAt: number;
}

/** What the hub tells RxDB clients about its pages (they size their batches from it). */
export function replicationInfo(): {
  pull_max_limit: number;
  push_max_rows: number;
  pull_collections: string[];
  push_collections: string[];
} {
  return {
    pull_max_limit: PULL_MAX_LIMIT,
    push_max_rows: PUSH_MAX_ROWS,
    pull_collections: Object.keys(PULL_COLLECTIONS),
    push_collections: [...PUSH_COLLECTIONS],
  };
}

/** kiosk_docs rows of one kiosk: its own baskets only. */
const ownCollection = (collection: string, deviceId: string): string => `${collection}:${deviceId}`;

type Row = { id: string; doc: string; updated_at: number; deleted: number };

/**
 * One page of a hub-owned collection after a checkpoint, in checkpoint order. Shared by the
 * pull endpoint and the change feed, so both answer the same documents.
 */
export function hubPage(
  db: Db,
  src: Source,
  after: Checkpoint,
  limit: number,
): { documents: ReplicatedDoc[]; last: Checkpoint | null } {
  const rows = cached(
    db,
    `SELECT ${src.idCol} AS id, doc, updated_at, deleted FROM ${src.table}
     WHERE (updated_at, ${src.idCol}) > (?, ?) ORDER BY updated_at, ${src.idCol} LIMIT ?`,
  ).all(after.updatedAt, after.id, limit) as Row[];
  // Hub-owned rows carry the stamp in the document too (kiosks read it as the data version).
  const documents = rows.map((r) => ({
    ...(JSON.parse(r.doc) as Record<string, unknown>),
    id: r.id,
    updatedAt: r.updated_at,
    _deleted: r.deleted === 1,
  }));
  const last = rows[rows.length - 1];
  return { documents, last: last ? { id: last.id, updatedAt: last.updated_at } : null };
}

/** The newest row of a hub-owned collection (its checkpoint once everything is pulled). */
export function hubHead(db: Db, src: Source): Checkpoint {
  const r = cached(
    db,
    `SELECT ${src.idCol} AS id, updated_at FROM ${src.table} ORDER BY updated_at DESC, ${src.idCol} DESC LIMIT 1`,
  ).get() as { id: string; updated_at: number } | undefined;
  return r ? { id: r.id, updatedAt: r.updated_at } : { id: '', updatedAt: 0 };
}

export function pull(
  db: Db,
  collection: string,
  q: z.output<typeof pullQuerySchema>,
  deviceId: string,
): { documents: ReplicatedDoc[]; checkpoint: Checkpoint | null } {
  const src = PULL_COLLECTIONS[collection];
  const limit = Math.min(q.limit, PULL_MAX_LIMIT);
  let documents: ReplicatedDoc[];
  let last: Checkpoint | null;
  if (src) {
    ({ documents, last } = hubPage(db, src, { updatedAt: q.updatedAt, id: q.id }, limit));
  } else if (PUSH_COLLECTIONS.has(collection)) {
    const rows = cached(
      db,
      `SELECT id, doc, updated_at, deleted FROM kiosk_docs WHERE collection = ? AND (updated_at, id) > (?, ?)
         ORDER BY updated_at, id LIMIT ?`,
    ).all(ownCollection(collection, deviceId), q.updatedAt, q.id, limit) as Row[];
    documents = rows.map(storedDoc);
    const r = rows[rows.length - 1];
    last = r ? { id: r.id, updatedAt: r.updated_at } : null;
  } else {
    throw new HubError('UNKNOWN_COLLECTION', `no replicated collection ${collection}`, {
      collections: [...Object.keys(PULL_COLLECTIONS), ...PUSH_COLLECTIONS],
    });
  }
  return {
    documents,
    checkpoint: last ?? (q.updatedAt || q.id ? { id: q.id, updatedAt: q.updatedAt } : null),
  };
}

/** A kiosk-written document exactly as it was pushed (no hub field added). */
function storedDoc(r: Row): ReplicatedDoc {
  return { ...(JSON.parse(r.doc) as Record<string, unknown>), id: r.id, _deleted: r.deleted === 1 };
}

/** Key-order-free form of a document for comparing states (the protocol compares content). */
function canonical(v: unknown): string {
  const norm = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(norm)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, norm((x as Record<string, unknown>)[k])]),
          )
        : x;
  return JSON.stringify(norm(v));
}

/** Applies pushed rows; answers the master state of every row that conflicted (RxDB push contract). */
export function push(
  db: Db,
  collection: string,
  rows: z.output<typeof pushSchema>,
  deviceId: string,
): ReplicatedDoc[] {
  if (!PUSH_COLLECTIONS.has(collection))
    throw new HubError('READ_ONLY_COLLECTION', `${collection} is replicated from the hub only`);
  const own = ownCollection(collection, deviceId);
  return db
    .transaction(() => {
      const conflicts: ReplicatedDoc[] = [];
      const stamp = nextStamp(db);
      const get = db.prepare(
        `SELECT id, doc, updated_at, deleted FROM kiosk_docs WHERE collection = ? AND id = ?`,
      );
      const put = db.prepare(
        `INSERT INTO kiosk_docs(collection, id, doc, updated_at, deleted) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(collection, id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at, deleted = excluded.deleted`,
      );
      for (const row of rows) {
        const master = get.get(own, row.newDocumentState.id) as Row | undefined;
        const assumed = row.assumedMasterState ?? null;
        // No master: write (also when the kiosk assumed one — e.g. the hub was restored from
        // an older copy). A master: write only if the kiosk saw exactly it.
        if (master && (assumed === null || canonical(assumed) !== canonical(storedDoc(master)))) {
          conflicts.push(storedDoc(master));
          continue;
        }
        const { id, _deleted, ...rest } = row.newDocumentState as Record<string, unknown> & {
          id: string;
          _deleted: boolean;
        };
        put.run(own, id, JSON.stringify(rest), stamp, _deleted ? 1 : 0);
      }
      return conflicts;
    })
    .immediate();
}
