/**
 * The event envelope (spec/store.md §6.1). Strict: an envelope with a missing or extra field is
 * refused whole, because every consumer relies on exactly these fields for de-duplication
 * (`event_id`), ordering and gap detection (`hub_seq`) and routing (`type`, `version`).
 *
 * For cloud → store messages `hub_seq` is HQ's publish sequence for that store's stream and
 * `device_id` is null; `data` carries the stream's own monotonic version (`stream_version`).
 */
import { z } from 'zod';
import { storeIdSchema } from './topics';
import { dateSchema, idSchema, instantSchema } from './wire';

export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

export const envelopeSchema = z.strictObject({
  event_id: z.uuid(),
  type: z.string().regex(EVENT_TYPE_PATTERN, 'a dotted lower-case event type such as "order.completed"'),
  version: z.number().int().min(1).max(1000),
  store_id: storeIdSchema,
  device_id: idSchema.nullable(),
  occurred_at: instantSchema,
  business_date: dateSchema,
  hub_seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  key: z.string().min(1).max(256),
  data: z.unknown(),
});

export type Envelope<T = unknown> = Omit<z.output<typeof envelopeSchema>, 'data'> & { data: T };
