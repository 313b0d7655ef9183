import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';

/** See ./states.ts. */
export const TENDER_STATUSES = ['pending', 'captured', 'failed', 'voided', 'cancelled'] as const;
export type TenderStatus = (typeof TENDER_STATUSES)[number];
export const PAYMENT_STATUSES = [
  'waiting',
  'pending',
  'partial_captured',
  'captured',
  'rejected',
  'error',
  'action_required',
  'abandoned',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** A decimal amount: digits, optionally a point and up to the currency's places. */
export const decimalAmountSchema = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,4})?$/, 'a decimal amount such as 12.50');

export const tenderRequestSchema = z.object({
  method: z.enum(['card']).default('card'),
  /** Default: the amount still due. Less than due = a split tender. */
  amount: decimalAmountSchema.optional(),
  /** Only with the terminal simulator: approve | decline | timeout | offline | partial | error. */
  simulate: z.string().max(20).optional(),
});
export const abortSchema = z.object({
  cancel_order: z.boolean().default(true),
  reason: z.string().max(200).default('aborted'),
});

export const tenderSchema = z.object({
  tender_id: z.string(),
  method: z.string(),
  status: z.enum(TENDER_STATUSES),
  requested_amount: z.string(),
  amount: z.string(),
  failure_code: z.string().nullable(),
  card_brand: z.string().nullable(),
  card_last4: z.string().nullable(),
  auth_code: z.string().nullable(),
});
export const paymentSchema = z.object({
  status: z.enum(PAYMENT_STATUSES),
  total: z.string(),
  captured_amount: z.string(),
  due: z.string(),
  tenders: z.array(tenderSchema),
});
export type Payment = z.output<typeof paymentSchema>;

const orderParams = z.object({ id: z.string().min(1).max(64) });
const tenderParams = z.object({ id: z.string().min(1).max(64), tid: z.string().min(1).max(64) });

// The order schema lives in orders/ (which imports this file); endpoints answering an order are
// declared there to keep imports one-way. These answer the payment only.
export const paymentEndpoints = {
  getPayment: endpoint({
    id: 'getPayment',
    method: 'get',
    path: '/v1/orders/:id/payment',
    summary: 'payment status and tenders',
    auth: 'device',
    idempotency: 'none',
    params: orderParams,
    response: paymentSchema,
    status: [200],
    errors: ['NOT_FOUND'],
  }),
} as const;

export const paymentRequestParts = { orderParams, tenderParams };
