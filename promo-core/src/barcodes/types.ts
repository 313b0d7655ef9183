/**
 * Barcode resolution types (spec/store.md §1.9) and the store's barcode configuration schema.
 */
import { z } from 'zod';
import type { Gs1ErrorCode } from './gs1-syntax';
import type { Item } from '../catalog/schema';

export const SYMBOLOGIES = [
  'EAN13',
  'EAN8',
  'UPCA',
  'UPCE',
  'GS1_128',
  'DATAMATRIX',
  'ITF',
  'DATABAR',
  'GS1_QR',
  'GS1_DOTCODE',
] as const;
export type Symbology = (typeof SYMBOLOGIES)[number];

/** Symbologies whose data is a GS1 element string (AIM `]C1`, `]e0`, `]d2`, `]Q3`, `]J1`). */
export const GS1_SYMBOLOGIES: ReadonlySet<Symbology> = new Set([
  'GS1_128',
  'DATAMATRIX',
  'DATABAR',
  'GS1_QR',
  'GS1_DOTCODE',
]);

/**
 * What scan resolution needs from a catalogue. `CatalogIndex` has this shape; barcodes depend on
 * the shape only, so the catalogue and the barcode rules do not import each other.
 */
export interface ScanCatalog {
  /** Minor units per major unit = 10^exponent. */
  readonly exponent: number;
  /** Exact code: product_identifier, else an additional barcode. */
  lookupExact(code: string): { item: Item; match: string } | undefined;
  lookupRetailerProductId(id: string): Item | undefined;
  /** §1.9 rule 5: a code standing for several items. */
  lookupCatalogIdentifier(code: string): Item[] | undefined;
  /** Items whose product_identifier ends with `suffix`, at most `limit`. */
  findBySuffix(suffix: string, limit?: number): Item[];
  /** The item or one of its categories needs an age/alcohol check. */
  requiresApproval(item: Item): boolean;
}

/** Length of the codes a layout describes: 13 for EAN-13 layouts, 12 for UPC-A ones. */
export const variableMeasureLength = (l: {
  prefix: string;
  item_digits: number;
  price_check_digit: boolean;
  value_digits: number;
}): number => l.prefix.length + l.item_digits + (l.price_check_digit ? 1 : 0) + l.value_digits + 1;

/**
 * A retailer's layout for in-store variable-measure EAN-13 (or UPC-A) codes (GS1 prefixes 02 and 20–29):
 * prefix + item reference + [price check digit] + value + EAN check digit = 13 digits.
 */
export const variableMeasureLayoutSchema = z
  .object({
    prefix: z.string().regex(/^0?2\d*$/, 'a GS1 restricted-circulation prefix (02, 20–29; 2 for UPC-A)'),
    item_digits: z.number().int().min(1).max(10),
    value_kind: z.enum(['weight_g', 'price_minor']),
    value_digits: z.number().int().min(1).max(10),
    /** A price/weight check digit sits between the item reference and the value (GS1 §7.9.4). */
    price_check_digit: z.boolean().default(false),
  })
  .superRefine((l, ctx) => {
    if (l.price_check_digit && l.value_digits !== 4 && l.value_digits !== 5) {
      ctx.addIssue({
        code: 'custom',
        message: 'a price check digit is defined for 4- or 5-digit values only',
      });
    }
    const total = variableMeasureLength(l);
    if (total !== 13 && total !== 12) {
      ctx.addIssue({
        code: 'custom',
        message: `prefix + item_digits + check + value_digits + 1 must be 13 (EAN-13) or 12 (UPC-A) digits, got ${total}`,
      });
    }
  });
export type VariableMeasureLayout = z.output<typeof variableMeasureLayoutSchema>;

export const barcodeConfigSchema = z.object({
  variable_measure_layouts: z.array(variableMeasureLayoutSchema).default([]),
  /** Regular expressions (source text) that identify staff badges; such scans are not items (§1.9 rule 2). */
  staff_badge_patterns: z.array(z.string().min(1)).default([]),
  /** Also match `retailer_product_id` after barcodes (store option, §1.9 rule 6). */
  match_retailer_product_id: z.boolean().default(false),
  /** Try reduce-to-clear markdown labels (§1.9 rule 3). */
  reduce_to_clear: z.boolean().default(true),
  /**
   * The store's ISO 4217 currency (`EUR`). A price with currency (AI 393n) is charged only when
   * it names this currency; without it such a price is refused.
   */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 alphabetic code')
    .optional(),
});
export type BarcodeConfigInput = z.input<typeof barcodeConfigSchema>;
export type BarcodeConfig = z.output<typeof barcodeConfigSchema>;

