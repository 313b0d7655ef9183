import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';
import { pageQuery } from '../console/page';

const id = z.object({ id: z.string().min(1).max(64) });
const counts = z
  .record(z.string().max(16), z.number().int().min(0).max(100000))
  .refine((o) => Object.keys(o).length <= 30, 'at most 30 denominations');

export const shiftSchema = z.object({
  shift_id: z.string(),
  store_shift_id: z.number().int(),
  device_id: z.string(),
  retailer_device_id: z.string(),
  status: z.enum(['open', 'closed']),
  start_time: z.string(),
  end_time: z.string().nullable(),
  start_amount: z.string(),
  cash_sales: z.string(),
  cash_returns: z.string(),
  paid_in: z.string(),
  paid_out: z.string(),
  bank_drops: z.string(),
  expected: z.string(),
  counted: z.string().nullable(),
  mismatch: z.string().nullable(),
  movements: z.array(z.object({ kind: z.string(), amount: z.string(), reason: z.string(), at: z.string() })),
});

export const cashReportRowSchema = z.object({
  register: z.string(),
  business_date: z.string(),
  shift_count: z.number().int(),
  cash_activity_count: z.number().int(),
  transaction_count: z.number().int(),
  cash_sales: z.string(),
  cash_tax: z.string(),
  cash_returns: z.string(),
  mismatch: z.string(),
  bank_drops: z.string(),
});

const shiftErrors = [
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'CSRF_TOKEN_INVALID',
  'DENOMINATION_MISMATCH',
] as const;

export const shiftEndpoints = {
  consoleRegisters: endpoint({
    id: 'consoleRegisters',
    method: 'get',
    path: '/v1/console/registers',
    summary: 'registers (paired lanes) that can hold a shift',
    auth: 'staff',
    idempotency: 'none',
    response: z.object({
      registers: z.array(
        z.object({ device_id: z.string(), retailer_device_id: z.string(), name: z.string() }),
      ),
    }),
    status: [200],
    errors: ['PERMISSION_DENIED'],
  }),
  consoleCurrentShift: endpoint({
    id: 'consoleCurrentShift',
    method: 'get',
    path: '/v1/console/registers/:id/shift',
    summary: 'the open shift of a register (null when none)',
    auth: 'staff',
    idempotency: 'none',
    params: id,
    response: shiftSchema.nullable(),
    status: [200],
    errors: ['PERMISSION_DENIED'],
  }),
  consoleOpenShift: endpoint({
    id: 'consoleOpenShift',
    method: 'post',
    path: '/v1/console/shifts',
    summary: 'open a shift on a register with a float counted by denomination (opens the drawer)',
    auth: 'staff',
    idempotency: 'optional',
    body: z.object({ device_id: z.string().min(1).max(64), denominations: counts }),
    response: shiftSchema,
    status: [201],
    errors: [...shiftErrors, 'SHIFT_ALREADY_OPEN', 'WORKER_ID_REQUIRED'],
  }),
  consoleShiftMovement: endpoint({
    id: 'consoleShiftMovement',
    method: 'post',
    path: '/v1/console/shifts/:id/movements',
    summary: 'paid in, paid out or bank drop (opens the drawer)',
    auth: 'staff',
    idempotency: 'optional',
    params: id,
    body: z.object({
      kind: z.enum(['paid_in', 'paid_out', 'bank_drop']),
      amount: z
        .string()
        .trim()
        .regex(/^\d{1,9}(\.\d{1,4})?$/, 'an amount like 12.50'),
      reason: z.string().trim().min(1).max(200),
    }),
    response: shiftSchema,
    status: [200],
    errors: [...shiftErrors, 'SHIFT_CLOSED', 'CASH_UP_UNBALANCED'],
  }),
  consoleCloseShift: endpoint({
    id: 'consoleCloseShift',
    method: 'post',
    path: '/v1/console/shifts/:id/close',
    summary:
      'close with counted denominations (left in the drawer and to the bank); expected vs counted, variance recorded',
    auth: 'staff',
    idempotency: 'optional',
    params: id,
    body: z.object({ end_denominations: counts, removed_denominations: counts.default({}) }),
    response: shiftSchema,
    status: [200],
    errors: [...shiftErrors, 'SHIFT_CLOSED'],
  }),
  consoleCashReport: endpoint({
    id: 'consoleCashReport',
    method: 'get',
    path: '/v1/console/reports/cash',
    summary:
      'cash report per register for a business date, or each date of a range (§7.5), in pages by date then register',
    auth: 'staff',
    idempotency: 'none',
    query: z
      .object({
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
        /** Last business date of a range starting at `date` (inclusive). */
        to: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
          .optional(),
        ...pageQuery,
      })
      .refine((q) => q.to === undefined || q.to >= q.date, {
        message: 'to is on or after date',
        path: ['to'],
      }),
    response: z.object({ rows: z.array(cashReportRowSchema), next_cursor: z.string().nullable() }),
    status: [200],
    errors: ['PERMISSION_DENIED', 'VALIDATION_FAILED'],
  }),
} as const;
