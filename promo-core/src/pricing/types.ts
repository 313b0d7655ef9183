/**
 * THE CONTRACT of the one pricing pipeline (spec/store.md §1.3, §4.3, §4.4; spec/promotions.md §4):
 *
 *   priceBasket(basket: BasketInput | unknown, store: StoreData) → PricedBasket
 *
 * - `BasketInput` is the wire shape (snake_case, money as decimal strings), validated with
 *   `basketInputSchema`; the hub stores exactly this per basket.
 * - `StoreData` is the store's data version in memory: catalogue index, promotion set, tax table
 *   and configuration, barcode layouts. Build it once per data version and reuse it.
 * - `PricedBasket` carries money as bigint minor units (tax ledger values at 4 dp where named
 *   `…4`); `pricedBasketToJson` gives the canonical JSON (decimal strings) that hub, kiosk and
 *   cloud compare byte for byte.
 *
 * Pure and deterministic: the pipeline reads no clock (`evaluation_time` is part of the input),
 * and equal input + equal data version give equal output. This file changes only additively.
 */
import { z } from 'zod';
import type { BarcodeConfig, ScanErrorCode, ScanRule, Symbology } from '../barcodes/types';
import { SYMBOLOGIES } from '../barcodes/types';
import type { CatalogIndex } from '../catalog/catalog-index';
import type { RegulationIndex } from '../catalog/regulations';
import type { UnitOfMeasure } from '../catalog/schema';
import type { PromotionSet } from '../promotions/promotion-set';
import type { StoreTaxConfig, TaxExemption, TaxLevel } from '../tax';
import { KassaError } from '../errors';

// ---------------------------------------------------------------------------------------------
// Basket input (wire)

const money = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'a non-negative decimal string, e.g. "4.99"');
const percent = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'a percentage with at most 2 decimals, e.g. "12.50"');

