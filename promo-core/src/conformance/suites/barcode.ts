/**
 * The "barcode" conformance suite (shared/conformance/README.md): a store (scan instant,
 * variable-measure layouts), a catalogue in the wire format, and scans with their expected
 * resolution or error. Cases run through the public API (`CatalogIndex.build`, `resolveScan`).
 */
import { z } from 'zod';
import {
  CatalogIndex,
  SYMBOLOGIES,
  barcodeConfigSchema,
  formatMoney,
  parseDecimal,
  resolveScan,
  scanErrorClass,
} from '../../index';
import type { ScanOutcome } from '../../index';
import type { CaseResult } from '../types';

const expectedSchema = z
  .object({
    /** A refusal code of the barcode README, or its class in the shared format (MALFORMED, …). */
    error: z.string().optional(),
    item_id: z.string().optional(),
    quantity: z.number().optional(),
    weight_g: z.number().nullable().optional(),
    unit_price: z.string().optional(),
    line_price: z.string().optional(),
    expiry: z.string().nullable().optional(),
    expiry_time: z.string().nullable().optional(),
    batch: z.string().nullable().optional(),
    requires_verification: z.boolean().optional(),
    minimum_age_required: z.number().nullable().optional(),
  })
  .loose();

const fileSchema = z.object({
  suite: z.literal('barcode'),
  schema_version: z.literal(1),
  store: z
    .object({
      now: z.string(),
      timezone: z.string().optional(),
      currency_exponent: z.number().int().min(0).max(4).optional(),
    })
    .loose(),
  catalog: z.array(z.unknown()),
  catalog_identifiers: z.array(z.unknown()).optional(),
  cases: z.array(z.unknown()),
});

const caseSchema = z.object({
  id: z.string(),
  notes: z.string().optional(),
  code: z.string(),
  symbology: z.enum(SYMBOLOGIES).nullable().optional(),
  expected: expectedSchema,
});

export function runBarcodeSuite(doc: unknown, file: string): CaseResult[] {
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success) {
    return [
      {
        id: file,
        passed: false,
        diff: parsed.error.issues.map((i) => `case file: ${i.path.join('.')}: ${i.message}`),
      },
    ];
  }
  const f = parsed.data;
  const exponent = f.store.currency_exponent ?? 2;
  const config = barcodeConfigSchema.safeParse(f.store);
  if (!config.success) {
    return [
      {
        id: file,
        passed: false,
        diff: config.error.issues.map((i) => `store: ${i.path.join('.')}: ${i.message}`),
      },
    ];
  }
  // Case files list only what a case needs; a catalogue price the scan never uses may be left out.
  const items = f.catalog.map((it) =>
    it && typeof it === 'object' && !('base_price' in it)
      ? { ...it, base_price: (it as { price_per_unit_measure?: unknown }).price_per_unit_measure ?? '0' }
      : it,
  );
  const { index, issues } = CatalogIndex.build(
    { items, catalog_identifiers: f.catalog_identifiers ?? [] },
    { exponent },
  );
  // A bad catalogue entry fails the file once; the cases still run against the rest.
  const catalogResult: CaseResult[] =
    issues.length > 0
      ? [
          {
            id: `${file} catalog`,
            passed: false,
            diff: issues.map((i) => `catalog[${i.index}] ${i.path}: ${i.message}`),
          },
        ]
      : [];
  const ctx = { now: f.store.now, ...(f.store.timezone !== undefined && { timezone: f.store.timezone }) };
  const results = f.cases.map((raw, i) => {
    const pc = caseSchema.safeParse(raw);
    if (!pc.success) {
      const id = raw && typeof raw === 'object' && 'id' in raw ? String(raw.id) : `cases[${i}]`;
      return {
        id,
        passed: false,
        diff: pc.error.issues.map((e) => `case: ${e.path.join('.')}: ${e.message}`),
      };
    }
    const c = pc.data;
    const out = resolveScan(c.code, c.symbology ?? null, index, config.data, ctx);
    return { id: c.id, ...compare(c.expected, out, exponent) };
  });
  return [...catalogResult, ...results];
}

function compare(
  exp: z.infer<typeof expectedSchema>,
  out: ScanOutcome,
  exponent: number,
): { passed: boolean; diff: string[] } {
  const diff: string[] = [];
  if (exp.error !== undefined) {
    const got = out.ok ? `item ${out.resolution.item.item_id}` : out.error.code;
    // A case may name the exact refusal (README of promo-core/conformance/barcode) or, as the
    // shared format does, its class: MALFORMED covers the GS1_* codes, ZERO_WEIGHT, ….
    const cls = out.ok ? null : scanErrorClass(out.error.code);
    if (got !== exp.error && cls !== exp.error)
      diff.push(`expected error ${exp.error}, got ${got}${out.ok ? '' : ` (${out.error.message})`}`);
    return { passed: diff.length === 0, diff };
  }
  if (!out.ok) {
    diff.push(`expected a resolution, got error ${out.error.code}: ${out.error.message}`);
    return { passed: false, diff };
  }
  const r = out.resolution;
  const actual: Record<string, unknown> = {
    item_id: r.item.item_id,
    quantity: r.quantity,
    weight_g: r.weight_g,
    unit_price: formatMoney(r.unit_price, exponent),
    line_price: formatMoney(r.line_price, exponent),
    expiry: r.expiry,
    expiry_time: r.expiry_time,
    batch: r.batch,
    requires_verification: r.requires_verification,
    minimum_age_required: r.minimum_age_required,
  };
  for (const [k, v] of Object.entries(exp)) {
    if (k === 'error' || !(k in actual)) continue;
    let want = v;
    // Money is compared as amounts, so "6.5" and "6.50" are the same expectation.
    if ((k === 'unit_price' || k === 'line_price') && typeof v === 'string') {
      try {
        want = formatMoney(parseDecimal(v, exponent), exponent);
      } catch {
        // leave as written: it will show up as a difference
      }
    }
    if (actual[k] !== want)
      diff.push(`${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(actual[k])}`);
  }
  return { passed: diff.length === 0, diff };
}
