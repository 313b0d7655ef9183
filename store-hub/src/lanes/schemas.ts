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
} as const;
