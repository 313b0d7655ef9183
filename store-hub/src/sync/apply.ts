/**
 * Applying one cloud → store document (§6.3) to the hub's tables. Each function validates the
 * whole document with promo-core (through the hub's validators) before writing a row, and throws
 * `ApplyRejected` with every problem found, so a bad document changes nothing; the caller runs
 * it inside a savepoint of the inbox batch's transaction.
 *
 * Snapshots replace: rows missing from a snapshot are soft-deleted (kiosks replicate the
 * deletion). Deltas upsert and soft-delete only what they list. Basket lines are never touched:
 * they carry their own price snapshot; open baskets re-price on their next change.
 */
import type { Db } from './db';
import { nextStamp } from '../platform/db/database';
import {
  validateItem,
  validatePromotionDocs,
  validateTaxConfig,
  validateTaxRow,
  validateBarcodeConfig,
} from '../modules/catalog/pricing';
import { storeConfigSchema } from '../modules/catalog/store-config';

export interface ApplyIssue {
  index: number;
  id?: string;
  path: string;
  message: string;
}

export class ApplyRejected extends Error {
  constructor(
    readonly code: 'INVALID_CONTENT' | 'VERSION_GAP' | 'WRONG_STORE',
    message: string,
    readonly issues: ApplyIssue[] = [],
  ) {
    super(message);
    this.name = 'ApplyRejected';
  }
}

type Doc = Record<string, unknown>;

const idOf = (v: unknown, key: string): string | undefined => {
  const x = typeof v === 'object' && v !== null ? (v as Doc)[key] : undefined;
  return typeof x === 'string' && x.length > 0 ? x : undefined;
};

function reject(what: string, issues: ApplyIssue[]): never {
  const shown = issues
    .slice(0, 3)
    .map((i) => `[${i.index}]${i.path ? `.${i.path}` : ''}: ${i.message}`)
    .join('; ');
  throw new ApplyRejected(
    'INVALID_CONTENT',
    `${what}: ${issues.length} invalid row(s): ${shown}`,
    issues.slice(0, 100),
  );
}

function storedExponent(db: Db): number {
  const r = db
    .prepare(`SELECT json_extract(doc, '$.currency_exponent') AS e FROM store_config WHERE id = 'store'`)
    .get() as { e: number | null } | undefined;
  return r?.e ?? 2;
}

interface ItemRow {
  item_id: string;
  product_identifier: string;
  retailer_product_id: string | null;
  codes: string[];
  doc: unknown;
  deleted: boolean;
}

function validateItems(db: Db, items: unknown[], categories: unknown[]): ItemRow[] {
  const issues: ApplyIssue[] = [];
  const exponent = storedExponent(db);
  const rows: ItemRow[] = [];
  const owner = new Map<string, string>();
  items.forEach((raw, index) => {
    const r = validateItem(raw, index, exponent);
    if (!r.ok) {
      for (const i of r.issues)
        issues.push({ index, id: idOf(raw, 'item_id'), path: i.path, message: i.message });
      return;
    }
    const it = r.item;
    const codes = [...new Set([it.product_identifier, ...it.additional_barcodes])];
    for (const c of codes) {
      const other = owner.get(c);
      if (other !== undefined && other !== it.item_id) {
        issues.push({
          index,
          id: it.item_id,
          path: 'product_identifier',
          message: `code ${c} is also item ${other}'s`,
        });
        return;
      }
    }
    for (const c of codes) owner.set(c, it.item_id);
    rows.push({
      item_id: it.item_id,
      product_identifier: it.product_identifier,
      retailer_product_id: it.retailer_product_id,
      codes,
      doc: raw,
      deleted: (raw as { soft_deleted?: boolean }).soft_deleted === true,
    });
  });
  categories.forEach((c, index) => {
    if (!idOf(c, 'category_id'))
      issues.push({ index, path: 'category_id', message: 'a category needs a category_id' });
  });
  if (issues.length > 0) reject('catalogue', issues);
  return rows;
}

function writeItems(db: Db, rows: ItemRow[], stamp: number, codesCleared = false): void {
  const up = db.prepare(
    `INSERT INTO catalog_items(item_id, product_identifier, retailer_product_id, doc, updated_at, deleted) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(item_id) DO UPDATE SET product_identifier = excluded.product_identifier, retailer_product_id = excluded.retailer_product_id,
       doc = excluded.doc, updated_at = excluded.updated_at, deleted = excluded.deleted`,
  );
  const delCodes = db.prepare(`DELETE FROM item_codes WHERE item_id = ?`);
  const addCode = db.prepare(`INSERT INTO item_codes(code, item_id) VALUES (?, ?)`);
  for (const r of rows) {
    up.run(
      r.item_id,
      r.product_identifier,
      r.retailer_product_id,
      JSON.stringify(r.doc),
      stamp,
      r.deleted ? 1 : 0,
    );
    if (!codesCleared) delCodes.run(r.item_id);
    if (!r.deleted) for (const c of r.codes) addCode.run(c, r.item_id);
  }
}

