/**
 * The order snapshot, payload of `order.completed` v1 (spec/store.md §6.4), in full. HQ trusts
 * the hub's pricing (§6.4): these are the hub's figures, stored and aggregated as sent.
 *
 * Additions of ours (optional, a superset as §6.4 allows): `order.calendar_date` (store-local
 * date of completion, the §8.1 calendar dimension), `order.demo`, `order.data_version`,
 * `totals.currency_exponent` (places of the money strings) and `audit` (the basket input and
 * promo-core's canonical priced JSON, so HQ can re-price the order under the same data version).
 */
import { z } from 'zod';
import { currencySchema, dateSchema, idSchema, instantSchema, moneySchema, percentSchema } from './wire';

const nullableId = idSchema.nullable();

export const orderFactsSchema = z.looseObject({
  order_id: idSchema,
  o_id: z.union([z.string().min(1).max(32), z.number().int().min(0)]),
  transaction_id_poslog: z.string().min(1).max(64).nullable(),
  poslog_scope: z.string().max(64).nullable(),
  receipt_number: z.string().min(1).max(64).nullable(),
  store_id: idSchema,
  retailer_id: nullableId,
  device_id: nullableId,
  retailer_device_id: z.string().max(64).nullable(),
  platform: z.string().min(1).max(32),
  shift_id: nullableId,
  staff_user_id: nullableId,
  order_status: z.string().min(1).max(64),
  payment_status: z.string().min(1).max(64),
  created_at: instantSchema,
  completed_at: instantSchema,
  business_date: dateSchema,
  offline_receipt_reference_id: z.string().max(128).nullable(),
  offline_o_id: z.union([z.string().max(32), z.number().int()]).nullable(),
  purchase_type: z.string().min(1).max(32),
  calendar_date: dateSchema.optional(),
  demo: z.boolean().optional(),
  data_version: z.string().max(256).nullable().optional(),
});

export const customerSchema = z.looseObject({
  customer_id: nullableId,
  is_guest: z.boolean(),
  email: z.string().max(320).optional(),
  phone_hash: z.string().max(256).optional(),
  loyalty_number: z.string().max(64).optional(),
});

export const totalsSchema = z.looseObject({
  total_mrp: moneySchema,
  total_discount: moneySchema,
  total_after_discount: moneySchema,
  total_tax: moneySchema,
  total_excl_tax: moneySchema,
  total_after_tax: moneySchema,
  other_charges: moneySchema,
  currency: currencySchema,
  currency_exponent: z.number().int().min(0).max(4).optional(),
  tax_mode: z.enum(['inclusive', 'exclusive']),
  exemption: z
    .looseObject({ program_id: z.string().min(1).optional() })
    .nullable()
    .optional(),
});

export const linePricingSchema = z.strictObject({
  unit_original_price: moneySchema,
  unit_payable_price: moneySchema,
  unit_discount: moneySchema,
  unit_tax: moneySchema,
  total_original_price: moneySchema,
  total_payable_price: moneySchema,
  total_discount: moneySchema,
  total_tax: moneySchema,
});

export const taxAppliedSchema = z.looseObject({
  tax_code: z.string().max(64).nullable(),
  retailer_tax_level_id: z.string().min(1).max(64),
  tax_level: z.string().max(64),
  tax_percent: percentSchema,
  taxable_amount: moneySchema,
  tax_amount: moneySchema,
});

export const orderItemSchema = z.looseObject({
  basket_item_id: idSchema,
  item_id: idSchema,
  name: z.string().max(500),
  item_type: z.string().min(1).max(32),
  parent_basket_item_id: nullableId,
  scanned_barcode: z.string().max(512).nullable(),
  retailer_product_id: z.string().max(128).nullable(),
  /** Counted units, or grams/millilitres for a variable-measure line (§0.2). */
  quantity: z.number().int().min(1),
  unit_of_measure: z.string().min(1).max(16),
  categories: z.array(z.looseObject({ category_id: idSchema, name: z.string().max(200) })),
  pricing: linePricingSchema,
  taxes_applied: z.array(taxAppliedSchema),
  applied_promotions: z.array(
    z.looseObject({ promo_id: idSchema, title: z.string().max(500), amount: moneySchema }),
  ),
  price_override: z
    .looseObject({
      new_unit_price: moneySchema.optional(),
      percent_off: percentSchema.optional(),
      reason: z.string().max(200),
      staff_user_id: idSchema,
    })
    .nullable()
    .optional(),
  epcs: z.array(z.string().min(1).max(128)),
  flags: z.record(z.string(), z.union([z.boolean(), z.string(), z.number(), z.null()])),
});

/** §4.3 tax breakup row, as promo-core prints it. */
export const taxBreakupRowSchema = z.looseObject({
  retailer_tax_level_id: z.string().min(1).max(64),
  tax_level: z.string().max(64),
  tax_percent: percentSchema,
  taxable_basis: z.enum(['gross', 'net']).optional(),
  taxable_amount: moneySchema,
  tax_amount: moneySchema,
  exempt: z.boolean().optional(),
});

/**
 * A tender as it leaves the store: strict, so a field the schema does not know (a PAN, a track,
 * a CVV) makes the event invalid instead of travelling to HQ.
 */
export const tenderSchema = z.strictObject({
  tender_id: idSchema,
  method: z.string().min(1).max(32),
  amount: moneySchema,
  status: z.string().min(1).max(32),
  auth_code: z.string().max(32).nullable().optional(),
  card_brand: z.string().max(32).nullable().optional(),
  card_last4: z
    .string()
    .regex(/^\d{4}$/)
    .nullable()
    .optional(),
  psp_reference: z.string().max(128).nullable().optional(),
  started_at: instantSchema.nullable().optional(),
  completed_at: instantSchema.nullable().optional(),
});

export const orderPaymentSchema = z.looseObject({
  status: z.string().min(1).max(64),
  total: moneySchema,
  captured_amount: moneySchema,
  tenders: z.array(tenderSchema),
  timings: z.looseObject({
    started_at: instantSchema.nullable().optional(),
    completed_at: instantSchema.nullable().optional(),
    duration_ms: z.number().int().min(0).nullable().optional(),
  }),
});

export const specialProgramSchema = z.looseObject({
  programme: z.string().min(1).max(64),
  inputs: z.unknown(),
  discount: moneySchema,
  redeemed: z.boolean(),
});

export const orderSnapshotSchema = z.looseObject({
  order: orderFactsSchema,
  customer: customerSchema,
  totals: totalsSchema,
  items: z.array(orderItemSchema).max(5000),
  tax_breakup: z.array(taxBreakupRowSchema),
  special_programs: z.array(specialProgramSchema),
  payment: orderPaymentSchema,
  fiscal: z
    .looseObject({ ids: z.record(z.string(), z.string()).optional() })
    .nullable()
    .optional(),
  verification: z
    .looseObject({ session_id: idSchema.optional(), outcome: z.string().max(32) })
    .nullable()
    .optional(),
  audit: z
    .looseObject({ data_version: z.string().max(256).nullable(), basket: z.unknown(), priced: z.unknown() })
    .optional(),
});

export type OrderSnapshot = z.output<typeof orderSnapshotSchema>;
