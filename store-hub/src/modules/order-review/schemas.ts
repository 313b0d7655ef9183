import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';
import { pageQuery } from '../console/page';

const id = z.object({ id: z.string().min(1).max(64) });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const amount = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,4})?$/, 'an amount like 12.50');

export const orderSummarySchema = z.object({
  order_id: z.string(),
  o_id: z.number().int(),
  receipt_number: z.string().nullable(),
  order_status: z.string(),
  retailer_device_id: z.string(),
  total: z.string(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});

export const verificationSchema = z.object({
  outcome: z.string(),
  reason: z.string().nullable(),
  staff: z.string(),
  at: z.string(),
});

export const refundPartSchema = z.object({
  method: z.enum(['card', 'cash']),
  card: z.string().nullable(),
  amount: z.string(),
  status: z.enum(['PROCESSING', 'REFUNDED', 'FAILED']),
});

export const refundRecordSchema = z.object({
  refund_id: z.string(),
  order_id: z.string(),
  status: z.enum(['CREATED', 'PROCESSING', 'REFUNDED', 'PSP_FAILED', 'FAILED']),
  mode: z.enum(['F', 'P']),
  method: z.enum(['card', 'cash']),
  amount: z.string(),
  tax_amount: z.string(),
  reason: z.string(),
  created_at: z.string(),
  refund_poslog: z.string().nullable(),
  lines: z.array(
    z.object({
      line_id: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      amount: z.string(),
      tax_amount: z.string(),
    }),
  ),
  /** Where the money went back: one part per card tender (largest first), then cash. */
  parts: z.array(refundPartSchema),
  failure: z.string().nullable(),
});

export const orderDetailSchema = orderSummarySchema.extend({
  lines: z.array(
    z.object({
      line_id: z.string(),
      item_name: z.string(),
      quantity: z.number(),
      unit_price: z.string(),
      payable: z.string(),
      tax: z.string(),
      promotions: z.array(z.object({ title: z.string(), discount: z.string() })),
    }),
  ),
  promotions: z.array(z.object({ title: z.string(), discount: z.string() })),
  tax_breakup: z.array(
    z.object({
      tax_level: z.string(),
      tax_percent: z.string(),
      taxable_amount: z.string(),
      tax_amount: z.string(),
    }),
  ),
  tenders: z.array(
    z.object({
      method: z.string(),
      amount: z.string(),
      status: z.string(),
      card_brand: z.string().nullable(),
      card_last4: z.string().nullable(),
    }),
  ),
  receipt_text: z.string().nullable(),
  verifications: z.array(verificationSchema),
  refunds: z.array(refundRecordSchema),
  printers: z.array(z.object({ device_id: z.string(), name: z.string() })),
});

export const orderReviewEndpoints = {
  consoleOrders: endpoint({
    id: 'consoleOrders',
    method: 'get',
    path: '/v1/console/orders',
    summary:
      'orders (default today in the store’s time zone) filtered by dates, amount range, status and device',
    auth: 'staff',
    idempotency: 'none',
    query: z.object({
      from: date.optional(),
      to: date.optional(),
      min: amount.optional(),
      max: amount.optional(),
      status: z
        .enum(['created', 'completed', 'verified', 'verification_failed', 'refunded', 'cancelled'])
        .optional(),
      device: z.string().max(64).optional(),
      ...pageQuery,
    }),
    /** Newest first; `next_cursor` fetches the next (older) page, null on the last one. */
    response: z.object({ orders: z.array(orderSummarySchema), next_cursor: z.string().nullable() }),
    status: [200],
    errors: ['PERMISSION_DENIED', 'VALIDATION_FAILED'],
  }),
  consoleOrderLookup: endpoint({
    id: 'consoleOrderLookup',
    method: 'get',
    path: '/v1/console/orders/lookup',
    summary: 'find an order by receipt QR value, id, receipt number or order number (numbers: last 90 days)',
    auth: 'staff',
    idempotency: 'none',
    query: z.object({ q: z.string().trim().min(1).max(200) }),
    response: orderSummarySchema,
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND'],
  }),
  consoleOrder: endpoint({
    id: 'consoleOrder',
    method: 'get',
    path: '/v1/console/orders/:id',
    summary: 'an order with lines, promotions, tax, tenders, receipt preview, verifications and refunds',
    auth: 'staff',
    idempotency: 'none',
    params: id,
    response: orderDetailSchema,
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND'],
  }),
  consoleReprint: endpoint({
    id: 'consoleReprint',
    method: 'post',
    path: '/v1/console/orders/:id/reprint',
    summary: 'reprint the receipt marked COPY on a chosen lane printer',
    auth: 'staff',
    idempotency: 'optional',
    params: id,
    body: z.object({ printer_device_id: z.string().min(1).max(64) }),
    response: z.object({ printed: z.boolean(), printer: z.string() }),
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND', 'NO_PRINTER', 'ORDER_NOT_COMPLETED', 'CSRF_TOKEN_INVALID'],
  }),
} as const;
