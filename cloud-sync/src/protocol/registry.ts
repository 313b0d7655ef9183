/**
 * The registry: (type, version) → payload schema, and `decodeEvent`, the one function every
 * consumer (HQ and the hub's inbox) runs on a record before acting on it. It never guesses: an
 * unknown type or version, a payload that does not match, or an envelope whose store is not the
 * topic's store answers a `DeadLetterReason` for the dead-letter topic, and the consumer moves on.
 */
import type { z } from 'zod';
import * as cloud from './cloud-events';
import type { Envelope } from './envelope';
import { envelopeSchema } from './envelope';
import * as store from './store-events';
import type { StreamName } from './store-events';
import { parseTopic } from './topics';

export type Direction = 'store_to_cloud' | 'cloud_to_store';

export interface EventDefinition {
  type: string;
  version: number;
  direction: Direction;
  schema: z.ZodType;
  /** What the partitioning key must be (§6.1), checked against `key`. */
  key: 'order_id' | 'shift_id' | 'basket_id' | 'store_id' | 'any';
  /** For versioned cloud → store messages: the stream whose version they advance. */
  stream?: StreamName;
}

const S = 'store_to_cloud' as const;
const C = 'cloud_to_store' as const;

const DEFINITIONS: EventDefinition[] = [
  { type: 'order.completed', version: 1, direction: S, schema: store.orderCompletedV1, key: 'order_id' },
  { type: 'order.cancelled', version: 1, direction: S, schema: store.orderCancelledV1, key: 'order_id' },
  { type: 'order.verified', version: 1, direction: S, schema: store.orderVerificationV1, key: 'order_id' },
  {
    type: 'order.verification_failed',
    version: 1,
    direction: S,
    schema: store.orderVerificationV1,
    key: 'order_id',
  },
  { type: 'payment.attempt', version: 1, direction: S, schema: store.paymentAttemptV1, key: 'order_id' },
  { type: 'refund.completed', version: 1, direction: S, schema: store.refundV1, key: 'order_id' },
  { type: 'refund.failed', version: 1, direction: S, schema: store.refundV1, key: 'order_id' },
  { type: 'shift.started', version: 1, direction: S, schema: store.shiftV1, key: 'shift_id' },
  { type: 'shift.ended', version: 1, direction: S, schema: store.shiftV1, key: 'shift_id' },
  { type: 'cash.daily_summary', version: 1, direction: S, schema: store.cashDailySummaryV1, key: 'store_id' },
  {
    type: 'poslog.transaction',
    version: 1,
    direction: S,
    schema: store.poslogTransactionV1,
    key: 'order_id',
  },
  {
    type: 'fiscal.registration_requested',
    version: 1,
    direction: S,
    schema: store.fiscalRegistrationRequestedV1,
    key: 'order_id',
  },
  {
    type: 'verification.session',
    version: 1,
    direction: S,
    schema: store.verificationSessionV1,
    key: 'basket_id',
  },
  { type: 'analytics.event', version: 1, direction: S, schema: store.analyticsEventV1, key: 'store_id' },
  {
    type: 'inventory.movement',
    version: 1,
    direction: S,
    schema: store.inventoryMovementV1,
    key: 'store_id',
  },
  {
    type: 'price_activation.applied',
    version: 1,
    direction: S,
    schema: store.priceActivationAppliedV1,
    key: 'store_id',
  },
  { type: 'alert', version: 1, direction: S, schema: store.alertV1, key: 'store_id' },
  { type: 'config.applied', version: 1, direction: S, schema: store.configAppliedV1, key: 'store_id' },
  { type: 'device.heartbeat', version: 1, direction: S, schema: store.deviceHeartbeatV1, key: 'store_id' },

  {
    type: 'catalog.snapshot',
    version: 1,
    direction: C,
    schema: cloud.catalogSnapshotV1,
    key: 'store_id',
    stream: 'catalog',
  },
  {
    type: 'catalog.delta',
    version: 1,
    direction: C,
    schema: cloud.catalogDeltaV1,
    key: 'store_id',
    stream: 'catalog',
  },
  {
    type: 'price.staged',
    version: 1,
    direction: C,
    schema: cloud.priceStagedV1,
    key: 'store_id',
    stream: 'prices',
  },
  {
    type: 'promotions.snapshot',
    version: 1,
    direction: C,
    schema: cloud.promotionsSnapshotV1,
    key: 'store_id',
    stream: 'promotions',
  },
  {
    type: 'promotions.delta',
    version: 1,
    direction: C,
    schema: cloud.promotionsDeltaV1,
    key: 'store_id',
    stream: 'promotions',
  },
  {
    type: 'tax.table.snapshot',
    version: 1,
    direction: C,
    schema: cloud.taxTableSnapshotV1,
    key: 'store_id',
    stream: 'tax',
  },
  {
    type: 'store.config',
    version: 1,
    direction: C,
    schema: cloud.storeConfigV1,
    key: 'store_id',
    stream: 'config',
  },
  {
    type: 'staff.users',
    version: 1,
    direction: C,
    schema: cloud.staffUsersV1,
    key: 'store_id',
    stream: 'staff',
  },
  {
    type: 'customer.blocklist',
    version: 1,
    direction: C,
    schema: cloud.customerBlocklistV1,
    key: 'store_id',
    stream: 'blocklist',
  },
  {
    type: 'loyalty.coupons',
    version: 1,
    direction: C,
    schema: cloud.loyaltyCouponsV1,
    key: 'store_id',
    stream: 'coupons',
  },
  { type: 'fiscal.registered', version: 1, direction: C, schema: cloud.fiscalRegisteredV1, key: 'store_id' },
  {
    type: 'payment.notification',
    version: 1,
    direction: C,
    schema: cloud.paymentNotificationV1,
    key: 'store_id',
  },
  {
    type: 'refund.notification',
    version: 1,
    direction: C,
    schema: cloud.refundNotificationV1,
    key: 'store_id',
  },
  {
    type: 'command.resend_receipt',
    version: 1,
    direction: C,
    schema: cloud.commandResendReceiptV1,
    key: 'store_id',
  },
  {
    type: 'command.rerun_fulfilment',
    version: 1,
    direction: C,
    schema: cloud.commandRerunFulfilmentV1,
    key: 'store_id',
  },
  {
    type: 'command.mark_order_paid',
    version: 1,
    direction: C,
    schema: cloud.commandMarkOrderPaidV1,
    key: 'store_id',
  },
  {
    type: 'command.void_basket',
    version: 1,
    direction: C,
    schema: cloud.commandVoidBasketV1,
    key: 'store_id',
  },
  {
    type: 'command.lock_device',
    version: 1,
    direction: C,
    schema: cloud.commandDeviceLockV1,
    key: 'store_id',
  },
  {
    type: 'command.unlock_device',
    version: 1,
    direction: C,
    schema: cloud.commandDeviceLockV1,
    key: 'store_id',
  },
  {
    type: 'command.request_diagnostics',
    version: 1,
    direction: C,
    schema: cloud.commandRequestDiagnosticsV1,
    key: 'store_id',
  },
  { type: 'command.resync', version: 1, direction: C, schema: cloud.commandResyncV1, key: 'store_id' },
];

