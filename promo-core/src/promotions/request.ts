/**
 * The evaluate request (spec §4.1) with the original's aliases, validated and turned into
 * units (§6.1, §11.1).
 */
import { z } from 'zod';
import { parseDecimal } from '../money';
import { equalSplit } from './primitives';
import type { Unit } from './types';

const money = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = (typeof v === 'number' ? String(v) : v).trim();
  if (!/^\d{1,8}(\.\d+)?$/.test(text)) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a non-negative price with at most 8 integer digits, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return text;
});

const weight = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = (typeof v === 'number' ? String(v) : v).trim();
  if (!/^\d+(\.\d{1,3})?$/.test(text) || !/[1-9]/.test(text)) {
    ctx.addIssue({
      code: 'custom',
      message: `weight must be > 0 with at most 3 decimals, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return text;
});

const categorySchema = z.object({
  name: z.string(),
  value: z.union([z.string(), z.number()]).transform(String),
});

const qtySchema = z.union([
  z.number().int().min(0),
  z
    .string()
    .regex(/^\d+$/, 'qty must be a non-negative integer')
    .transform((s) => Number(s)),
]);

export const basketItemSchema = z
  .object({
    id: z.unknown().optional(),
    item_id: z.unknown().optional(),
    sku: z.string().min(1),
    barcode: z.string().nullable().optional(),
    mrp: money.optional(),
    sp: money,
    qty: qtySchema.optional(),
    qty_or_weight: qtySchema.optional(),
    weight: weight.optional(),
    pack_size: z.number().int().min(1).optional(),
    units: z.number().int().min(1).optional(),
    uom: z.string().nullable().optional(),
    item_type: z.enum(['REGULAR', 'WITH_ADDONS']).default('REGULAR'),
    item_addons: z.unknown().optional(),
    categories: z.array(categorySchema).optional(),
    catgories: z.array(categorySchema).optional(),
  })
  .passthrough()
  .refine((i) => i.qty !== undefined || i.qty_or_weight !== undefined, {
    message: 'qty is required',
    path: ['qty'],
  });

const groupQualifierSchema = z.object({
  input: z.string().nullable().default(null),
  qualifier_ids: z.array(z.string()).default([]),
  max_application_limit: z
    .union([z.number().int().min(0), z.string().regex(/^\d+$/).transform(Number)])
    .nullable()
    .optional(),
  promo_override: z.unknown().nullable().optional(),
});

const programSchema = z.object({
  program_name: z.string(),
  program_title: z.string().nullable().default(null),
  group_qualifiers: z.array(groupQualifierSchema).default([]),
});

/** Qualifier programs on their own (for requests built in-process, see `evaluateBuilt`). */
export const programsSchema = z.array(programSchema);

export const evaluateRequestSchema = z
  .object({
    store_id: z.string().min(1),
    customer_id: z.string().nullable().default(null),
    is_guest_user: z.boolean().default(false),
    version: z.string().optional(),
    evaluation_time: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO-8601 instant' })
      .optional(),
    store_timezone: z.string().optional(),
    special_promos: z.array(programSchema).optional(),
    special_promos_info: z.array(programSchema).optional(),
    tenant_flags: z
      .object({
        apply_zero_discount_promos: z.boolean().default(false),
        max_basket_promos_per_layer: z.number().int().min(0).nullable().default(null),
      })
      .optional(),
    basket: z
      .object({
        id: z.unknown().optional(),
        items: z.array(basketItemSchema).default([]),
      })
      .passthrough(),
    promotions: z.array(z.unknown()).optional(),
  })
  .passthrough();

export type EvaluateRequestInput = z.input<typeof evaluateRequestSchema>;
export type EvaluateRequest = z.output<typeof evaluateRequestSchema>;
export type BasketItem = z.output<typeof basketItemSchema>;
export type Program = z.output<typeof programSchema>;

export interface LineInfo {
  item: BasketItem;
  sp: bigint;
  mrp: bigint;
  qty: number;
  packSize: number;
  categories: { name: string; value: string }[];
}

/** Whether a category name is one of the types c1 … c7 (the test /^c[1-7]$/). */
function isCategoryType(name: string): boolean {
  if (name.length !== 2 || name.charCodeAt(0) !== 99 /* c */) return false;
  const d = name.charCodeAt(1);
  return d >= 49 && d <= 55; // '1' … '7'
}

/**
 * Category keys by the category list they were read from, for requests built in-process
 * (`evaluateBuilt`): priceBasket passes the catalog's own per-item list, the same array on
 * every evaluation, so its keys (strings and their array) are read once per item, not once
 * per line and evaluation. Such lists are not changed once handed over; a WeakMap lets
 * them go with the catalog.
 */
const keysByCategories = new WeakMap<object, string[]>();

function categoryKeysOf(categories: { name: string; value: string }[]): string[] {
  let keys = 0;
  for (const c of categories) if (isCategoryType(c.name)) keys++;
  const out: string[] = new Array(keys);
  for (let i = 0, k = 0; k < keys; i++) {
    const c = categories[i]!;
    if (isCategoryType(c.name)) out[k++] = `${c.name}:${c.value}`;
  }
  return out;
}

/**
 * Units of every line in basket order; packs unfold into single units (§11.1).
 * `shareCategoryKeys`: the lines' category lists are the caller's and unchanging (see keysByCategories).
 */
export function buildUnits(
  items: BasketItem[],
  exponent = 2,
  shareCategoryKeys = false,
): { units: Unit[]; lines: LineInfo[] } {
  // both arrays at their exact size (push grows by spare capacity and copies as it goes)
  let count = 0;
  for (const item of items)
    count += (item.qty ?? item.qty_or_weight ?? 0) * (item.pack_size ?? item.units ?? 1);
  const units: Unit[] = new Array(count);
  const lines: LineInfo[] = new Array(items.length);
  let idx = 0;
  for (let lineIndex = 0; lineIndex < items.length; lineIndex++) {
    const item = items[lineIndex]!;
    const qty = item.qty ?? item.qty_or_weight ?? 0;
    const packSize = item.pack_size ?? item.units ?? 1;
    const sp = parseDecimal(item.sp, exponent);
    // parsing is pure: the same text twice (MRP = SP) or the usual weight "1" needs no second
    // parse (each one allocates the regular expression's match)
    const mrp = item.mrp === undefined || item.mrp === item.sp ? sp : parseDecimal(item.mrp, exponent);
    const weightMilli =
      item.weight === undefined || item.weight === '1' ? 1000n : parseDecimal(item.weight, 3);
    const categories = item.categories ?? item.catgories ?? [];
    // a loop and a character test rather than filter, map and a regular expression per line
    // (the expression's match state was the larger part of this function's allocation)
    let categoryKeys: string[];
    if (shareCategoryKeys && categories.length > 0) {
      const known = keysByCategories.get(categories);
      if (known) categoryKeys = known;
      else keysByCategories.set(categories, (categoryKeys = categoryKeysOf(categories)));
    } else categoryKeys = categoryKeysOf(categories);
    lines[lineIndex] = { item, sp, mrp, qty, packSize, categories };
    const spParts = packSize > 1 ? equalSplit(sp, packSize) : null;
    const mrpParts = packSize > 1 ? equalSplit(mrp, packSize) : null;
    let k = 0;
    for (let pack = 1; pack <= qty; pack++) {
      for (let u = 0; u < packSize; u++) {
        k++;
        units[idx] = {
          idx,
          k,
          pack,
          lineIndex,
          sku: item.sku,
          mrp: mrpParts ? mrpParts[u]! : mrp,
          sp: spParts ? spParts[u]! : sp,
          weightMilli,
          categoryKeys,
        };
        idx++;
      }
    }
  }
  return { units, lines };
}
