/**
 * The hub's store configuration document (spec/store.md §1.1, trimmed to what the hub uses).
 * Stored as one replicated document; validated at import and on every change.
 */
import { z } from 'zod';
import { MAX_BASKET_LINES, MAX_QUANTITY, MAX_WEIGHT_G } from '../baskets/limits';

/** A money amount as a decimal string in the store currency ("0.50"), never a float. */
const decimalAmount = z.string().regex(/^\d{1,9}(\.\d{1,4})?$/, 'a decimal amount such as "0.50"');

/**
 * The kiosk's behaviour (read by kiosk-app; the hub keeps it so HQ's value reaches kiosks).
 * Not in §1.1, which has no kiosk section [ours].
 */
export const kioskSettingsSchema = z.object({
  /** "Are you still there?" after this long without a touch or scan. */
  idle_prompt_seconds: z.number().int().min(5).max(3600).default(90),
  /** …then the basket is abandoned this long after the prompt. */
  idle_abandon_seconds: z.number().int().min(5).max(3600).default(30),
  /** Removing a line or lowering a quantity needs staff approval. */
  staff_approval_for_changes: z.boolean().default(false),
  /** Checkout waiting this long for the hub calls staff. */
  checkout_wait_staff_seconds: z.number().int().min(5).max(3600).default(45),
  /** A scanned code with this prefix is a staff badge, not an item. */
  staff_badge_prefix: z.string().min(1).max(32).default('KASSA-STAFF:'),
});
export type KioskSettings = z.output<typeof kioskSettingsSchema>;

/** §1.1 `refund_policy` [DSH PARTIAL_REFUND_BLOCKED_STORES, REFUND_DISABLE_PAYMENT_METHODS_BY_STORE_TYPE]. */
export const refundPolicySchema = z.object({
  partial_allowed: z.boolean().default(true),
  cash_allowed: z.boolean().default(true),
  card_allowed: z.boolean().default(true),
  /** Days after the sale a refund is still accepted; 0 = no limit. */
  return_window_days: z.number().int().min(0).max(3650).default(0),
});

export const storeConfigSchema = z.object({
  store_id: z.string().min(1).max(64),
  retailer_id: z.string().min(1).max(64).default('retailer'),
  retailer_store_id: z.string().min(1).max(32),
  name: z.string().min(1).max(200),
  chain: z.string().max(64).default(''),
  region: z.string().max(16).default(''),
  address: z.string().max(500).default(''),
  currency: z.string().regex(/^[A-Z]{3}$/),
  currency_sign: z.string().max(8).default(''),
  currency_exponent: z.number().int().min(0).max(4).default(2),
  timezone: z.string().min(1).refine(isTimeZone, 'an IANA time zone'),
  demo: z.boolean().default(false),
  active: z.boolean().default(true),
  business_day_offset_minutes: z.number().int().min(-720).max(720).default(0),
  /** spec/store.md §4.1, promo-core's storeTaxConfigSchema. */
  tax: z.unknown(),
  /** promo-core's barcodeConfigSchema (variable-measure layouts etc.). */
  barcodes: z.unknown().default({}),
  allow_negative_basket: z.boolean().default(false),
  allow_zero_basket_payment: z.boolean().default(false),
  auto_verification: z.boolean().default(false),
  o_id_range: z.tuple([z.number().int().min(1), z.number().int().min(1)]).default([100000, 999999]),
  poslog_range: z.tuple([z.number().int().min(1), z.number().int().min(1)]).default([1, 999999]),
  /** Receipt number: `{store}-{seq}`; seq is zero-padded to 6 digits. */
  receipt_prefix: z.string().max(16).default(''),
  /** promo-core storeReceiptConfigSchema overrides (labels, QR content, item table…). */
  receipt: z.unknown().optional(),
  /**
   * §2.1 B14: an active basket untouched this long is expired (the kiosk's "are you still
   * there?" prompt comes first, in the kiosk). 0 = never; the spec leaves the TTL open [gap].
   */
  basket_idle_expiry_seconds: z.number().int().min(0).max(86_400).default(0),
  /** Store-configurable limits (issue 8 §2); the add-line schema's hard bounds are the outer cap. */
  max_line_quantity: z.number().int().min(1).max(MAX_QUANTITY).default(999),
  max_basket_lines: z.number().int().min(1).max(MAX_BASKET_LINES).default(300),
  /** A weighed line's weight bounds in grams (a 1 g label is a mis-weigh, 50 kg is a typo). */
  min_weight_g: z.number().int().min(1).max(MAX_WEIGHT_G).default(5),
  max_weight_g: z.number().int().min(1).max(MAX_WEIGHT_G).default(30_000),
  /** §1.1: cash denominations for till counting, as decimal strings; empty = the currency's usual set. */
  denominations: z.array(decimalAmount).max(30).default([]),
  /** §1.1: percentage of orders sent to a random exit check ("2.5" = 2.5 %), as a decimal string. */
  random_verification_rate: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,2})?$/)
    .refine((v) => Number(v) <= 100, 'at most 100')
    .optional(),
  refund_policy: refundPolicySchema.optional(),
  /** Largest price override staff may give without a manager, in percent of the line ("50"). */
  price_override_max_percent: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,2})?$/)
    .optional(),
  kiosk: kioskSettingsSchema.default(kioskSettingsSchema.parse({})),
  config_version: z.number().int().min(0).default(0),
});
export type StoreConfig = z.output<typeof storeConfigSchema>;

// Intl.DateTimeFormat is expensive to build; one per zone for the life of the process.
const dateFormatters = new Map<string, Intl.DateTimeFormat>();
function dateFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormatters.set(timeZone, f);
  }
  return f;
}

function isTimeZone(tz: string): boolean {
  if (dateFormatters.has(tz)) return true;
  try {
    dateFormatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Store-local calendar date of an instant after the business-day offset (§1.1). */
export function businessDate(
  instant: Date,
  cfg: Pick<StoreConfig, 'timezone' | 'business_day_offset_minutes'>,
): string {
  const shifted = new Date(instant.getTime() - cfg.business_day_offset_minutes * 60_000);
  return dateFormatter(cfg.timezone).format(shifted);
}
