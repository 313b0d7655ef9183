import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';
import { refundPartSchema, refundRecordSchema } from '../order-review/schemas';

/** A decimal amount in the store's currency ("3.90"); its decimals are checked against the currency. */
const amountSchema = z.string().regex(/^\d{1,12}(\.\d{1,6})?$/, 'a decimal amount such as 3.90');

/**
 * Staff's own split of a card refund (default: largest card first, then cash): one part per
 * card tender of the order (`tender_id`) or cash (`tender_id` null), each tender at most once.
 * Whether each part fits its tender, cash is allowed and the parts add up to the refund is
 * checked by the hub against the order (REFUND_SPLIT_INVALID, with every problem in details).
 */
export const refundSplitSchema = z
  .array(z.object({ tender_id: z.string().min(1).max(64).nullable(), amount: amountSchema }))
  .min(1)
  .max(20)
  .refine((ps) => new Set(ps.map((p) => p.tender_id)).size === ps.length, 'each tender (and cash) once');

export const refundRequestSchema = z.object({
  order_id: z.string().min(1).max(64),
  lines: z
    .array(z.object({ line_id: z.string().min(1).max(128), quantity: z.number().int().min(1).max(100000) }))
    .min(1)
    .max(500)
    .refine((ls) => new Set(ls.map((l) => l.line_id)).size === ls.length, 'each line once'),
  method: z.enum(['card', 'cash']),
  /** Card refunds only: how the money goes back (default largest-first). */
  split: refundSplitSchema.optional(),
  reason: z.string().trim().min(1).max(200),
  register_device_id: z.string().min(1).max(64).optional(),
  simulate: z.enum(['approve', 'decline', 'timeout', 'delay', 'decline_rest']).optional(),
});

/** A planned part as the preview shows it: with its tender, so the console can offer to change it. */
export const plannedPartSchema = refundPartSchema.extend({
  tender_id: z.string().nullable(),
  /** The card's number on the Refunds screen ("Card 2"), null for cash; see `refundableSchema.tenders`. */
  card_no: z.number().int().nullable(),
});

export const refundFinishSchema = z.object({
  action: z.enum(['retry', 'cash', 'cancel']),
  reason: z.string().trim().min(1).max(200),
  register_device_id: z.string().min(1).max(64).optional(),
  simulate: refundRequestSchema.shape.simulate,
});

export const refundableSchema = z.object({
  order_id: z.string(),
  o_id: z.number().int(),
  lines: z.array(
    z.object({
      line_id: z.string(),
      name: z.string(),
      quantity: z.number().int(),
      refunded_quantity: z.number().int(),
      processing_quantity: z.number().int(),
      refundable_quantity: z.number().int(),
      refundable_amount: z.string(),
      unit_paid: z.string(),
      unit_tax: z.string(),
    }),
  ),
  methods: z.array(z.enum(['card', 'cash'])),
  /**
   * The order's captured card tenders, paid first first: what each paid and can still take back.
   * `card_no` (1, 2, …) is how staff tell them apart: "Card 2 (visa ••4242)" on the split
   * fields, in REFUND_SPLIT_INVALID and in the list of refunds, also when two cards share a
   * brand and last four digits.
   */
  tenders: z.array(
    z.object({
      tender_id: z.string(),
      card_no: z.number().int(),
      card: z.string(),
      paid: z.string(),
      refundable: z.string(),
    }),
  ),
  /** Every part of the order's refunds, oldest refund first: where each refund's money went. */
  refund_parts: z.array(plannedPartSchema.extend({ refund_id: z.string() })),
  partial_allowed: z.boolean(),
  /** The store's return window in days (0 = none). */
  return_window_days: z.number().int(),
});

const id = z.object({ id: z.string().min(1).max(64) });

export const refundEndpoints = {
  consoleRefundable: endpoint({
    id: 'consoleRefundable',
    method: 'get',
    path: '/v1/console/orders/:id/refundable',
    summary: 'per line: paid, refunded, in progress and refundable, with unit paid price and tax',
    auth: 'staff',
    idempotency: 'none',
    params: id,
    response: refundableSchema,
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND'],
  }),
  consoleRefund: endpoint({
    id: 'consoleRefund',
    method: 'post',
    path: '/v1/console/refunds',
    summary:
      'refund lines of an order to the original card (terminal) or cash (can_refund); prints the refund receipt',
    auth: 'staff',
    idempotency: 'optional',
    body: refundRequestSchema,
    response: refundRecordSchema,
    status: [201],
    errors: [
      'PERMISSION_DENIED',
      'NOT_FOUND',
      'REFUND_EXCEEDS_REFUNDABLE',
      'REFUND_NOT_ALLOWED',
      'REFUND_METHOD_NOT_ALLOWED',
      'REFUND_SPLIT_INVALID',
      'PARTIAL_REFUND_BLOCKED',
      'RETURN_WINDOW_PASSED',
      'NO_ACTIVE_SHIFT',
      'CSRF_TOKEN_INVALID',
    ],
  }),
  consoleRefundPreview: endpoint({
    id: 'consoleRefundPreview',
    method: 'post',
    path: '/v1/console/refunds/preview',
    summary: 'what a refund of these lines would pay back and how much tax it reverses (nothing is recorded)',
    auth: 'staff',
    idempotency: 'none',
    body: refundRequestSchema.pick({ order_id: true, lines: true, split: true }).extend({
      method: refundRequestSchema.shape.method.optional(),
    }),
    response: z.object({
      amount: z.string(),
      tax_amount: z.string(),
      mode: z.enum(['F', 'P']),
      /** With `method`: how the money would go back (`split`, else card tenders largest first, then cash). */
      parts: z.array(plannedPartSchema),
    }),
    status: [200],
    errors: [
      'PERMISSION_DENIED',
      'NOT_FOUND',
      'REFUND_EXCEEDS_REFUNDABLE',
      'REFUND_NOT_ALLOWED',
      'REFUND_METHOD_NOT_ALLOWED',
      'REFUND_SPLIT_INVALID',
      'PARTIAL_REFUND_BLOCKED',
      'RETURN_WINDOW_PASSED',
      'CSRF_TOKEN_INVALID',
    ],
  }),
  consoleRefundFinish: endpoint({
    id: 'consoleRefundFinish',
    method: 'post',
    path: '/v1/console/refunds/:id/finish',
    summary:
      'finish a refund held after a later card declined (can_refund): retry the rest on the cards, pay it in cash, or cancel it (done at what went back, lines free again)',
    auth: 'staff',
    idempotency: 'optional',
    params: id,
    body: refundFinishSchema,
    response: refundRecordSchema,
    status: [200],
    errors: [
      'PERMISSION_DENIED',
      'NOT_FOUND',
      'REFUND_NOT_HELD',
      'REFUND_METHOD_NOT_ALLOWED',
      'NO_ACTIVE_SHIFT',
      'CSRF_TOKEN_INVALID',
    ],
  }),
  consoleRefundGet: endpoint({
    id: 'consoleRefundGet',
    method: 'get',
    path: '/v1/console/refunds/:id',
    summary: 'a refund and its status',
    auth: 'staff',
    idempotency: 'none',
    params: id,
    response: refundRecordSchema,
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND'],
  }),
} as const;
