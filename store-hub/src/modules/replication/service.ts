/**
 * Kiosk replication endpoints speaking RxDB's replication protocol (see docs/replication.md):
 * pull with a checkpoint `(updatedAt, id)` and a batch size; push with conflict answers for
 * the kiosk-written collection (baskets). `updatedAt` is the hub's replication clock, strictly
 * increasing per write transaction, so a checkpoint never skips a later write.
 */
import type { z } from 'zod';
import type { Db } from '../../platform/db/database';
import { nextStamp } from '../../platform/db/database';
import { HubError } from '../../platform/errors';
import type { pullQuerySchema, pushSchema } from './schemas';

interface Source {
  table: string;
  idCol: string;
  where?: string;
}

export const PULL_COLLECTIONS: Record<string, Source> = {
  items: { table: 'catalog_items', idCol: 'item_id' },
  categories: { table: 'categories', idCol: 'category_id' },
  promotions: { table: 'promotions', idCol: 'promo_id' },
  tax_rows: { table: 'tax_rows', idCol: 'row_id' },
  store_config: { table: 'store_config', idCol: 'id' },
};
export const PUSH_COLLECTIONS = new Set(['baskets']);

export type ReplicatedDoc = Record<string, unknown> & { id: string; updatedAt: number; _deleted: boolean };

export interface Checkpoint {
  id: string;
  updatedAt: number;
}

export function pull(
  db: Db,
  collection: string,
  q: z.output<typeof pullQuerySchema>,
): { documents: ReplicatedDoc[]; checkpoint: Checkpoint | null } {
  const src = PULL_COLLECTIONS[collection];
  let rows: { id: string; doc: string; updated_at: number; deleted: number }[];
  if (src) {
    rows = db
      .prepare(
        `SELECT ${src.idCol} AS id, doc, updated_at, deleted FROM ${src.table}
         WHERE updated_at > ? OR (updated_at = ? AND ${src.idCol} > ?) ORDER BY updated_at, ${src.idCol} LIMIT ?`,
      )
      .all(q.updatedAt, q.updatedAt, q.id, q.limit) as typeof rows;
  } else if (PUSH_COLLECTIONS.has(collection)) {
    rows = db
      .prepare(
        `SELECT id, doc, updated_at, deleted FROM kiosk_docs WHERE collection = ? AND (updated_at > ? OR (updated_at = ? AND id > ?))
         ORDER BY updated_at, id LIMIT ?`,
      )
      .all(collection, q.updatedAt, q.updatedAt, q.id, q.limit) as typeof rows;
  } else {
    throw new HubError('UNKNOWN_COLLECTION', `no replicated collection ${collection}`, {
      collections: [...Object.keys(PULL_COLLECTIONS), ...PUSH_COLLECTIONS],
    });
  }
  const documents = rows.map((r) => toDoc(r));
  const last = rows[rows.length - 1];
  return {
    documents,
    checkpoint: last
      ? { id: last.id, updatedAt: last.updated_at }
      : q.updatedAt || q.id
        ? { id: q.id, updatedAt: q.updatedAt }
        : null,
  };
}

function toDoc(r: { id: string; doc: string; updated_at: number; deleted: number }): ReplicatedDoc {
  return {
    ...(JSON.parse(r.doc) as Record<string, unknown>),
    id: r.id,
    updatedAt: r.updated_at,
    _deleted: r.deleted === 1,
  };
}

/** Applies pushed rows; answers the master state of every row that conflicted (RxDB push contract). */
export function push(db: Db, collection: string, rows: z.output<typeof pushSchema>): ReplicatedDoc[] {
  if (!PUSH_COLLECTIONS.has(collection))
    throw new HubError('READ_ONLY_COLLECTION', `${collection} is replicated from the hub only`);
  return db
    .transaction(() => {
      const conflicts: ReplicatedDoc[] = [];
      const stamp = nextStamp(db);
      for (const row of rows) {
        const master = db
          .prepare(`SELECT id, doc, updated_at, deleted FROM kiosk_docs WHERE collection = ? AND id = ?`)
          .get(collection, row.newDocumentState.id) as
          { id: string; doc: string; updated_at: number; deleted: number } | undefined;
        const assumed = row.assumedMasterState ?? null;
        const matches = master
          ? assumed !== null && (assumed as { updatedAt?: unknown }).updatedAt === master.updated_at
          : assumed === null;
        if (!matches) {
          if (master) conflicts.push(toDoc(master));
          else conflicts.push({ ...row.newDocumentState, _deleted: true, updatedAt: 0 });
          continue;
        }
        const { id, _deleted, ...rest } = row.newDocumentState as Record<string, unknown> & {
          id: string;
          _deleted: boolean;
        };
        delete rest.updatedAt;
        db.prepare(
          `INSERT INTO kiosk_docs(collection, id, doc, updated_at, deleted) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(collection, id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at, deleted = excluded.deleted`,
        ).run(collection, id, JSON.stringify(rest), stamp, _deleted ? 1 : 0);
      }
      return conflicts;
    })
    .immediate();
}