/** Special lines created on the fly (§1.3 B8). Their price comes from `amount` or the item. */
export const LINE_KINDS = ['item', 'deposit', 'donation', 'tip', 'bag'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

/** Staff price override (§1.3 B7): a new unit price or a percentage off; the line leaves promotions. */
export const priceOverrideSchema = z
  .object({
    new_unit_price: money.optional(),
    percent_off: percent.optional(),
    reason: z.string().min(1).max(200),
    staff_user_id: z.string().min(1),
  })
  .refine((o) => (o.new_unit_price === undefined) !== (o.percent_off === undefined), {
    message: 'exactly one of new_unit_price and percent_off',
  });
export type PriceOverride = z.output<typeof priceOverrideSchema>;

/** A basket-level discount entered by staff or a coupon (§4.5): allocated to lines before tax. */
export const manualBasketDiscountSchema = z
  .object({
    id: z.string().min(1),
    label: z.string().default(''),
    amount: money.optional(),
    percent_off: percent.optional(),
    staff_user_id: z.string().min(1).nullable().default(null),
  })
  .refine((d) => (d.amount === undefined) !== (d.percent_off === undefined), {
    message: 'exactly one of amount and percent_off',
  });
export type ManualBasketDiscount = z.output<typeof manualBasketDiscountSchema>;

/** Snapshot of the item's prices when the line was added (§1.3: later catalogue changes do not alter it). */
export const priceSnapshotSchema = z.object({
  base_price: money,
  selling_price: money,
});

export const basketLineInputSchema = z
  .object({
    /** The basket line's stable id (basket_item_id); echoed on the priced line and on refusals. */
    line_id: z.string().min(1).max(128),
    /** Exactly what the scanner delivered; resolved with the store's barcode rules (§1.9). */
    scanned_code: z.string().min(1).max(512).optional(),
    symbology: z.enum(SYMBOLOGIES).optional(),
    /** Or the item directly (typed-in, picked from a list, created special line). */
    item_id: z.string().min(1).optional(),
    kind: z.enum(LINE_KINDS).default('item'),
    /** Counted units (packs for pack items). Default 1; a variable-measure scan fixes it to 1. */
    quantity: z.number().int().min(1).max(100000).optional(),
    /** Measured grams (or millilitres) for kg/l items weighed at the kiosk, when the code carries none. */
    weight_g: z.number().int().min(1).max(10_000_000).optional(),
    /** For donation/tip/bag lines without an item price, or an open-price item. */
    amount: money.optional(),
    price_override: priceOverrideSchema.optional(),
    price_snapshot: priceSnapshotSchema.optional(),
    /** Goods coming back (kiosk exchange, §1.3 B9): negative value, never discounted. */
    is_return_item: z.boolean().default(false),
    /** ADDON lines point at their parent line. */
    parent_line_id: z.string().min(1).nullable().default(null),
    /**
     * Staff waived the store's quantity limits (max_basket_qty, quantity regulations) for this
     * line, up to `max_quantity` units; its units still count against later lines.
     */
    limit_override: z
      .object({
        max_quantity: z.number().int().min(1).max(100000),
        reason: z.string().min(1).max(200),
        staff_user_id: z.string().min(1),
      })
      .optional(),
    /**
     * An item the catalogue does not know (its barcode in `scanned_code`), sold at the `amount`
     * staff entered; never offered to promotions.
     */
    manual_item: z
      .object({
        item_name: z.string().trim().min(1).max(200),
        tax_code: z.string().min(1).max(32),
        reason: z.string().min(1).max(200),
        staff_user_id: z.string().min(1),
      })
      .optional(),
  })
  .refine((l) => l.scanned_code !== undefined || l.item_id !== undefined, {
    message: 'a line needs scanned_code or item_id',
  })
  .refine((l) => l.manual_item === undefined || l.amount !== undefined, {
    message: 'a manual item needs its amount',
  });
export type BasketLineInput = z.input<typeof basketLineInputSchema>;
export type BasketLine = z.output<typeof basketLineInputSchema>;

export const basketInputSchema = z.object({
  basket_id: z.string().min(1),
  /** The pricing instant (promotion validity, expiry of scanned goods). ISO-8601 with zone. */
  evaluation_time: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 instant'),
  customer_id: z.string().nullable().default(null),
  /** Where the basket is sold: items flagged not_for_self_checkout are refused on self_checkout. */
  channel: z.enum(['self_checkout', 'assisted']).default('self_checkout'),
  /** Active programmes with qualifiers, passed to the promotions engine as-is (spec/promotions.md §4.1). */
  special_promos: z.array(z.unknown()).default([]),
  basket_discounts: z.array(manualBasketDiscountSchema).default([]),
  /** Staff tax mode switch (§1.3 B11): `{ apply_tax: false }` or an exemption programme id. */
  tax_mode_override: z
    .union([
      z.object({ apply_tax: z.literal(false) }),
      z.object({ exemption_program_id: z.string().min(1), reference: z.string().optional() }),
    ])
    .nullable()
    .default(null),
  lines: z.array(basketLineInputSchema).max(5000),
});
export type BasketInput = z.input<typeof basketInputSchema>;
export type Basket = z.output<typeof basketInputSchema>;

// ---------------------------------------------------------------------------------------------
// Store data (in memory, one data version)

export interface StoreData {
  store_id: string;
  /** IANA zone: promotion days/hours and expiry dates are store-local. */
  timezone: string;
  /** Minor units per major unit = 10^currency_exponent. Default 2. */
  currency_exponent?: number;
  catalog: CatalogIndex;
  /** Null = no promotions in this store (lines are priced without the engine). */
  promotions: PromotionSet | null;
  tax: {
    config: StoreTaxConfig;
    table: readonly TaxLevel[];
  };
  barcodes: BarcodeConfig;
  /** §1.3 B9: return lines are refused unless the store allows negative baskets. */
  allow_negative_basket?: boolean;
  /** §9.1: items needing an age check are refused (`RESTRICTED_AGE`) instead of raising a verification. */
  refuse_age_restricted?: boolean;
  /** The engine's SKU for an item: retailer_product_id (default, falling back to the barcode) or the barcode. */
  promotion_sku?: 'retailer_product_id' | 'product_identifier';
  /** Product regulations (quantity limits, verification) in force for this store. */
  regulations?: RegulationIndex;
  /** Opaque version label echoed on the result (e.g. "catalog:41/promos:17/tax:3"). */
  data_version?: string;
}

// ---------------------------------------------------------------------------------------------
// Priced basket (output)

export type RefusalCode =
  | ScanErrorCode
  | 'UNKNOWN_ITEM'
  | 'ITEM_ALREADY_SOLD'
  | 'RESTRICTED_AGE'
  | 'RESTRICTED_ITEM'
  | 'QUANTITY_RESTRICTED'
  | 'RETURN_NOT_ALLOWED'
  | 'WEIGHT_REQUIRED'
  | 'PRICE_REQUIRED'
  | 'OVERRIDE_NOT_ALLOWED'
  | 'INVALID_LINE';

/** A line that could not be priced; it is not in `lines` and adds nothing to the totals. */
export interface Refusal {
  line_id: string;
  code: RefusalCode;
  message: string;
  details: Record<string, unknown>;
}

/** What one promotion did to one line (an explanation row). */
export interface LinePromotion {
  promo_id: string;
  promo_id_retailer: string;
  title: string;
  family: string;
  layer: number;
  discount_apply_type: string;
  /** Units of the line this promotion discounted. */
  units: number;
  /** Total discount of this promotion on this line, minor units. */
  discount: bigint;
  /** `item` = the engine's per-unit discount; `basket` = a b/t promotion's total allocated by largest remainder. */
  level: 'item' | 'basket';
}

/** A basket-level discount's share on one line. */
export interface AllocatedDiscount {
  source: 'promotion' | 'manual';
  id: string;
  label: string;
  amount: bigint;
}

export type PriceSource =
  'catalog' | 'snapshot' | 'override' | 'markdown' | 'weight' | 'price_embedded' | 'amount';

export interface LineTax {
  tax_code: string | null;
  /** Payable amount handed to the tax engine, 4 dp (gross if prices include tax, net otherwise). */
  amount4: bigint;
  tax4: bigint;
  net4: bigint;
  gross4: bigint;
  /** This line's share of the basket's rounded tax; shares sum to `totals.total_tax`. */
  tax: bigint;
  levels: {
    retailer_tax_level_id: string;
    tax_level: string;
    tax_percent: string;
    exempt: boolean;
    tax4: bigint;
  }[];
}

export interface PricedLine {
  line_id: string;
  kind: LineKind;
  item_id: string;
  item_name: string;
  product_identifier: string;
  retailer_product_id: string | null;
  /** The SKU the promotions engine saw (null when the line was kept out of promotions). */
  sku: string | null;
  scanned_code: string | null;
  scan_rule: ScanRule | null;
  symbology: Symbology | null;
  parent_line_id: string | null;
  is_return_item: boolean;
  unit_of_measure: UnitOfMeasure;
  /** Counted units (1 for a weighed line). */
  quantity: number;
  weight_g: number | null;
  /** Catalogue list price per unit (the engine's mrp). */
  base_price: bigint;
  /** Price per unit before promotions after item-level changes (the engine's sp). */
  selling_price: bigint;
  /** Effective unit price before promotions (what the shopper sees per unit / per measured line). */
  unit_price: bigint;
  price_source: PriceSource;
  /** Price per kg or litre for a measured line (weight × this = unit_price), else null. */
  measure_price: bigint | null;
  /** unit_price × quantity, or the measured line price; negative for a return line. */
  gross: bigint;
  promotions: LinePromotion[];
  /** Σ item-level (non b/t) promotion discounts. */
  item_discount: bigint;
  basket_discounts: AllocatedDiscount[];
  /** Σ basket-level discounts allocated to this line. */
  basket_discount: bigint;
  total_discount: bigint;
  /** gross − total_discount: what the line costs the shopper (before tax for exclusive stores). */
  payable: bigint;
  /** Savings shown to the shopper: (base_price × qty − payable) for sales, 0 for returns. */
  savings: bigint;
  /** Why promotions did not see this line, or null. */
  promotion_exclusion:
    'return' | 'override' | 'markdown' | 'special_line' | 'excluded_item' | 'zero_price' | null;
  tax: LineTax;
  requires_verification: boolean;
  minimum_age_required: number | null;
  expiry: string | null;
  batch: string | null;
  labels: string[];
  /** Human-readable steps, in order: price source, each promotion, each allocation, tax. */
  explanation: string[];
}

export interface TaxBreakupEntry {
  retailer_tax_level_id: string;
  tax_level: string;
  tax_percent: string;
  taxable_basis: 'gross' | 'net';
  taxable_amount: bigint;
  tax_amount: bigint;
  exempt: boolean;
}

export interface BasketTotals {
  /** Σ base_price × qty (sales lines). */
  total_mrp: bigint;
  /** Σ gross over all lines (returns negative). */
  total_gross: bigint;
  total_item_discount: bigint;
  total_basket_discount: bigint;
  total_discount: bigint;
  /** Σ payable = total_gross − total_discount. */
  total_after_discount: bigint;
  total_tax: bigint;
  total_excl_tax: bigint;
  /** What the shopper pays: = total_after_discount (inclusive) or total_after_discount + total_tax (exclusive). */
  total_after_tax: bigint;
  total_savings: bigint;
}

export interface BasketPromotionSummary {
  promo_id: string;
  promo_id_retailer: string;
  title: string;
  family: string;
  discount_apply_type: string;
  discount: bigint;
}

export interface PricedBasket {
  basket_id: string;
  store_id: string;
  evaluation_time: string;
  currency_exponent: number;
  data_version: string | null;
  prices_include_tax: boolean;
  lines: PricedLine[];
  refusals: Refusal[];
  totals: BasketTotals;
  tax_breakup: TaxBreakupEntry[];
  tax_exemption: TaxExemption | null;
  promotions: BasketPromotionSummary[];
  requires_approval: boolean;
  /** Highest minimum age over lines (null when none). */
  minimum_age_required: number | null;
  diagnostics: { code: string; message: string; promo_id?: string }[];
}

/** `{ error: { code, message, details } }` thrown by priceBasket for input it cannot price at all. */
export class PricingError extends KassaError<'BASKET_INVALID' | 'TAX_CODE_MISSING' | 'PRICING_FAILED'> {}