function writeCategories(db: Db, categories: unknown[], stamp: number): void {
  const up = db.prepare(
    `INSERT INTO categories(category_id, doc, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(category_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at, deleted = 0`,
  );
  for (const c of categories) up.run(idOf(c, 'category_id'), JSON.stringify(c), stamp);
}

/** A code may move between items in one document, never onto an item the document leaves alone. */
function checkStoredCodes(db: Db, rows: ItemRow[]): void {
  const touched = new Set(rows.map((r) => r.item_id));
  const st = db.prepare(`SELECT item_id FROM item_codes WHERE code = ?`);
  const issues: ApplyIssue[] = [];
  rows.forEach((r, index) => {
    if (r.deleted) return;
    for (const c of r.codes) {
      const o = st.get(c) as { item_id: string } | undefined;
      if (o && o.item_id !== r.item_id && !touched.has(o.item_id))
        issues.push({
          index,
          id: r.item_id,
          path: 'product_identifier',
          message: `code ${c} belongs to stored item ${o.item_id}`,
        });
    }
  });
  if (issues.length > 0) reject('catalogue delta', issues);
}

export function applyCatalogSnapshot(db: Db, data: { items: unknown[]; categories: unknown[] }): number {
  const rows = validateItems(db, data.items, data.categories);
  const stamp = nextStamp(db);
  // Soft-delete every stored item first, then the snapshot's rows revive theirs: items missing
  // from the snapshot end deleted (and lose their codes) in the same transaction.
  db.prepare(`UPDATE catalog_items SET deleted = 1, updated_at = ? WHERE deleted = 0`).run(stamp);
  db.prepare(`DELETE FROM item_codes`).run();
  writeItems(db, rows, stamp, true);
  const keep = new Set(data.categories.map((c) => idOf(c, 'category_id')));
  writeCategories(db, data.categories, stamp);
  const stale = (
    db.prepare(`SELECT category_id FROM categories WHERE deleted = 0`).all() as { category_id: string }[]
  ).filter((c) => !keep.has(c.category_id));
  const del = db.prepare(`UPDATE categories SET deleted = 1, updated_at = ? WHERE category_id = ?`);
  for (const c of stale) del.run(stamp, c.category_id);
  return stamp;
}

export function applyCatalogDelta(
  db: Db,
  data: { upserts: unknown[]; deletes: string[]; categories: unknown[] },
): number {
  const rows = validateItems(db, data.upserts, data.categories);
  checkStoredCodes(db, rows);
  const stamp = nextStamp(db);
  writeItems(db, rows, stamp);
  writeCategories(db, data.categories, stamp);
  const del = db.prepare(
    `UPDATE catalog_items SET deleted = 1, updated_at = ? WHERE item_id = ? AND deleted = 0`,
  );
  const delCodes = db.prepare(`DELETE FROM item_codes WHERE item_id = ?`);
  for (const id of data.deletes) {
    del.run(stamp, id);
    delCodes.run(id);
  }
  return stamp;
}

function validatePromotions(promotions: unknown[]): void {
  const issues: ApplyIssue[] = validatePromotionDocs(promotions).issues.map((i) => ({
    index: i.index,
    id: idOf(promotions[i.index], 'id'),
    path: i.path,
    message: i.message,
  }));
  promotions.forEach((p, index) => {
    if (!idOf(p, 'id')) issues.push({ index, path: 'id', message: 'a promotion needs an id' });
  });
  if (issues.length > 0) reject('promotions', issues);
}

function writePromotions(db: Db, promotions: unknown[], stamp: number): void {
  const up = db.prepare(
    `INSERT INTO promotions(promo_id, doc, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(promo_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at, deleted = 0`,
  );
  for (const p of promotions) up.run(idOf(p, 'id'), JSON.stringify(p), stamp);
}

export function applyPromotionsSnapshot(db: Db, data: { promotions: unknown[] }): number {
  validatePromotions(data.promotions);
  const stamp = nextStamp(db);
  const keep = new Set(data.promotions.map((p) => idOf(p, 'id')));
  const stale = (
    db.prepare(`SELECT promo_id FROM promotions WHERE deleted = 0`).all() as { promo_id: string }[]
  ).filter((p) => !keep.has(p.promo_id));
  const del = db.prepare(`UPDATE promotions SET deleted = 1, updated_at = ? WHERE promo_id = ?`);
  for (const p of stale) del.run(stamp, p.promo_id);
  writePromotions(db, data.promotions, stamp);
  return stamp;
}

