/**
 * Validation of what HQ publishes, with promo-core (the one pricing core): every row is checked
 * and every rejected row reported; a document with any rejected row is not published (as the
 * hub's import, all or nothing). Inputs are the hub's import formats: JSON sections
 * (`items`/`categories`, `promotions`, `tax_table`) or one CSV file per kind.
 */
import { itemFromCsvRow, parseItem, taxTableRowSchema, validatePromotions } from '@kassa/promo-core';
import { parse as parseCsv } from 'csv-parse/sync';

export type PublishStream = 'catalog' | 'promotions' | 'tax';

export interface RejectedRow {
  section: string;
  index: number;
  id?: string;
  path: string;
  message: string;
}

export interface ValidationReport {
  accepted: number;
  rejected: RejectedRow[];
}

export interface PublishDocument {
  items?: unknown[];
  categories?: unknown[];
  promotions?: unknown[];
  tax_table?: unknown[];
}

/** A CSV file as the section it holds (items for the catalogue, rows for the tax table). */
export function documentFromCsv(stream: PublishStream, text: string): PublishDocument {
  if (stream === 'promotions') throw new CsvError('promotions are published as JSON (spec/promotions.md §3)');
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: false, bom: true }) as Record<
      string,
      string
    >[];
  } catch (err) {
    throw new CsvError(`the CSV cannot be read: ${(err as Error).message}`);
  }
  return stream === 'catalog'
    ? { items: rows.map(itemFromCsvRow) }
    : { tax_table: rows.map((r) => ({ ...r })) };
}

export class CsvError extends Error {}

const idOf = (doc: unknown, field: string): string | undefined => {
  const v = (doc as Record<string, unknown> | null)?.[field];
  return typeof v === 'string' ? v : undefined;
};

export function validateCatalog(doc: PublishDocument, exponent: number): ValidationReport {
  const rejected: RejectedRow[] = [];
  const items = doc.items ?? [];
  const codeOwner = new Map<string, string>();
  const ids = new Set<string>();
  items.forEach((raw, index) => {
    const r = parseItem(raw, exponent, index);
    const id = idOf(raw, 'item_id');
    if (!r.ok) {
      for (const i of r.issues)
        rejected.push({ section: 'items', index, ...(id ? { id } : {}), path: i.path, message: i.message });
      return;
    }
    if (ids.has(r.item.item_id)) {
      rejected.push({
        section: 'items',
        index,
        id: r.item.item_id,
        path: 'item_id',
        message: 'duplicate item_id in this file',
      });
      return;
    }
    ids.add(r.item.item_id);
    const codes = [
      r.item.product_identifier,
      ...(((raw as Record<string, unknown>).additional_barcodes as string[]) ?? []),
    ];
    for (const c of codes) {
      const owner = codeOwner.get(c);
      if (owner !== undefined && owner !== r.item.item_id)
        rejected.push({
          section: 'items',
          index,
          id: r.item.item_id,
          path: 'product_identifier',
          message: `barcode ${c} is also item ${owner}'s`,
        });
      else codeOwner.set(c, r.item.item_id);
    }
  });
  (doc.categories ?? []).forEach((c, index) => {
    if (!idOf(c, 'category_id'))
      rejected.push({ section: 'categories', index, path: 'category_id', message: 'required' });
  });
  return {
    accepted:
      items.length +
      (doc.categories?.length ?? 0) -
      new Set(rejected.map((r) => `${r.section}:${r.index}`)).size,
    rejected,
  };
}

export function validatePromotionDocs(doc: PublishDocument, exponent: number): ValidationReport {
  const docs = doc.promotions ?? [];
  const r = validatePromotions(docs, exponent);
  const rejected: RejectedRow[] = r.ok
    ? []
    : r.issues.map((i) => {
        const m = /^\[(\d+)\]\.?(.*)$/.exec(i.path);
        const index = m ? Number(m[1]) : -1;
        const id = index >= 0 ? idOf(docs[index], 'id') : undefined;
        return {
          section: 'promotions',
          index,
          ...(id ? { id } : {}),
          path: m ? m[2]! : i.path,
          message: i.message,
        };
      });
  return { accepted: docs.length - new Set(rejected.map((x) => x.index)).size, rejected };
}

export function validateTaxTable(doc: PublishDocument): ValidationReport {
  const rows = doc.tax_table ?? [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const r = taxTableRowSchema.safeParse(row);
    if (!r.success) {
      for (const i of r.error.issues)
        rejected.push({ section: 'tax_table', index, path: i.path.join('.'), message: i.message });
      return;
    }
    const key = `${r.data.tax_code}\u0000${r.data.retailer_tax_level_id}`;
    const prev = seen.get(key);
    if (prev !== undefined)
      rejected.push({
        section: 'tax_table',
        index,
        id: r.data.tax_code,
        path: 'retailer_tax_level_id',
        message: `duplicate level ${r.data.retailer_tax_level_id} for tax code ${r.data.tax_code} (also row ${prev})`,
      });
    else seen.set(key, index);
  });
  return { accepted: rows.length - new Set(rejected.map((x) => x.index)).size, rejected };
}

export function validateDocument(
  stream: PublishStream,
  doc: PublishDocument,
  exponent: number,
): ValidationReport {
  if (stream === 'catalog') return validateCatalog(doc, exponent);
  if (stream === 'promotions') return validatePromotionDocs(doc, exponent);
  return validateTaxTable(doc);
}

/** The document id per stream (for deltas and the live copy HQ keeps). */
export function docId(stream: PublishStream, doc: unknown, index: number): string {
  if (stream === 'catalog') return idOf(doc, 'item_id') ?? `#${index}`;
  if (stream === 'promotions') return idOf(doc, 'id') ?? `#${index}`;
  const d = doc as Record<string, unknown>;
  return `${String(d.tax_code)}/${String(d.retailer_tax_level_id)}`;
}
