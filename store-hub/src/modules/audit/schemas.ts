import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';

export const auditQuerySchema = z.object({
  q: z.string().max(200).optional(),
  action: z.string().max(64).optional(),
  staff: z.string().max(64).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const auditEntrySchema = z.object({
  audit_id: z.number().int(),
  at: z.string(),
  staff_username: z.string().nullable(),
  device: z.string().nullable(),
  action: z.string(),
  subject: z.string().nullable(),
  what: z.string(),
  why: z.string().nullable(),
});

export const auditEndpoints = {
  consoleAudit: endpoint({
    id: 'consoleAudit',
    method: 'get',
    path: '/v1/console/audit',
    summary: 'search the audit log (newest first)',
    auth: 'staff',
    idempotency: 'none',
    query: auditQuerySchema,
    response: z.object({ entries: z.array(auditEntrySchema) }),
    status: [200],
    errors: ['PERMISSION_DENIED'],
  }),
} as const;
