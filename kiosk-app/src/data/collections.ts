/**
 * The kiosk's local collections (RxDB). Reference data keeps the hub's document as-is under
 * `doc`, so promo-core reads exactly what the hub imported; the kiosk's basket is its own
 * document, pushed to the hub. Six collections: well under the free RxDB's limit of 13.
 */
import type { RxJsonSchema } from 'rxdb';

export const REFERENCE_COLLECTIONS = [
  'store_config',
  'tax_rows',
  'categories',
  'promotions',
  'items',
] as const;
export type ReferenceCollection = (typeof REFERENCE_COLLECTIONS)[number];

export interface ReferenceDoc {
  id: string;
  /** The hub's replication clock for this row (its ordering stamp). */
  updatedAt: number;
  doc: Record<string, unknown>;
}

export const referenceSchema: RxJsonSchema<ReferenceDoc> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 200 },
    updatedAt: { type: 'number' },
    doc: { type: 'object' },
  },
  required: ['id', 'updatedAt', 'doc'],
};

/** One line as the shopper made it (the hub's line id is learnt when the hub accepts it). */
export interface LocalLine {
  line_id: string;
  code: string;
  quantity: number;
  weight_g?: number;
  /** Item prices when the line was added (§1.3), as the hub snapshots them. */
  price_snapshot?: { base_price: string; selling_price: string };
  hub_line_id?: string;
}

/** A change not yet accepted by the hub; replayed in order with its own Idempotency-Key. */
export interface PendingOp {
  seq: number;
  kind: 'add' | 'quantity' | 'remove' | 'help';
  line_id?: string;
  /** For a remove: the hub's id of the line, once known. */
  hub_line_id?: string;
  code?: string;
  quantity?: number;
  weight_g?: number;
  reason?: string;
}

export interface KioskBasketDoc {
  id: string;
  updatedAt?: number;
  state: 'active' | 'checkout' | 'done' | 'abandoned';
  created_at: string;
  lines: LocalLine[];
  ops: PendingOp[];
  next_seq: number;
  hub_basket_id?: string;
  /** Checkout attempts: a cancelled order needs a fresh key for the next one. */
  order_attempt: number;
  order_id?: string;
  /** The shopper's language, kept with the basket so a reload does not switch it. */
  lang?: string;
}

export const basketSchema: RxJsonSchema<KioskBasketDoc> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 64 },
    updatedAt: { type: 'number' },
    state: { type: 'string', maxLength: 16 },
    created_at: { type: 'string', maxLength: 40 },
    lines: { type: 'array', items: { type: 'object' } },
    ops: { type: 'array', items: { type: 'object' } },
    next_seq: { type: 'number' },
    hub_basket_id: { type: 'string' },
    order_attempt: { type: 'number' },
    order_id: { type: 'string' },
    lang: { type: 'string', maxLength: 8 },
  },
  required: ['id', 'state', 'created_at', 'lines', 'ops', 'next_seq', 'order_attempt'],
  indexes: ['state'],
};

/**
 * The hub's replicated document → the kiosk's row. The hub adds `id`, `updatedAt` and
 * `_deleted` to each row; promotions carry `id` in their own ingest format, so theirs stays.
 */
export function toReferenceDoc(
  collection: ReferenceCollection,
  hubDoc: Record<string, unknown> & { id: string; updatedAt?: number; _deleted: boolean },
): ReferenceDoc & { _deleted: boolean } {
  const { updatedAt = 0, _deleted, ...rest } = hubDoc;
  const doc: Record<string, unknown> = { ...rest };
  if (collection !== 'promotions') delete doc.id;
  return { id: hubDoc.id, updatedAt, doc, _deleted };
}
