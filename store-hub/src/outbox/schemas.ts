/**
 * The outbox envelope (spec/store.md §6.1) and the staff endpoints that read it. Node-free.
 * The relay to the cloud (src/sync/, cloud-sync engineer) reads rows with readOutbox and marks
 * them with markOutboxSent / markOutboxFailed (./index.ts).
 */
import { z } from 'zod';
import { endpoint } from '../platform/http/contract';

/** Event types the hub writes today; other modules add theirs (the column is free text). */
export const OUTBOX_EVENT_TYPES = [
  'order.completed',
  'order.cancelled',
  'payment.attempt',
  'analytics.event',
] as const;
export type KnownOutboxEventType = (typeof OUTBOX_EVENT_TYPES)[number];

export const outboxEnvelopeSchema = z.object({
  event_id: z.string(),
  type: z.string(),
  version: z.number().int(),
  store_id: z.string(),
  device_id: z.string().nullable(),
  occurred_at: z.string(),
  business_date: z.string(),
  /** Per-hub monotonic sequence (the row's autoincrement key). */
  hub_seq: z.number().int(),
  /** Partition key: the order id, or the store id for store-wide events. */
  key: z.string(),
  data: z.unknown(),
});
export type OutboxEnvelope = z.output<typeof outboxEnvelopeSchema>;

export const outboxStatusSchema = z.object({
  backlog: z.number().int(),
  oldest_unsent_at: z.string().nullable(),
  last_hub_seq: z.number().int(),
  /** The cloud relay and inbox (src/sync) when sync runs: connection, last error, stream versions. */
  sync: z.looseObject({}).nullable().optional(),
});

export const outboxQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const outboxEndpoints = {
  syncStatus: endpoint({
    id: 'syncStatus',
    method: 'get',
    path: '/v1/sync/status',
    summary: 'outbox backlog: unsent events, the oldest unsent, the last hub_seq',
    auth: 'staff',
    idempotency: 'none',
    response: outboxStatusSchema,
    status: [200],
    errors: [],
  }),
  readOutbox: endpoint({
    id: 'readOutbox',
    method: 'get',
    path: '/v1/sync/outbox',
    summary: 'outbox envelopes after a hub_seq, in order',
    auth: 'staff',
    idempotency: 'none',
    query: outboxQuerySchema,
    response: z.array(outboxEnvelopeSchema),
    status: [200],
    errors: [],
  }),
} as const;
