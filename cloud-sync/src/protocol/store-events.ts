/**
 * Store → cloud payloads (spec/store.md §6.2), version 1 of each. Objects are loose (a producer
 * may add fields within a version; consumers read only what is named here); anything a consumer
 * aggregates or keys on is required and typed.
 */
import { z } from 'zod';
import { orderSnapshotSchema } from './order-snapshot';
import { tenderSchema } from './order-snapshot';
import { dateSchema, idSchema, instantSchema, moneySchema } from './wire';

const oId = z.union([z.string().min(1).max(32), z.number().int().min(0)]);

export const orderCancelledV1 = z.looseObject({
  order_id: idSchema,
  o_id: oId.nullable(),
  transaction_id_poslog: z.string().max(64).nullable(),
  reason: z.string().max(500),
  attempted_tenders: z
    .array(z.looseObject({ tender_id: idSchema, method: z.string().max(32), status: z.string().max(32) }))
    .optional(),
});

export const VERIFICATION_METHODS = ['gate', 'staff', 'auto', 'random', 'cluster'] as const;
export const orderVerificationV1 = z.looseObject({
  order_id: idSchema,
  method: z.enum(VERIFICATION_METHODS),
  gate_id: idSchema.nullable().optional(),
  staff_user_id: idSchema.nullable().optional(),
  at: instantSchema,
  reason: z.string().max(500).nullable().optional(),
});

/** The terminal's answer with money as strings and nothing sensitive (no PAN, no track data). */
export const paymentResultSchema = z.looseObject({
  state: z.enum(['pending', 'approved', 'declined', 'cancelled', 'error', 'unknown', 'voided', 'aborted']),
  amount: moneySchema.optional(),
  reason: z.string().max(500).optional(),
  authCode: z.string().max(32).optional(),
  pspReference: z.string().max(128).optional(),
  cardBrand: z.string().max(32).optional(),
  cardLast4: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
});
const forbiddenCardKeys = /^(pan|card_?number|track_?[12]?|cvv|cvc|pin)$/i;
export const paymentAttemptV1 = z
  .looseObject({
    tender_id: idSchema,
    method: z.string().min(1).max(32),
    result: paymentResultSchema,
    order_id: idSchema.optional(),
    gateway: z.string().max(64).optional(),
    started_at: instantSchema.optional(),
    duration_ms: z.number().int().min(0).optional(),
  })
  .refine((p) => !Object.keys({ ...p, ...p.result }).some((k) => forbiddenCardKeys.test(k)), {
    message: 'card data (PAN, track, CVV, PIN) must not leave the store',
  });

export const refundLineSchema = z.looseObject({
  basket_item_id: idSchema,
  item_id: idSchema.optional(),
  quantity: z.number().int().min(1),
  amount: moneySchema,
  tax: moneySchema,
});
export const refundV1 = z.looseObject({
  refund_id: idSchema,
  order_id: idSchema,
  status: z.string().min(1).max(32),
  reason: z.string().max(500).nullable(),
  staff_user_id: idSchema.nullable(),
  lines: z.array(refundLineSchema),
  total: moneySchema,
  total_tax: moneySchema,
  tenders: z.array(tenderSchema),
  transaction_id_poslog: z.string().max(64).nullable(),
  created_at: instantSchema,
  completed_at: instantSchema.nullable(),
  failure_reason: z.string().max(500).nullable().optional(),
});

export const shiftV1 = z.looseObject({
  shift_id: idSchema,
  device_id: idSchema.nullable(),
  staff_user_id: idSchema,
  shift_number: z.union([z.string().max(32), z.number().int()]),
  business_date: dateSchema,
  started_at: instantSchema,
  ended_at: instantSchema.nullable(),
  opening_float: moneySchema,
  counted_cash: moneySchema.nullable().optional(),
  expected_cash: moneySchema.nullable().optional(),
  variance: moneySchema.nullable().optional(),
  /** §2.8 legacy end-of-shift payload for the first consumer, passed through untouched. */
  legacy: z.unknown().optional(),
});

export const cashDailySummaryV1 = z.looseObject({
  device_id: idSchema.nullable(),
  business_date: dateSchema,
  shift_ids: z.array(idSchema),
  totals: z.record(z.string(), moneySchema),
});

export const poslogTransactionV1 = z.looseObject({
  order_id: idSchema,
  format: z.string().min(1).max(64),
  payload: z.string().max(1_000_000),
});

export const fiscalRegistrationRequestedV1 = z.looseObject({
  order_id: idSchema,
  external_id: idSchema,
  store_type: z.string().max(64),
  payment_status: z.string().max(64),
});

export const verificationSessionV1 = z.looseObject({
  session_id: idSchema,
  basket_id: idSchema,
  status: z.string().min(1).max(32),
  staff_user_id: idSchema.nullable().optional(),
  reason: z.string().max(500).nullable().optional(),
  lines_removed: z.array(idSchema).default([]),
  created_at: instantSchema,
  decided_at: instantSchema.nullable().optional(),
});

/** §8.3: subject, verb, context. `verb` is what analytics group by (item_scan, basket_abandoned…). */
export const analyticsEventV1 = z.looseObject({
  verb: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  device_id: idSchema.nullable().optional(),
  basket_id: idSchema.optional(),
  order_id: idSchema.optional(),
  /** item_scan: the code and whether it resolved. */
  code: z.string().max(512).optional(),
  success: z.boolean().optional(),
  /** rating: 0–5. */
  score: z.number().int().min(0).max(5).optional(),
  platform: z.string().max(32).optional(),
});

export const inventoryMovementV1 = z.looseObject({
  item_id: idSchema,
  delta: z.number().int(),
  reason: z.string().min(1).max(64),
  order_id: idSchema.optional(),
  epc: z.string().max(128).optional(),
});

export const priceActivationAppliedV1 = z.looseObject({
  staff_user_id: idSchema,
  stream_version: z.number().int().min(1).optional(),
  items: z.array(z.looseObject({ item_id: idSchema, price: moneySchema })),
});

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export const alertV1 = z.looseObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
  severity: z.enum(ALERT_SEVERITIES),
  message: z.string().max(1000).optional(),
  context: z.record(z.string(), z.unknown()).default({}),
});

/** The cloud → store streams a hub applies, each with its own monotonic version (§6.3). */
export const STREAMS = [
  'catalog',
  'prices',
  'promotions',
  'tax',
  'config',
  'staff',
  'blocklist',
  'coupons',
] as const;
export type StreamName = (typeof STREAMS)[number];

export const configAppliedV1 = z.looseObject({
  stream: z.enum(STREAMS),
  version: z.number().int().min(1),
  /** The cloud event that carried it (or the last chunk of a chunked snapshot). */
  event_id: z.uuid().optional(),
});

export const deviceHeartbeatV1 = z.looseObject({
  device_id: idSchema,
  kind: z.string().max(32).optional(),
  status: z.enum(['online', 'degraded', 'offline']),
  versions: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  printer: z
    .looseObject({ state: z.string().max(32), paper: z.string().max(32).optional() })
    .nullable()
    .optional(),
  terminal: z
    .looseObject({ state: z.string().max(32) })
    .nullable()
    .optional(),
  /** Hub-reported sync lag (the oldest unsent outbox event), for the fleet view. */
  outbox: z
    .looseObject({ backlog: z.number().int().min(0), oldest_unsent_at: instantSchema.nullable() })
    .optional(),
});

export const orderCompletedV1 = orderSnapshotSchema;
