/**
 * First-setup import: catalogue, categories, promotions, tax table, store config and staff from
 * one JSON file, or one CSV file per kind. All-or-nothing per file: every row is validated first
 * (promotions by promo-core's engine), and if any row is rejected nothing is written and the
 * report lists the rejected rows.
 */
import argon2 from 'argon2';
import { parse as parseCsv } from 'csv-parse/sync';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { itemFromCsvRow } from '@kassa/promo-core';
import type { Db } from '../../platform/db/database';
import { nextStamp } from '../../platform/db/database';
import {
  validateBarcodeConfig,
  validateItem,
  validatePromotionDocs,
  validateTaxConfig,
  validateTaxRow,
} from './pricing';
import { storeConfigSchema } from './store-config';
import { writeDocs, writeItems, writeStoreConfig } from './write';
import { newId } from '../../platform/ids';
import { Audit } from '../audit/service';
import type { Permission } from '../console-auth/permissions';
import { PERMISSIONS } from '../console-auth/permissions';
import { hashStaffAccess, staffAccessInputShape, upsertStaffAccess } from '../console-auth/service';

export const staffInputSchema = z.object({
  user_id: z.string().min(1).max(64).optional(),
  username: z.string().min(1).max(64),
  display_name: z.string().max(100).default(''),
  pin: z.string().regex(/^\d{4,8}$/, 'a PIN of 4–8 digits'),
  // Every §1.1 flag (console modules check them on the hub); unknown flags are refused.
  permissions: z
    .object(
      Object.fromEntries(PERMISSIONS.map((p) => [p, z.boolean().default(false)])) as Record<
        Permission,
        z.ZodDefault<z.ZodBoolean>
      >,
    )
    .strict()
    .default(Object.fromEntries(PERMISSIONS.map((p) => [p, false])) as Record<Permission, boolean>),
  // The staff console's fields (issue 12), kept in its own staff_access table.
  ...staffAccessInputShape,
});

const categoryDocSchema = z.object({ category_id: z.string().min(1).max(128) }).passthrough();

export interface Rejected {
  section: string;
  index: number;
  id?: string;
  path: string;
  message: string;
}

export interface ImportReport {
  file: string;
  applied: boolean;
  counts: Record<string, number>;
  rejected: Rejected[];
  warnings: string[];
}

export interface ImportDoc {
  /**
   * Sections that replace what is stored (`true`: every list section in the file): stored rows
   * the file leaves out become tombstones, which kiosks replicate as `_deleted`. Without it an
   * import adds and updates only, so a file with one item changes that item alone.
   */
  replace?: unknown;
  store_config?: unknown;
  categories?: unknown[];
  items?: unknown[];
  promotions?: unknown[];
  tax_table?: unknown[];
  staff?: unknown[];
}

/** Reads an import file. JSON: `{store_config?, categories?, items?, promotions?, tax_table?, staff?}`. CSV: kind from the name (items*.csv, tax*.csv) or `kind`. */
export function readImportFile(file: string, kind?: 'items' | 'tax_table'): ImportDoc {
  const text = fs.readFileSync(file, 'utf8');
  if (file.toLowerCase().endsWith('.csv')) {
    const base = path.basename(file).toLowerCase();
    const k =
      kind ??
      (base.startsWith('tax')
        ? 'tax_table'
        : base.startsWith('item') || base.startsWith('catalog')
          ? 'items'
          : undefined);
    if (!k) throw new Error(`cannot tell what ${base} holds: name it items*.csv or tax*.csv, or pass --kind`);
    const rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: false, bom: true }) as Record<
      string,
      string
    >[];
    return k === 'items' ? { items: rows.map(itemFromCsvRow) } : { tax_table: rows.map((r) => ({ ...r })) };
  }
  const doc = JSON.parse(text) as unknown;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new Error('an import JSON file must be an object');
  return doc as ImportDoc;
}

/** Who imported (the audit row): a staff member over the API, or the command line on the hub's machine. */
export interface ImportedBy {
  staff: { user_id: string; username: string } | null;
  via: 'cli' | 'api';
}

