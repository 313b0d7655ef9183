import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';

export const syncStatusSchema = z.object({
  unsent: z.number().int(),
  oldest_unsent_at: z.string().nullable(),
  oldest_unsent_age_seconds: z.number().nullable(),
  sent: z.number().int(),
  last_error: z.string().nullable(),
  last_contact_at: z.string().nullable(),
});

export const consoleSyncEndpoints = {
  consoleSync: endpoint({
    id: 'consoleSync',
    method: 'get',
    path: '/v1/console/sync',
    summary: 'outbox backlog, oldest unsent age and the last delivery to HQ',
    auth: 'staff',
    idempotency: 'none',
    response: syncStatusSchema,
    status: [200],
    errors: ['PERMISSION_DENIED'],
  }),
} as const;
