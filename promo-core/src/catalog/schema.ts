/**
 * The catalogue as it arrives from HQ (spec/store.md §1.2): zod schemas for the wire form
 * (original field names, money as decimal strings) and the normalised model with money in
 * integer minor units. One schema per boundary; the types are inferred from it.
 */
import { z } from 'zod';
import { DecimalFormatError, parseDecimal } from '../money';

/** A non-negative decimal amount as sent on the wire ("18.90"); safe integers are accepted too. */
const decimalText = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = typeof v === 'number' ? String(v) : v.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: `expected a non-negative decimal, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return text;
});

/** Per-language text: `{ "en": "Milk", "fr": "Lait" }`. */
const localisedText = z.record(z.string().min(2).max(16), z.string());

export const unitOfMeasureSchema = z.enum(['each', 'kg', 'l']);
export type UnitOfMeasure = z.infer<typeof unitOfMeasureSchema>;

export const itemTypeSchema = z.enum(['REGULAR', 'WITH_ADDONS', 'ADDON', 'COMBO']);
export type ItemType = z.infer<typeof itemTypeSchema>;

/** A category code used by promotion rules: level c1..c7 and the code at that level. */
export const promoCategorySchema = z.object({
  name: z.enum(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']),
  value: z.string().min(1).max(128),
});
export type PromoCategory = z.infer<typeof promoCategorySchema>;

export const categoryInputSchema = z.object({
  category_id: z.string().min(1).max(128),
  parent_id: z.string().min(1).max(128).nullable().default(null),
  name: z.string().default(''),
  names: localisedText.default({}),
  retailer_category_id: z.string().min(1).max(128).nullable().default(null),
  requires_approval: z.boolean().default(false),
  excluded_from_promotions: z.boolean().default(false),
});
export type Category = z.output<typeof categoryInputSchema>;

/** Barcode text: printable, no control characters; sanitising scanner output is the barcode module's job. */
const code = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'a code is printable ASCII without spaces');

export const itemInputSchema = z
  .object({
    item_id: z.string().min(1).max(128),
    product_identifier: code,
    original_product_identifier: z.string().max(200).nullable().default(null),
    retailer_product_id: z.string().min(1).max(128).nullable().default(null),
    additional_barcodes: z.array(code).default([]),
    item_name: z.string().default(''),
    /** Names in further languages, keyed by BCP-47 tag. */
    names: localisedText.default({}),
    description: z.string().nullable().default(null),
    img: z.string().nullable().default(null),
    category_ids: z.array(z.string().min(1)).default([]),
    promo_categories: z.array(promoCategorySchema).default([]),
    base_price: decimalText,
    selling_price: decimalText.nullable().default(null),
    tax_code: z.string().min(1).max(64).nullable().default(null),
    vat_rate: decimalText.nullable().default(null),
    is_restricted: z.boolean().default(false),
    /** Not sellable at a self-checkout at all (assisted lanes only). */
    not_for_self_checkout: z.boolean().default(false),
    requires_approval: z.boolean().default(false),
    minimum_age_required: z.number().int().min(0).max(120).nullable().default(null),
    max_basket_qty: z.number().int().min(0).default(0),
    stock_quantity: z.number().int().nullable().default(null),
    is_item_sold: z.boolean().default(false),
    epc: z.string().nullable().default(null),
    item_type: itemTypeSchema.default('REGULAR'),
    addon_group_slugs: z.array(z.string().min(1)).default([]),
    deposit_item_id: z.string().min(1).nullable().default(null),
    unit_of_measure: unitOfMeasureSchema.default('each'),
    price_per_unit_measure: decimalText.nullable().default(null),
    /** Units in one sellable pack (a six-pack is 6); prices are per pack. */
    pack_size: z.number().int().min(1).default(1),
    is_refundable: z.boolean().default(true),
    allow_price_override: z.boolean().default(false),
    excluded_from_promotions: z.boolean().default(false),
    is_deposit: z.boolean().default(false),
    soft_deleted: z.boolean().default(false),
    catalog_version: z.number().int().min(0).default(0),
  })
  .superRefine((item, ctx) => {
    if (item.unit_of_measure !== 'each' && item.price_per_unit_measure === null) {
      // A weighed item without a per-kg price cannot be priced from a weight barcode.
      ctx.addIssue({
        code: 'custom',
        path: ['price_per_unit_measure'],
        message: `required when unit_of_measure is ${item.unit_of_measure}`,
      });
    }
  });
export type ItemInput = z.input<typeof itemInputSchema>;
type ItemWire = z.output<typeof itemInputSchema>;

/** A code that maps to several items (drinks station QR): the shopper chooses (§1.2, §1.9 rule 5). */
export const catalogIdentifierSchema = z.object({
  code,
  item_ids: z.array(z.string().min(1)).min(1),
  name: z.string().default(''),
});
export type CatalogIdentifier = z.output<typeof catalogIdentifierSchema>;

/** A catalogue item with money in integer minor units of the store currency. */
export interface Item extends Omit<
  ItemWire,
  'base_price' | 'selling_price' | 'price_per_unit_measure' | 'vat_rate'
> {
  base_price: bigint;
  /** Defaults to base_price (the engine's sp). */
  selling_price: bigint;
  /** Minor units per kg or per litre for variable-measure items. */
  price_per_unit_measure: bigint | null;
  /** Fixed VAT rate in basis points when the retailer sends one instead of a tax code. */
  vat_rate_bp: bigint | null;
}

export const catalogInputSchema = z.object({
  items: z.array(z.unknown()),
  categories: z.array(categoryInputSchema).default([]),
  catalog_identifiers: z.array(catalogIdentifierSchema).default([]),
  version: z.number().int().min(0).default(0),
});

/** Wire item → model item. Throws `DecimalFormatError` when a price has more decimals than the currency. */
export function normaliseItem(wire: ItemWire, exponent: number): Item {
  const money = (v: string): bigint => parseDecimal(v, exponent);
  return {
    ...wire,
    base_price: money(wire.base_price),
    selling_price: wire.selling_price === null ? money(wire.base_price) : money(wire.selling_price),
    price_per_unit_measure: wire.price_per_unit_measure === null ? null : money(wire.price_per_unit_measure),
    vat_rate_bp: wire.vat_rate === null ? null : parseDecimal(wire.vat_rate, 2),
  };
}

export interface ItemIssue {
  index: number;
  path: string;
  message: string;
}

export type ParseItemResult = { ok: true; item: Item } | { ok: false; issues: ItemIssue[] };

/** Validates and normalises one wire item; never throws. */
export function parseItem(input: unknown, exponent = 2, index = 0): ParseItemResult {
  const r = itemInputSchema.safeParse(input);
  if (!r.success) {
    return {
      ok: false,
      issues: r.error.issues.map((i) => ({ index, path: i.path.join('.'), message: i.message })),
    };
  }
  try {
    return { ok: true, item: normaliseItem(r.data, exponent) };
  } catch (err) {
    if (err instanceof DecimalFormatError) {
      return { ok: false, issues: [{ index, path: '', message: err.message }] };
    }
    throw err;
  }
}
