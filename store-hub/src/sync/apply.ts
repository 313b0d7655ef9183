/**
 * Applying one cloud → store document (§6.3) to the hub's tables. Each function validates the
 * whole document with promo-core (through the hub's validators) before writing a row, and throws
 * `ApplyRejected` with every problem found, so a bad document changes nothing; the caller runs
 * it inside a savepoint of the inbox batch's transaction.
 *
 * Snapshots replace: rows missing from a snapshot are soft-deleted (kiosks replicate the
 * tombstone as `_deleted`), and rows a snapshot leaves unchanged keep their stamp, so kiosks
 * receive only what changed (modules/catalog/write.ts, shared with the import). Deltas upsert
 * and soft-delete only what they list. Basket lines are never touched:
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
import type { DocWrite, ItemWrite } from '../modules/catalog/write';
import { tombstone, writeDocs, writeItems, writeStoreConfig } from '../modules/catalog/write';

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

type ItemRow = ItemWrite;

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

const categoryRows = (categories: unknown[]): DocWrite[] =>
  categories.map((c) => ({ id: idOf(c, 'category_id')!, doc: c }));

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
  // Replaces: items and categories the snapshot leaves out become tombstones in the same
  // transaction; unchanged rows keep their stamp, so kiosks receive only what changed.
  writeItems(db, rows, stamp, { replace: true });
  writeDocs(db, 'categories', categoryRows(data.categories), stamp, { replace: true });
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
  writeDocs(db, 'categories', categoryRows(data.categories), stamp);
  tombstone(db, 'catalog_items', data.deletes, stamp);
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

const promotionRows = (promotions: unknown[]): DocWrite[] =>
  promotions.map((p) => ({ id: idOf(p, 'id')!, doc: p }));

export function applyPromotionsSnapshot(db: Db, data: { promotions: unknown[] }): number {
  validatePromotions(data.promotions);
  const stamp = nextStamp(db);
  writeDocs(db, 'promotions', promotionRows(data.promotions), stamp, { replace: true });
  return stamp;
}

export function applyPromotionsDelta(db: Db, data: { upserts: unknown[]; deletes: string[] }): number {
  validatePromotions(data.upserts);
  const stamp = nextStamp(db);
  writeDocs(db, 'promotions', promotionRows(data.upserts), stamp);
  tombstone(db, 'promotions', data.deletes, stamp);
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
  // Replaces all rows atomically (§6.3): every stored row the table leaves out is deleted.
  writeDocs(
    db,
    'tax_rows',
    data.tax_table.map((raw) => {
      const t = raw as { tax_code: string; retailer_tax_level_id: string };
      return {
        id: `${t.tax_code}/${t.retailer_tax_level_id}`,
        tax_code: t.tax_code,
        retailer_tax_level_id: t.retailer_tax_level_id,
        doc: raw,
      };
    }),
    stamp,
    { replace: true },
  );
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
  writeStoreConfig(db, { ...data.config, config_version: data.config_version }, data.config_version, stamp);
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