const REGISTRY = new Map<string, EventDefinition>();
const KNOWN_TYPES = new Map<string, number[]>();

/**
 * Adds a (type, version) to the registry: how a consumer learns a new event version without a
 * redeploy of the protocol package (and how dead letters of that version become replayable).
 * Re-registering an existing (type, version) is refused: a schema never changes under a version.
 */
export function registerEventDefinition(d: EventDefinition): void {
  const k = `${d.type}@${d.version}`;
  if (REGISTRY.has(k)) throw new Error(`${k} is already registered`);
  REGISTRY.set(k, d);
  KNOWN_TYPES.set(
    d.type,
    [...(KNOWN_TYPES.get(d.type) ?? []), d.version].sort((a, b) => a - b),
  );
}
for (const d of DEFINITIONS) registerEventDefinition(d);

export const EVENT_DEFINITIONS: readonly EventDefinition[] = DEFINITIONS;
export const STORE_TO_CLOUD_TYPES = DEFINITIONS.filter((d) => d.direction === S).map((d) => d.type);
export const CLOUD_TO_STORE_TYPES = DEFINITIONS.filter((d) => d.direction === C).map((d) => d.type);

export type DeadLetterCode =
  | 'MALFORMED_JSON'
  | 'INVALID_ENVELOPE'
  | 'UNKNOWN_EVENT_TYPE'
  | 'UNKNOWN_EVENT_VERSION'
  | 'WRONG_DIRECTION'
  | 'INVALID_PAYLOAD'
  | 'KEY_MISMATCH'
  | 'STORE_MISMATCH'
  | 'UNKNOWN_TOPIC';

/** Why a record went to the dead letters: `{ code, message, details }` like every Kassa error. */
export interface DeadLetterReason {
  code: DeadLetterCode;
  message: string;
  details: Record<string, unknown>;
}

export type LookupResult =
  { ok: true; definition: EventDefinition } | { ok: false; reason: DeadLetterReason };

