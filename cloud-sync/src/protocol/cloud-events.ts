/**
 * Cloud → store payloads (spec/store.md §6.3), version 1. The documents inside (items,
 * promotions, tax rows, config) are the formats the hub's import reads; the hub validates them
 * with promo-core before applying, so here they are only required to be objects.
 *
 * Every versioned message carries `stream_version`, monotonic per store and stream; the hub
 * ignores versions ≤ the one applied. A snapshot too large for one Kafka record (a 100,000-item
 * catalogue) is split into `chunk.count` records of the same `stream_version`; the hub applies
 * the version once it holds every chunk, in one transaction.
 */
import { z } from 'zod';
import { idSchema, instantSchema, moneySchema } from './wire';

const doc = z.record(z.string(), z.unknown());
const streamVersion = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const chunkSchema = z
  .strictObject({ index: z.number().int().min(0), count: z.number().int().min(1).max(100_000) })
  .refine((c) => c.index < c.count, { message: 'chunk index must be below chunk count' });

const versioned = { stream_version: streamVersion, published_at: instantSchema.optional() };
const snapshot = { ...versioned, chunk: chunkSchema.default({ index: 0, count: 1 }) };
const delta = { ...versioned, base_version: z.number().int().min(0) };

export const catalogSnapshotV1 = z.looseObject({
  ...snapshot,
  items: z.array(doc),
  categories: z.array(doc).default([]),
});
export const catalogDeltaV1 = z.looseObject({
  ...delta,
  upserts: z.array(doc),
  deletes: z.array(idSchema).default([]),
  categories: z.array(doc).default([]),
});
export const priceStagedV1 = z.looseObject({
  ...versioned,
  changes: z.array(
    z.looseObject({
      item_id: idSchema,
      new_price: moneySchema,
      effective_at: instantSchema.nullable().optional(),
    }),
  ),
});
export const promotionsSnapshotV1 = z.looseObject({ ...snapshot, promotions: z.array(doc) });
export const promotionsDeltaV1 = z.looseObject({
  ...delta,
  upserts: z.array(doc),
  deletes: z.array(idSchema).default([]),
});
export const taxTableSnapshotV1 = z.looseObject({ ...snapshot, tax_table: z.array(doc) });
export const storeConfigV1 = z.looseObject({
  ...versioned,
  config_version: z.number().int().min(0),
  config: doc,
});
export const staffUsersV1 = z.looseObject({
  ...versioned,
  users: z.array(
    z.looseObject({
      user_id: idSchema,
      username: z.string().min(1).max(64),
      display_name: z.string().max(100).default(''),
      disabled: z.boolean().default(false),
      permissions: z.record(z.string(), z.boolean()).default({}),
      /** Hashes only (argon2); a clear PIN or password never travels. */
      pin_hash: z.string().max(512).nullable().optional(),
      password_hash: z.string().max(512).nullable().optional(),
      badge_token_hash: z.string().max(512).nullable().optional(),
    }),
  ),
});
export const customerBlocklistV1 = z.looseObject({
  ...versioned,
  customers: z.array(z.looseObject({ customer_id: idSchema, reason: z.string().max(500).optional() })),
});
export const loyaltyCouponsV1 = z.looseObject({ ...snapshot, coupons: z.array(doc) });
export const fiscalRegisteredV1 = z.looseObject({
  order_id: idSchema,
  fiscal_id: z.string().min(1).max(256),
  qr: z.string().max(4096).optional(),
});
export const paymentNotificationV1 = z.looseObject({
  order_id: idSchema,
  tender_id: idSchema.optional(),
  status: z.string().min(1).max(64),
  amount: moneySchema.optional(),
  psp_reference: z.string().max(128).optional(),
});
export const refundNotificationV1 = z.looseObject({
  order_id: idSchema,
  refund_id: idSchema,
  status: z.string().min(1).max(64),
  amount: moneySchema.optional(),
  psp_reference: z.string().max(128).optional(),
});

/** `command.*` (§6.3): one-shot instructions, idempotent by the envelope's event_id. */
export const commandResendReceiptV1 = z.looseObject({
  order_id: idSchema,
  channel: z.string().max(32).optional(),
});
export const commandRerunFulfilmentV1 = z.looseObject({ order_id: idSchema });
export const commandMarkOrderPaidV1 = z.looseObject({
  order_id: idSchema,
  psp_reference: z.string().max(128),
  amount: moneySchema,
});
export const commandVoidBasketV1 = z.looseObject({ basket_id: idSchema, reason: z.string().max(500) });
export const commandDeviceLockV1 = z.looseObject({
  device_id: idSchema,
  reason: z.string().max(500).optional(),
});
export const commandRequestDiagnosticsV1 = z.looseObject({ device_id: idSchema.nullable().optional() });
/** Asks the hub to re-announce what it has applied (HQ re-publishes after a long outage). */
export const commandResyncV1 = z.looseObject({ streams: z.array(z.string()).optional() });
