/**
 * Writing reference rows (items, categories, promotions, tax rows) for both writers — the
 * import (CLI and `POST /v1/catalog/import`) and HQ's documents through the sync inbox — so the
 * two cannot drift on what kiosks see:
 *
 * - a row whose document and deleted flag are unchanged is left alone, keeping its stamp: a
 *   snapshot or import that changes one price sends kiosks one document, not the catalogue;
 * - nothing is ever removed: a row taken away (a delta's `deletes`, a snapshot or a replacing
 *   import that no longer lists it) is soft-deleted with the write's stamp, a tombstone that
 *   reaches kiosks as `_deleted: true` — by the change feed, and by any later pull, since the
 *   row stays in checkpoint order.
 *
 * Callers validate everything first and run this inside their write transaction.
 */
import type { Db } from '../../platform/db/database';

export interface ItemWrite {
  item_id: string;
  product_identifier: string;
  retailer_product_id: string | null;
  codes: string[];
  doc: unknown;
  /** The item's own `soft_deleted: true`: stored as a tombstone. */
  deleted: boolean;
}

export interface DocWrite {
  id: string;
  doc: unknown;
  /** tax_rows only: the key columns. */
  tax_code?: string;
  retailer_tax_level_id?: string;
}

export type RefTable = 'categories' | 'promotions' | 'tax_rows';
const ID_COL: Record<RefTable | 'catalog_items', string> = {
  catalog_items: 'item_id',
  categories: 'category_id',
  promotions: 'promo_id',
  tax_rows: 'row_id',
};

type Stored = Map<string, { doc: string; deleted: number }>;

function stored(db: Db, table: keyof typeof ID_COL, ids?: string[]): Stored {
  const idCol = ID_COL[table];
  const m: Stored = new Map();
  if (ids) {
    const one = db.prepare(`SELECT doc, deleted FROM ${table} WHERE ${idCol} = ?`);
    for (const id of ids) {
      const r = one.get(id) as { doc: string; deleted: number } | undefined;
      if (r) m.set(id, r);
    }
  } else {
    for (const r of db.prepare(`SELECT ${idCol} AS id, doc, deleted FROM ${table}`).all() as {
      id: string;
      doc: string;
      deleted: number;
    }[])
      m.set(r.id, { doc: r.doc, deleted: r.deleted });
  }
  return m;
}

/** Soft-deletes the listed rows that are live; answers how many became tombstones. */
export function tombstone(
  db: Db,
  table: RefTable | 'catalog_items',
  ids: Iterable<string>,
  stamp: number,
): number {
  const idCol = ID_COL[table];
  const del = db.prepare(
    `UPDATE ${table} SET deleted = 1, updated_at = ? WHERE ${idCol} = ? AND deleted = 0`,
  );
  const delCodes = table === 'catalog_items' ? db.prepare(`DELETE FROM item_codes WHERE item_id = ?`) : null;
  let n = 0;
  for (const id of ids) {
    n += del.run(stamp, id).changes;
    delCodes?.run(id);
  }
  return n;
}

/**
 * Upserts items (codes follow); with `replace`, every stored item the list leaves out becomes
 * a tombstone. Answers the ids written (changed, added or deleted).
 */
export function writeItems(
  db: Db,
  rows: ItemWrite[],
  stamp: number,
  opts: { replace?: boolean } = {},
): number {
  const before = opts.replace
    ? stored(db, 'catalog_items')
    : stored(
        db,
        'catalog_items',
        rows.map((r) => r.item_id),
      );
  const up = db.prepare(
    `INSERT INTO catalog_items(item_id, product_identifier, retailer_product_id, doc, updated_at, deleted) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(item_id) DO UPDATE SET product_identifier = excluded.product_identifier, retailer_product_id = excluded.retailer_product_id,
       doc = excluded.doc, updated_at = excluded.updated_at, deleted = excluded.deleted`,
  );
  const delCodes = db.prepare(`DELETE FROM item_codes WHERE item_id = ?`);
  const addCode = db.prepare(`INSERT INTO item_codes(code, item_id) VALUES (?, ?)`);
  const changed: { row: ItemWrite; json: string }[] = [];
  const listed = new Set<string>();
  for (const row of rows) {
    listed.add(row.item_id);
    const json = JSON.stringify(row.doc);
    const was = before.get(row.item_id);
    if (was && was.doc === json && was.deleted === (row.deleted ? 1 : 0)) continue;
    changed.push({ row, json });
  }
  let n = 0;
  if (opts.replace) {
    const gone = [...before].filter(([id, r]) => r.deleted === 0 && !listed.has(id)).map(([id]) => id);
    n += tombstone(db, 'catalog_items', gone, stamp);
  }
  // Codes of every changed item first, then the new ones: a code may move between them.
  for (const { row } of changed) delCodes.run(row.item_id);
  for (const { row, json } of changed) {
    up.run(row.item_id, row.product_identifier, row.retailer_product_id, json, stamp, row.deleted ? 1 : 0);
    if (!row.deleted) for (const c of new Set(row.codes)) addCode.run(c, row.item_id);
  }
  return n + changed.length;
}

/** Upserts categories, promotions or tax rows; with `replace`, the rest become tombstones. */
export function writeDocs(
  db: Db,
  table: RefTable,
  rows: DocWrite[],
  stamp: number,
  opts: { replace?: boolean } = {},
): number {
  const before = opts.replace
    ? stored(db, table)
    : stored(
        db,
        table,
        rows.map((r) => r.id),
      );
  const up =
    table === 'tax_rows'
      ? db.prepare(
          `INSERT INTO tax_rows(row_id, doc, updated_at, deleted, tax_code, retailer_tax_level_id) VALUES (?, ?, ?, 0, ?, ?)
           ON CONFLICT(row_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at, deleted = 0`,
        )
      : db.prepare(
          `INSERT INTO ${table}(${ID_COL[table]}, doc, updated_at, deleted) VALUES (?, ?, ?, 0)
           ON CONFLICT(${ID_COL[table]}) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at, deleted = 0`,
        );
  const listed = new Set<string>();
  let n = 0;
  for (const row of rows) {
    listed.add(row.id);
    const json = JSON.stringify(row.doc);
    const was = before.get(row.id);
    if (was && was.doc === json && was.deleted === 0) continue;
    if (table === 'tax_rows') up.run(row.id, json, stamp, row.tax_code, row.retailer_tax_level_id);
    else up.run(row.id, json, stamp);
    n++;
  }
  if (opts.replace) {
    const gone = [...before].filter(([id, r]) => r.deleted === 0 && !listed.has(id)).map(([id]) => id);
    n += tombstone(db, table, gone, stamp);
  }
  return n;
}

/** The store config document (one row); an unchanged one keeps its stamp, like any row. */
export function writeStoreConfig(db: Db, doc: unknown, configVersion: number, stamp: number): void {
  const json = JSON.stringify(doc);
  const was = db.prepare(`SELECT doc, deleted FROM store_config WHERE id = 'store'`).get() as
    { doc: string; deleted: number } | undefined;
  if (was && was.doc === json && was.deleted === 0) return;
  db.prepare(
    `INSERT INTO store_config(id, doc, config_version, updated_at) VALUES ('store', ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, config_version = excluded.config_version, updated_at = excluded.updated_at, deleted = 0`,
  ).run(json, configVersion, stamp);
}