export function lookupEvent(type: string, version: number): LookupResult {
  const d = REGISTRY.get(`${type}@${version}`);
  if (d) return { ok: true, definition: d };
  const versions = KNOWN_TYPES.get(type);
  if (!versions)
    return {
      ok: false,
      reason: {
        code: 'UNKNOWN_EVENT_TYPE',
        message: `unknown event type "${type}"`,
        details: { type, version },
      },
    };
  return {
    ok: false,
    reason: {
      code: 'UNKNOWN_EVENT_VERSION',
      message: `no schema for ${type} version ${version}`,
      details: { type, version, known_versions: versions },
    },
  };
}

export type DecodeResult<T = unknown> =
  | { ok: true; event: Envelope<T>; definition: EventDefinition }
  | { ok: false; reason: DeadLetterReason; envelope?: Partial<Envelope> };

export interface DecodeOptions {
  /** The direction the consumer expects: HQ reads store_to_cloud, the hub cloud_to_store. */
  direction?: Direction;
  /**
   * The topic the record came from. The envelope's `store_id` must be the topic's store (only
   * that store's principal can write there), so one store cannot speak as another.
   */
  topic?: string;
}

function issues(err: z.ZodError): Record<string, unknown> {
  return {
    issues: err.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
  };
}

/** Decodes one record (its value as text or bytes, or an already parsed object). */
export function decodeEvent(raw: unknown, opts: DecodeOptions = {}): DecodeResult {
  let value = raw;
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    const text = typeof raw === 'string' ? raw : new TextDecoder('utf-8', { fatal: false }).decode(raw);
    try {
      value = JSON.parse(text) as unknown;
    } catch (err) {
      return {
        ok: false,
        reason: {
          code: 'MALFORMED_JSON',
          message: 'the record is not JSON',
          details: { error: String(err).slice(0, 200), length: text.length },
        },
      };
    }
  }
  const env = envelopeSchema.safeParse(value);
  if (!env.success) {
    return {
      ok: false,
      reason: {
        code: 'INVALID_ENVELOPE',
        message: 'the envelope does not match §6.1',
        details: issues(env.error),
      },
      envelope: pickEnvelope(value),
    };
  }
  const e = env.data;
  const head = { ...e, data: undefined };
  const fail = (reason: DeadLetterReason): DecodeResult => ({ ok: false, reason, envelope: head });

  if (opts.topic !== undefined) {
    const t = parseTopic(opts.topic);
    if (!t)
      return fail({
        code: 'UNKNOWN_TOPIC',
        message: `topic ${opts.topic} is not a Kassa store topic`,
        details: {},
      });
    if (t.storeId !== e.store_id)
      return fail({
        code: 'STORE_MISMATCH',
        message: `an event for store ${e.store_id} arrived on store ${t.storeId}'s topic`,
        details: { topic: opts.topic, topic_store_id: t.storeId, envelope_store_id: e.store_id },
      });
  }
  const found = lookupEvent(e.type, e.version);
  if (!found.ok) return fail(found.reason);
  const def = found.definition;
  if (opts.direction && def.direction !== opts.direction)
    return fail({
      code: 'WRONG_DIRECTION',
      message: `${e.type} travels ${def.direction.replace(/_/g, ' ')}`,
      details: { type: e.type, expected: opts.direction },
    });
  const data = def.schema.safeParse(e.data);
  if (!data.success)
    return fail({
      code: 'INVALID_PAYLOAD',
      message: `the data of ${e.type} v${e.version} does not match its schema`,
      details: { type: e.type, version: e.version, ...issues(data.error) },
    });
  const keyError = checkKey(def, e.key, e.store_id, data.data);
  if (keyError) return fail(keyError);
  return { ok: true, event: { ...e, data: data.data }, definition: def };
}

function checkKey(
  def: EventDefinition,
  key: string,
  storeId: string,
  data: unknown,
): DeadLetterReason | null {
  if (def.key === 'any') return null;
  const want = def.key === 'store_id' ? storeId : keyFromData(def.key, data);
  // An event whose payload does not name its key (e.g. payment.attempt without order_id) is keyed as sent.
  if (want === undefined || want === key) return null;
  return {
    code: 'KEY_MISMATCH',
    message: `${def.type} must be keyed by its ${def.key} (§6.1)`,
    details: { key, expected: want },
  };
}

function keyFromData(field: string, data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const direct = d[field];
  if (typeof direct === 'string') return direct;
  const order = d.order;
  if (field === 'order_id' && typeof order === 'object' && order !== null) {
    const v = (order as Record<string, unknown>).order_id;
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/** Whatever envelope fields could be read from a record that failed validation (for the dead letter). */
function pickEnvelope(value: unknown): Partial<Envelope> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ['event_id', 'type', 'version', 'store_id', 'hub_seq', 'key'])
    if (typeof v[k] === 'string' || typeof v[k] === 'number') out[k] = v[k];
  return out as Partial<Envelope>;
}