export function applyPromotionsDelta(db: Db, data: { upserts: unknown[]; deletes: string[] }): number {
  validatePromotions(data.upserts);
  const stamp = nextStamp(db);
  writePromotions(db, data.upserts, stamp);
  const del = db.prepare(
    `UPDATE promotions SET deleted = 1, updated_at = ? WHERE promo_id = ? AND deleted = 0`,
  );
  for (const id of data.deletes) del.run(stamp, id);
  return stamp;
}

export function applyTaxSnapshot(db: Db, data: { tax_table: unknown[] }): number {
  const issues: ApplyIssue[] = [];
  const seen = new Set<string>();
  data.tax_table.forEach((raw, index) => {
    const r = validateTaxRow(raw);
    if (!r.ok) issues.push({ index, path: '', message: r.message });
    const t = raw as { tax_code?: string; retailer_tax_level_id?: string };
    const k = `${t.tax_code}/${t.retailer_tax_level_id}`;
    if (seen.has(k)) issues.push({ index, path: 'retailer_tax_level_id', message: `duplicate level ${k}` });
    seen.add(k);
  });
  if (issues.length > 0) reject('tax table', issues);
  const stamp = nextStamp(db);
  // Replaces all rows atomically (§6.3): every stored row is deleted unless the table has it.
  db.prepare(`UPDATE tax_rows SET deleted = 1, updated_at = ? WHERE deleted = 0`).run(stamp);
  const up = db.prepare(
    `INSERT INTO tax_rows(row_id, tax_code, retailer_tax_level_id, doc, updated_at, deleted) VALUES (?, ?, ?, ?, ?, 0)
     ON CONFLICT(row_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at, deleted = 0`,
  );
  for (const raw of data.tax_table) {
    const t = raw as { tax_code: string; retailer_tax_level_id: string };
    up.run(
      `${t.tax_code}/${t.retailer_tax_level_id}`,
      t.tax_code,
      t.retailer_tax_level_id,
      JSON.stringify(raw),
      stamp,
    );
  }
  return stamp;
}

export function applyStoreConfig(
  db: Db,
  storeId: string,
  data: { config: Doc; config_version: number },
): number {
  const r = storeConfigSchema.safeParse({ ...data.config, config_version: data.config_version });
  const issues: ApplyIssue[] = r.success
    ? []
    : r.error.issues.map((i) => ({ index: 0, path: i.path.join('.'), message: i.message }));
  if (r.success) {
    if (r.data.store_id !== storeId)
      throw new ApplyRejected(
        'WRONG_STORE',
        `the configuration is store ${r.data.store_id}'s, this hub is ${storeId}`,
      );
    const taxErr = validateTaxConfig(r.data.tax);
    if (taxErr) issues.push({ index: 0, path: 'tax', message: taxErr });
    const bcErr = validateBarcodeConfig(r.data.barcodes);
    if (bcErr) issues.push({ index: 0, path: 'barcodes', message: bcErr });
  }
  if (issues.length > 0) reject('store config', issues);
  const stamp = nextStamp(db);
  db.prepare(
    `INSERT INTO store_config(id, doc, config_version, updated_at) VALUES ('store', ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, config_version = excluded.config_version, updated_at = excluded.updated_at, deleted = 0`,
  ).run(JSON.stringify({ ...data.config, config_version: data.config_version }), data.config_version, stamp);
  return stamp;
}

export interface StaffUserDoc {
  user_id: string;
  username: string;
  display_name: string;
  disabled: boolean;
  permissions: Record<string, boolean>;
  pin_hash?: string | null | undefined;
}

/** Upserts and disables staff; PINs arrive as argon2 hashes only (never in clear). */
export function applyStaffUsers(db: Db, data: { users: StaffUserDoc[] }): number {
  const issues: ApplyIssue[] = [];
  data.users.forEach((u, index) => {
    if (u.pin_hash && !u.pin_hash.startsWith('$argon2'))
      issues.push({ index, id: u.user_id, path: 'pin_hash', message: 'not an argon2 hash' });
  });
  if (issues.length > 0) reject('staff', issues);
  const stamp = nextStamp(db);
  const byId = db.prepare(`SELECT pin_hash FROM staff_users WHERE user_id = ?`);
  const up = db.prepare(
    `INSERT INTO staff_users(user_id, username, display_name, pin_hash, permissions, active) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(user_id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name,
       pin_hash = excluded.pin_hash, permissions = excluded.permissions, active = excluded.active`,
  );
  for (const u of data.users) {
    const stored = byId.get(u.user_id) as { pin_hash: string } | undefined;
    // A user without a PIN hash keeps the stored one; a new one cannot sign in until it has one.
    const pin = u.pin_hash ?? stored?.pin_hash ?? '!';
    up.run(u.user_id, u.username, u.display_name, pin, JSON.stringify(u.permissions), u.disabled ? 0 : 1);
  }
  if (data.users.length > 0)
    db.prepare(
      `DELETE FROM staff_sessions WHERE user_id IN (SELECT user_id FROM staff_users WHERE active = 0)`,
    ).run();
  return stamp;
}
