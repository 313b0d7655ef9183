import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';

export const LOCKOUT_SCOPES = ['staff_account', 'staff_address', 'pairing_address', 'pairing_all'] as const;

export const lockoutSchema = z.object({
  scope: z.enum(LOCKOUT_SCOPES),
  /** The username, the client address, or '*' for the hub-wide pairing limit. */
  key: z.string(),
  failures: z.number().int(),
  locked_until: z.string(),
});

export const securityEndpoints = {
  listLockouts: endpoint({
    id: 'listLockouts',
    method: 'get',
    path: '/v1/staff/lockouts',
    summary: 'accounts and client addresses locked after repeated wrong PINs or pairing codes',
    auth: 'staff',
    idempotency: 'none',
    response: z.array(lockoutSchema),
    status: [200],
    errors: [],
  }),
  clearLockout: endpoint({
    id: 'clearLockout',
    method: 'post',
    path: '/v1/staff/lockouts/clear',
    summary: 'lift one lockout early (a manager who checked who was trying)',
    auth: 'staff',
    idempotency: 'optional',
    body: z.object({ scope: z.enum(LOCKOUT_SCOPES), key: z.string().min(1).max(200) }),
    response: z.object({ cleared: z.boolean() }),
    status: [200],
    errors: ['PERMISSION_DENIED'],
  }),
} as const;
