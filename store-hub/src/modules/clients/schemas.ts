/**
 * Paired clients: kiosks, cashier tills, mPOS and hub-attached devices that call the API with
 * a per-client bearer token (the `devices` table). Hub-attached hardware driven by the hub
 * itself lives in src/lanes/.
 */
import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';

export const CLIENT_KINDS = [
  'self_checkout',
  'cashier',
  'mpos',
  'exit_gate',
  'printer',
  'payment_terminal',
  'scanner',
] as const;

export const pairRequestSchema = z.object({
  code: z.string().regex(/^\d{8}$/, 'the 8-digit pairing code'),
  name: z.string().min(1).max(100),
  retailer_device_id: z.string().min(1).max(30),
  kind: z.enum(CLIENT_KINDS).default('self_checkout'),
  platform: z.string().min(1).max(40).default('android_kiosk'),
  /** A hub-attached device (scanner) serving a kiosk lane. */
  lane_device_id: z.string().min(1).nullable().default(null),
  /**
   * Pairing again with the retailer_device_id of a live client is refused unless this is set:
   * then the old client's token is revoked and this one takes its place.
   */
  replace: z.boolean().default(false),
});
export type PairRequest = z.output<typeof pairRequestSchema>;

export const pairResponseSchema = z.object({
  device_id: z.string(),
  token: z.string(),
  replaced_device_id: z.string().nullable().optional(),
});

export const pairingCodeSchema = z.object({ code: z.string(), expires_at: z.string() });

export const pairEndpoint = endpoint({
  id: 'pairDevice',
  method: 'post',
  path: '/v1/devices/pair',
  summary: 'pair a client (kiosk, till…) with a pairing code; answers its device_id and bearer token',
  auth: 'none',
  idempotency: 'none',
  body: pairRequestSchema,
  response: pairResponseSchema,
  status: [201],
  errors: ['PAIRING_CODE_INVALID', 'LANE_UNKNOWN', 'DEVICE_ALREADY_PAIRED', 'TOO_MANY_ATTEMPTS'],
});

export const clientEndpoints = { pairDevice: pairEndpoint } as const;