export async function importDoc(
  db: Db,
  doc: ImportDoc,
  file = '(request)',
  by: ImportedBy = { staff: null, via: 'cli' },
): Promise<ImportReport> {
  const rejected: Rejected[] = [];
  const warnings: string[] = [];
  const known = new Set([
    'replace',
    'store_config',
    'categories',
    'items',
    'promotions',
    'tax_table',
    'staff',
  ]);
  for (const k of Object.keys(doc)) if (!known.has(k)) warnings.push(`unknown section "${k}" ignored`);
  const replace = replaceSections(doc, rejected);
  const arr = (name: keyof ImportDoc): unknown[] => {
    const v = doc[name];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      rejected.push({ section: name, index: -1, path: '', message: 'must be an array' });
      return [];
    }
    return v;
  };

  // store config
  let config: z.output<typeof storeConfigSchema> | null = null;
  if (doc.store_config !== undefined) {
    const r = storeConfigSchema.safeParse(doc.store_config);
    if (!r.success) {
      for (const i of r.error.issues)
        rejected.push({ section: 'store_config', index: 0, path: i.path.join('.'), message: i.message });
    } else {
      config = r.data;
      const taxErr = validateTaxConfig(config.tax);
      if (taxErr) rejected.push({ section: 'store_config', index: 0, path: 'tax', message: taxErr });
      const bcErr = validateBarcodeConfig(config.barcodes);
      if (bcErr) rejected.push({ section: 'store_config', index: 0, path: 'barcodes', message: bcErr });
    }
  }
  const exponent =
    config?.currency_exponent ??
    (
      db
        .prepare(`SELECT json_extract(doc, '$.currency_exponent') AS e FROM store_config WHERE id='store'`)
        .get() as { e: number | null } | undefined
    )?.e ??
    2;

  const categories = arr('categories');
  categories.forEach((c, index) => {
    const r = categoryDocSchema.safeParse(c);
    if (!r.success)
      rejected.push({
        section: 'categories',
        index,
        path: r.error.issues[0]?.path.join('.') ?? '',
        message: r.error.issues[0]?.message ?? 'invalid',
      });
  });

  // items: validate each, then check code uniqueness within the file and against the stored catalogue
  const items = arr('items');
  const itemRows: {
    item_id: string;
    product_identifier: string;
    retailer_product_id: string | null;
    codes: string[];
    doc: unknown;
  }[] = [];
  const codeOwner = new Map<string, string>();
  items.forEach((raw, index) => {
    const r = validateItem(raw, index, exponent);
    if (!r.ok) {
      for (const i of r.issues)
        rejected.push({
          section: 'items',
          index,
          id: idOf(raw, 'item_id'),
          path: i.path,
          message: i.message,
        });
      return;
    }
    const it = r.item;
    const codes = [it.product_identifier, ...it.additional_barcodes];
    for (const c of codes) {
      const other = codeOwner.get(c);
      if (other !== undefined && other !== it.item_id) {
        rejected.push({
          section: 'items',
          index,
          id: it.item_id,
          path: 'product_identifier',
          message: `code ${c} is already used by item ${other} in this file`,
        });
        return;
      }
    }
    for (const c of codes) codeOwner.set(c, it.item_id);
    itemRows.push({
      item_id: it.item_id,
      product_identifier: it.product_identifier,
      retailer_product_id: it.retailer_product_id,
      codes,
      doc: raw,
    });
  });
  const storedOwner = db.prepare(`SELECT item_id FROM item_codes WHERE code = ?`);
  const importedIds = new Set(itemRows.map((r) => r.item_id));
  for (const [code, owner] of codeOwner) {
    const row = storedOwner.get(code) as { item_id: string } | undefined;
    // A replacing import deletes every stored item it leaves out, and their codes with them.
    if (row && row.item_id !== owner && !importedIds.has(row.item_id) && !replace.has('items')) {
      const index = items.findIndex((x) => idOf(x, 'item_id') === owner);
      rejected.push({
        section: 'items',
        index,
        id: owner,
        path: 'product_identifier',
        message: `code ${code} already belongs to stored item ${row.item_id}`,
      });
    }
  }

  const taxRows = arr('tax_table');
  taxRows.forEach((raw, index) => {
    const r = validateTaxRow(raw);
    if (!r.ok) rejected.push({ section: 'tax_table', index, path: '', message: r.message });
  });
  const seenTax = new Set<string>();
  taxRows.forEach((raw, index) => {
    const t = raw as { tax_code?: string; retailer_tax_level_id?: string };
    const k = `${t.tax_code}/${t.retailer_tax_level_id}`;
    if (seenTax.has(k))
      rejected.push({
        section: 'tax_table',
        index,
        path: 'retailer_tax_level_id',
        message: `duplicate level ${k}`,
      });
    seenTax.add(k);
  });

  const promotions = arr('promotions');
  if (promotions.length > 0) {
    const v = validatePromotionDocs(promotions);
    for (const i of v.issues)
      rejected.push({
        section: 'promotions',
        index: i.index,
        id: idOf(promotions[i.index], 'id'),
        path: i.path,
        message: i.message,
      });
    promotions.forEach((p, index) => {
      if (!idOf(p, 'id'))
        rejected.push({ section: 'promotions', index, path: 'id', message: 'a promotion needs an id' });
    });
  }

  const staffIn = arr('staff');
  const staff: z.output<typeof staffInputSchema>[] = [];
  staffIn.forEach((raw, index) => {
    const r = staffInputSchema.safeParse(raw);
    if (!r.success)
      for (const i of r.error.issues)
        rejected.push({ section: 'staff', index, path: i.path.join('.'), message: i.message });
    else staff.push(r.data);
  });

  const counts: Record<string, number> = {
    store_config: config ? 1 : 0,
    categories: categories.length,
    items: items.length,
    promotions: promotions.length,
    tax_table: taxRows.length,
    staff: staffIn.length,
  };
  if (rejected.length > 0) return { file, applied: false, counts, rejected, warnings };

  const staffHashed = await Promise.all(
    staff.map(async (s) => ({ ...s, pin_hash: await argon2.hash(s.pin), access: await hashStaffAccess(s) })),
  );

  db.transaction(() => {
    const stamp = nextStamp(db);
    if (config) writeStoreConfig(db, doc.store_config, config.config_version, stamp);
    if (categories.length > 0 || replace.has('categories'))
      writeDocs(
        db,
        'categories',
        categories.map((c) => ({ id: idOf(c, 'category_id')!, doc: c })),
        stamp,
        { replace: replace.has('categories') },
      );
    if (itemRows.length > 0 || replace.has('items'))
      writeItems(
        db,
        itemRows.map((r) => ({ ...r, deleted: (r.doc as { soft_deleted?: boolean }).soft_deleted === true })),
        stamp,
        { replace: replace.has('items') },
      );
    if (taxRows.length > 0 || replace.has('tax_table'))
      writeDocs(
        db,
        'tax_rows',
        taxRows.map((raw) => {
          const t = raw as { tax_code: string; retailer_tax_level_id: string };
          return {
            id: `${t.tax_code}/${t.retailer_tax_level_id}`,
            tax_code: t.tax_code,
            retailer_tax_level_id: t.retailer_tax_level_id,
            doc: raw,
          };
        }),
        stamp,
        { replace: replace.has('tax_table') },
      );
    if (promotions.length > 0 || replace.has('promotions'))
      writeDocs(
        db,
        'promotions',
        promotions.map((p) => ({ id: idOf(p, 'id')!, doc: p })),
        stamp,
        { replace: replace.has('promotions') },
      );
    const upStaff = db.prepare(
      `INSERT INTO staff_users(user_id, username, display_name, pin_hash, permissions) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(username) DO UPDATE SET display_name = excluded.display_name, pin_hash = excluded.pin_hash, permissions = excluded.permissions, active = 1`,
    );
    const staffId = db.prepare<[string], { user_id: string }>(
      `SELECT user_id FROM staff_users WHERE username = ?`,
    );
    for (const s of staffHashed) {
      upStaff.run(
        s.user_id ?? newId(),
        s.username,
        s.display_name,
        s.pin_hash,
        JSON.stringify(s.permissions),
      );
      upsertStaffAccess(db, staffId.get(s.username)!.user_id, s.access);
    }
    // In the import's own transaction: no import is applied without its audit row (issue 12).
    const what = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) =>
        k === 'store_config' ? 'the store config' : `${n} ${k === 'tax_table' ? 'tax rows' : k}`,
      )
      .join(', ');
    new Audit(db).write({
      staff: by.staff,
      device: by.via === 'cli' ? { device_id: 'cli', label: 'command line' } : null,
      action: 'catalog.import',
      subject: path.basename(file),
      what: `imported ${what || 'nothing'}${replace.size > 0 ? ` (replacing ${[...replace].join(', ')})` : ''}`,
      details: { file: path.basename(file), via: by.via, counts, replace: [...replace] },
    });
  }).immediate();
  return { file, applied: true, counts, rejected, warnings };
}

const REPLACEABLE = ['categories', 'items', 'promotions', 'tax_table'] as const;
const replaceSchema = z.union([z.boolean(), z.array(z.enum(REPLACEABLE))]).optional();

/** Which list sections replace what is stored (`replace: true` = those the file has). */
function replaceSections(doc: ImportDoc, rejected: Rejected[]): Set<string> {
  const r = replaceSchema.safeParse(doc.replace);
  if (!r.success) {
    rejected.push({
      section: 'replace',
      index: 0,
      path: '',
      message: `replace must be true or a list of ${REPLACEABLE.join(', ')}`,
    });
    return new Set();
  }
  if (r.data === true) return new Set(REPLACEABLE.filter((k) => doc[k] !== undefined));
  // Replacing a section the file does not have would delete all of it: refused, not guessed.
  for (const k of r.data || [])
    if (doc[k] === undefined)
      rejected.push({
        section: 'replace',
        index: 0,
        path: k,
        message: `replaces ${k} but the file has none`,
      });
  return new Set(r.data || []);
}

function idOf(v: unknown, key: string): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const x = (v as Record<string, unknown>)[key];
  return typeof x === 'string' && x.length > 0 ? x : undefined;
}
