/**
 * socket.io events (same origin as the API, `auth: { token }` with a dev_… or stf_… token):
 * names and payload schemas. Node-free, shared by the hub and the browser client.
 * Rooms: a paired client hears its own events; staff hear the 'staff' events.
 */
import { z } from 'zod';
import { basketSchema } from '../modules/baskets/schemas';
import { interventionSchema } from '../modules/interventions/schemas';
import { orderSchema } from '../modules/orders/schemas';
import { checkpointSchema, replicatedDocSchema } from '../modules/replication/schemas';
import { lockoutSchema } from '../modules/security/schemas';
import { scaleReadingEventSchema } from '../lanes/schemas';

export const LIVE_EVENTS = {
  /** On connect, to a paired client: its active (or checked-out) basket and open order. */
  state: z.object({
    basket: basketSchema.nullable(),
    order: z.object({ order_id: z.string(), order_status: z.string() }).nullable(),
  }),
  /** To the kiosk that owns the basket, and to staff (the lanes board updates from it). */
  'basket.updated': basketSchema,
  /**
   * Instead of 'basket.updated' for a socket that connected with `auth: { token,
   * basket_events: 'version' }` (a kiosk using the delta answers): the basket's new version
   * only. A version newer than the one the kiosk holds means someone else changed it (staff,
   * a lane scanner, expiry): GET the basket (client: basketIsStale).
   */
  'basket.version': z.object({
    basket_id: z.string(),
    version: z.number().int(),
    state: basketSchema.shape.state,
  }),
  'intervention.created': interventionSchema,
  'intervention.decided': interventionSchema,
  'payment.prompt': z.object({ order_id: z.string(), tender_id: z.string(), prompt: z.string() }),
  'payment.result': orderSchema,
  /** To the kiosk: the full order; to staff: a summary. */
  'order.completed': z.union([
    orderSchema,
    z.object({ order_id: z.string(), o_id: z.number(), total: z.string() }),
  ]),
  'orders.abandoned': z.object({ order_ids: z.array(z.string()) }),
  'receipt.status': z.object({ order_id: z.string(), status: z.string() }),
  /** A lane device (hub-attached scanner) event routed to its kiosk. */
  'device.event': z.looseObject({
    type: z.string(),
    code: z.string().optional(),
    line_id: z.string().optional(),
    error: z.object({ code: z.string(), message: z.string() }).loose().optional(),
  }),
  /**
   * To one kiosk socket that sent `scale.watch` (src/lanes/schemas.ts): its lane scale's
   * reading, at the start and on every change, until `scale.unwatch` or the socket goes.
   */
  'scale.reading': scaleReadingEventSchema,
  /** To staff: an account or client address was locked after repeated wrong PINs or pairing codes. */
  'security.lockout': lockoutSchema,
  /** To staff: a receipt passed or failed the exit check (the console's orders and exit-check screens). */
  'order.verified': z.object({ order_id: z.string() }),
  'order.verification_failed': z.object({ order_id: z.string() }),
  /** To staff: a refund's outcome, after it committed (with its outbox event). */
  'refund.completed': z.object({ refund_id: z.string(), order_id: z.string() }),
  'refund.failed': z.object({ refund_id: z.string(), order_id: z.string() }),
  /** To staff: something staff should look at (e.g. PRICING_MISMATCH, with its context). §6.2 spells it without a dot. */
  alert: z.looseObject({ code: z.string() }),
  /** To staff: a paired client was revoked (its own sockets are dropped instead). */
  'device.revoked': z.object({ device_id: z.string() }),
  /**
   * Reference data changed, to every kiosk (a kiosk's own baskets are never announced). Each
   * `changes` entry is one collection's changed documents (tombstones `_deleted: true` too) with
   * the checkpoint after them: RxDB's `pull.stream$` item for that collection alone. A collection
   * in `pull` changed too much to carry: pull it from the kiosk's checkpoint. `checkpoint` is
   * the hub's clock: every reference change up to it has been announced. On connect the event
   * carries `checkpoint` only (the kiosk pulls what it missed: RxDB's RESYNC).
   */
  'replication.changed': z.object({
    checkpoint: z.number(),
    changes: z
      .array(
        z.object({
          collection: z.string(),
          documents: z.array(replicatedDocSchema),
          checkpoint: checkpointSchema,
        }),
      )
      .default([]),
    pull: z.array(z.string()).default([]),
  }),
} as const;

export type LiveEventName = keyof typeof LIVE_EVENTS;
export type LiveEventPayload<N extends LiveEventName> = z.output<(typeof LIVE_EVENTS)[N]>;
