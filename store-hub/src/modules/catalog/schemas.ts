import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';

export const importDocSchema = z.looseObject({
  store_config: z.unknown().optional(),
  categories: z.array(z.unknown()).optional(),
  items: z.array(z.unknown()).optional(),
  promotions: z.array(z.unknown()).optional(),
  tax_table: z.array(z.unknown()).optional(),
  staff: z.array(z.unknown()).optional(),
});

export const importReportSchema = z.object({
  file: z.string(),
  applied: z.boolean(),
  counts: z.record(z.string(), z.number()),
  rejected: z.array(
    z.object({
      section: z.string(),
      index: z.number(),
      id: z.string().optional(),
      path: z.string(),
      message: z.string(),
    }),
  ),
  warnings: z.array(z.string()),
});

export const healthSchema = z.object({
  ok: z.boolean(),
  pricing_engine: z.string(),
  configured: z.boolean(),
});

export const catalogEndpoints = {
  health: endpoint({
    id: 'health',
    method: 'get',
    path: '/healthz',
    summary: 'liveness, the pricing engine in use, whether the store is configured',
    auth: 'none',
    idempotency: 'none',
    response: healthSchema,
    status: [200],
    errors: [],
  }),
  importCatalog: endpoint({
    id: 'importCatalog',
    method: 'post',
    path: '/v1/catalog/import',
    summary:
      'import a document (same format as the CLI), all-or-nothing; 422 with the report when rows are rejected',
    auth: 'staff',
    idempotency: 'optional',
    body: importDocSchema,
    response: importReportSchema,
    status: [200, 422],
    errors: ['PERMISSION_DENIED'],
  }),
} as const;
