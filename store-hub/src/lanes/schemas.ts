import { z } from 'zod';
import { endpoint } from '../platform/http/contract';
import { addLineResultSchema, scannedCodeSchema, symbologySchema } from '../modules/baskets/schemas';

export const deviceEventSchema = z.object({
  type: z.enum(['scan', 'status']),
  code: scannedCodeSchema.optional(),
  symbology: symbologySchema.optional(),
  status: z.string().max(200).optional(),
});

export const deviceEventResultSchema = z.union([
  addLineResultSchema.extend({ routed_to: z.string() }),
  z.object({ routed_to: z.string() }),
]);

/**
 * What a lane's scale reads now, as the hub last polled it (the live weight the kiosk shows
 * while an item is on the scale). Only the hub's own reading ever becomes a line's weight.
 */
export const scaleReadingSchema = z.object({
  status: z.enum(['stable', 'moving', 'overload', 'underload']),
  /** Net weight in whole grams; null when over- or underloaded. */
  weight_g: z.number().int().nullable(),
  at: z.string(),
});
export type ScaleReadingView = z.output<typeof scaleReadingSchema>;

export const laneScaleSchema = z.object({
  /** False: the kiosk's lane has no scale (type the weight instead). */
  attached: z.boolean(),
  device_id: z.string().nullable(),
  /** The scale's health: online, offline, error (not answering), unknown. */
  health: z.string().nullable(),
  reading: scaleReadingSchema.nullable(),
});
export type LaneScale = z.output<typeof laneScaleSchema>;

export const laneEndpoints = {
  reportDeviceEvent: endpoint({
    id: 'reportDeviceEvent',
    method: 'post',
    path: '/v1/devices/events',
    summary: 'a paired lane device (scanner) reports an event; a scan goes to its lane kiosk’s active basket',
    auth: 'device',
    idempotency: 'required',
    body: deviceEventSchema,
    response: deviceEventResultSchema,
    status: [201, 200],
    errors: ['NO_LANE', 'NO_ACTIVE_BASKET', 'ITEM_NOT_FOUND', 'INVALID_BARCODE', 'BASKET_LINE_LIMIT'],
  }),
  getLaneScale: endpoint({
    id: 'getLaneScale',
    method: 'get',
    path: '/v1/lane/scale',
    summary: 'whether the calling kiosk’s lane has a scale, and what it reads now (live weight)',
    auth: 'device',
    idempotency: 'none',
    response: laneScaleSchema,
    status: [200],
    errors: [],
  }),
} as const;

/*
 * Live weight over socket.io, for a kiosk showing its scale screen (instead of polling
 * GET /v1/lane/scale). The kiosk emits `scale.watch` (payload `{}`, with an acknowledgement):
 * the hub answers the lane's scale as GET /v1/lane/scale does (`{ data: LaneScale }`) and, for
 * as long as that socket watches, reads the scale continuously and emits `scale.reading` to that
 * socket only, once at the start and then whenever the weight or state changes. `scale.unwatch`
 * (or the socket going away) ends it; the hub stops reading a scale nobody watches.
 */

/** The client's `scale.watch` / `scale.unwatch` payload: nothing yet (an object for growth). */
export const scaleWatchRequestSchema = z.object({}).strict();

/** The acknowledgement of `scale.watch` / `scale.unwatch`. */
export const scaleWatchAckSchema = z.union([
  z.object({ data: laneScaleSchema }),
  z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }) }),
]);
export type ScaleWatchAck = z.output<typeof scaleWatchAckSchema>;

/** `scale.reading`: what the watched scale reads now; sent only when it changed. */
export const scaleReadingEventSchema = z.object({
  device_id: z.string(),
  /** A weight (stable or moving), out of range either way, or no usable reading (unplugged, not answering). */
  state: z.enum(['stable', 'moving', 'overload', 'underload', 'offline']),
  /** state === 'stable': the weight a line added by scale would take now. */
  stable: z.boolean(),
  /** Net weight in whole grams (negative below zero); null when over-/underloaded or offline. */
  weight_g: z.number().int().nullable(),
  at: z.string(),
});
export type ScaleReadingEvent = z.output<typeof scaleReadingEventSchema>;