export type ScanErrorCode =
  | 'UNKNOWN_BARCODE'
  | 'BAD_CHECK_DIGIT'
  | 'EXPIRED'
  | 'MALFORMED'
  | 'STAFF_BADGE_SCANNED'
  | 'CHOICE_REQUIRED'
  | Gs1ErrorCode
  /** A weight (or volume) of zero, or one that rounds to 0 g / 0 ml. */
  | 'ZERO_WEIGHT'
  /** AI 393n names a currency that is not the store's (or the store's currency is not configured). */
  | 'CURRENCY_MISMATCH'
  /** A price printed with more decimals than the store currency has, not a whole number of minor units. */
  | 'PRICE_PRECISION'
  /** An item sold per kg or l scanned by a code without its weight/volume: weigh it (see `needs_weight`). */
  | 'WEIGHT_REQUIRED';

/** The refusal classes of the shared conformance format (shared/conformance/README.md). */
export type ScanErrorClass = 'UNKNOWN_BARCODE' | 'BAD_CHECK_DIGIT' | 'EXPIRED' | 'MALFORMED';

/**
 * The shared format's class of a named refusal: every code that says "this code is not a
 * well-formed, chargeable reading" is `MALFORMED` there. Codes outside the four classes
 * (a staff badge, a choice, a weight to take) have none.
 */
export function scanErrorClass(code: ScanErrorCode): ScanErrorClass | null {
  switch (code) {
    case 'UNKNOWN_BARCODE':
    case 'BAD_CHECK_DIGIT':
    case 'EXPIRED':
    case 'MALFORMED':
      return code;
    case 'STAFF_BADGE_SCANNED':
    case 'CHOICE_REQUIRED':
    case 'WEIGHT_REQUIRED':
      return null;
    default:
      // GS1_*, ZERO_WEIGHT, CURRENCY_MISMATCH, PRICE_PRECISION
      return 'MALFORMED';
  }
}

export interface ScanError {
  code: ScanErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/** Which §1.9 rule resolved the code. */
export type ScanRule =
  | 'reduce_to_clear'
  | 'variable_measure'
  | 'gs1_element_string'
  | 'catalog_identifier'
  | 'exact'
  | 'additional_barcode'
  | 'retailer_product_id'
  | 'gtin_normalised'
  | 'upce_expanded'
  | 'itf_suffix';

export interface Markdown {
  kind: 'percent_off' | 'absolute_price';
  /** Percent in basis points for percent_off; the new unit price in minor units for absolute_price. */
  value: bigint;
  /** The item's selling price before the markdown. */
  original_price: bigint;
}

/** Where the resolved line price comes from. */
export type ScanPriceSource = 'catalog' | 'markdown' | 'weight' | 'price_embedded';

/** A scan resolved to one item, with whatever the code itself carried. */
export interface ScanResolution {
  item: Item;
  rule: ScanRule;
  /** The sanitised code that was resolved. */
  code: string;
  /** The catalogue code it matched (e.g. the GTIN inside a GS1 element string). */
  matched_code: string;
  symbology: Symbology | null;
  /**
   * Counted units for counted items (1 per scan); for a weight-embedded code the grams, as
   * spec §1.9 rule 4 says ("weight → quantity in grams"). `weight_g` carries the grams too.
   */
  quantity: number;
  /** Grams (or millilitres) embedded in the code, for weighed items. */
  weight_g: number | null;
  /** Unit price in minor units: per kg/l for weighed lines, per unit otherwise, after any markdown. */
  unit_price: bigint;
  /** Line price in minor units for this scan (unit price × 1, weight × price per kg, or the embedded price). */
  line_price: bigint;
  price_source: ScanPriceSource;
  markdown: Markdown | null;
  /** ISO date (YYYY-MM-DD) from AI 17, else the date of AI 7003. */
  expiry: string | null;
  /** Store-local `YYYY-MM-DDTHH:MM` from AI 7003 (expiry date and time). */
  expiry_time: string | null;
  batch: string | null;
  requires_verification: boolean;
  minimum_age_required: number | null;
}

/** §1.9 rule 5: one code, several items; the shopper picks. */
export interface ScanChoice {
  code: string;
  items: Item[];
}

export type ScanOutcome =
  | { ok: true; resolution: ScanResolution }
  | {
      ok: false;
      error: ScanError;
      choice?: ScanChoice;
      /**
       * With `WEIGHT_REQUIRED`: the item and what the code did say, priced at its catalogue price
       * per kg/l for one unit. It is not a sellable line: the caller adds a weight from a scale
       * (or staff) and prices the weight, as priceBasket does for a line with `weight_g`.
       */
      needs_weight?: ScanResolution;
    };

export interface ScanContext {
  /** The instant the scan is judged at (expiry), ISO-8601. Pure code reads no clock. */
  now: string;
  /** IANA zone of the store; expiry dates are store-local calendar dates. Default UTC. */
  timezone?: string;
}
