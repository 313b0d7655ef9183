/** The filters every sales and KPI view takes (§8.1): a date range on one date basis, stores, devices, demo. */
import { z } from 'zod';

const date = z.iso.date();
const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().min(1).max(128)).max(500));

export const salesFilterSchema = z
  .object({
    from: date,
    to: date,
    basis: z.enum(['business', 'calendar']).default('business'),
    stores: list.optional(),
    devices: list.optional(),
    include_demo: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
      .transform((v) => v === true || v === 'true' || v === '1')
      .default(false),
  })
  .refine((f) => f.from <= f.to, { message: 'the start date must not be after the end date', path: ['from'] })
  .refine((f) => (Date.parse(f.to) - Date.parse(f.from)) / 86_400_000 <= 366 * 3, {
    message: 'choose at most three years',
    path: ['to'],
  });
export type SalesFilter = z.output<typeof salesFilterSchema>;

/** The column of the chosen date basis (both are stored on every row, §8.1 "ours: always both"). */
export const dateColumn = (f: SalesFilter): 'business_date' | 'calendar_date' =>
  f.basis === 'business' ? 'business_date' : 'calendar_date';
