import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';
import { pairingCodeSchema } from '../clients/schemas';

export const staffLoginSchema = z.object({
  username: z.string().min(1).max(64),
  pin: z.string().min(1).max(64),
});

export const staffPermissionsSchema = z.record(z.string(), z.boolean());

export const staffUserSchema = z.object({
  user_id: z.string(),
  username: z.string(),
  display_name: z.string(),
  permissions: staffPermissionsSchema,
});
export type StaffUser = z.output<typeof staffUserSchema>;

export const staffSessionSchema = z.object({
  token: z.string(),
  expires_at: z.string(),
  user: staffUserSchema,
});

export const staffEndpoints = {
  staffLogin: endpoint({
    id: 'staffLogin',
    method: 'post',
    path: '/v1/staff/sessions',
    summary: 'staff sign-in with username and PIN; answers a stf_… session token',
    auth: 'none',
    idempotency: 'none',
    body: staffLoginSchema,
    response: staffSessionSchema,
    status: [201],
    errors: ['STAFF_LOGIN_FAILED', 'TOO_MANY_ATTEMPTS'],
  }),
  createPairingCode: endpoint({
    id: 'createPairingCode',
    method: 'post',
    path: '/v1/staff/pairing-codes',
    summary: 'a new 8-digit pairing code for a client',
    auth: 'staff',
    idempotency: 'none',
    response: pairingCodeSchema,
    status: [201],
    errors: [],
  }),
} as const;
