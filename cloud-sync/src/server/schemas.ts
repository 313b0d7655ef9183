/** Request schemas of the HQ API (also the source of its OpenAPI document). */
import { z } from 'zod';

const date = z.iso.date();

export const publishBodySchema = z
  .strictObject({
    mode: z.enum(['snapshot', 'delta']).default('snapshot'),
    store_ids: z.array(z.string().min(1).max(64)).max(10_000).optional(),
    groups: z.array(z.string().min(1).max(64)).max(100).optional(),
    /** JSON sections in the hub's import format. */
    document: z
      .strictObject({
        items: z.array(z.unknown()).max(500_000).optional(),
        categories: z.array(z.unknown()).max(100_000).optional(),
        promotions: z.array(z.unknown()).max(100_000).optional(),
        tax_table: z.array(z.unknown()).max(10_000).optional(),
      })
      .optional(),
    /** Or one CSV file (items for the catalogue, rows for the tax table). */
    csv: z.string().max(64_000_000).optional(),
    deletes: z.array(z.string().min(1).max(200)).max(500_000).optional(),
    dry_run: z.boolean().default(false),
  })
  .refine((b) => (b.document === undefined) !== (b.csv === undefined), {
    message: 'send exactly one of document and csv',
  })
  .refine((b) => (b.store_ids?.length ?? 0) + (b.groups?.length ?? 0) > 0, {
    message: 'name at least one store or group',
  });

export const salesQuerySchema = z.object({
  from: date,
  to: date,
  basis: z.enum(['business', 'calendar']).default('business'),
  store_ids: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').filter(Boolean) : undefined)),
  device_ids: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').filter(Boolean) : undefined)),
  include_demo: z
    .enum(['true', 'false'])
    .default('false')
    .transform((s) => s === 'true'),
});

export const replayBodySchema = z.strictObject({
  store_id: z.string().min(1).max(64).optional(),
  ids: z.array(z.string().regex(/^\d+$/)).max(10_000).optional(),
});
