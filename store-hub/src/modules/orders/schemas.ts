import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';
import { paymentSchema } from '../payments/schemas';
import { receiptViewSchema } from '../receipts/schemas';

/** See ./states.ts for the transitions. */
export const ORDER_STATUSES = [
  'created',
  'completed',
  'verified',
  'verification_failed',
  'refunded',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const ORDER_PAYMENT_STATUSES = ['not_captured', 'captured_live_mode', 'captured_demo_mode'] as const;

export const createOrderSchema = z.object({
  basket_id: z.string().min(1).max(64),
  basket_version: z.number().int().min(0).optional(),
});

export const orderSchema = z.object({
  order_id: z.string(),
  o_id: z.number().int(),
  basket_id: z.string(),
  order_status: z.enum(ORDER_STATUSES),
  payment_status: z.enum(ORDER_PAYMENT_STATUSES),
  currency: z.string(),
  total: z.string(),
  transaction_id_poslog: z.string().nullable(),
  receipt_number: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  cancelled_at: z.string().nullable(),
  business_date: z.string().nullable(),
  payment: paymentSchema,
  receipt: receiptViewSchema.nullable(),
});
export type Order = z.output<typeof orderSchema>;

export const orderParams = z.object({ id: z.string().min(1).max(64) });

export const orderEndpoints = {
  createOrder: endpoint({
    id: 'createOrder',
    method: 'post',
    path: '/v1/orders',
    summary:
      'check a basket out: 201 with a new order, 200 with the basket’s existing open or completed order',
    auth: 'device',
    idempotency: 'required',
    body: createOrderSchema,
    response: orderSchema,
    status: [201, 200],
    errors: [
      'NOT_FOUND',
      'BASKET_EXPIRED',
      'BASKET_CHECKED_OUT',
      'BASKET_VERSION_CONFLICT',
      'BASKET_EMPTY',
      'PRICING_ERROR',
      'APPROVAL_REQUIRED',
      'NEGATIVE_BASKET',
      'ZERO_BASKET_NOT_ALLOWED',
      'STORE_NOT_CONFIGURED',
    ],
  }),
  getOrder: endpoint({
    id: 'getOrder',
    method: 'get',
    path: '/v1/orders/:id',
    summary: 'an order with its payment and receipt',
    auth: 'device',
    idempotency: 'none',
    params: orderParams,
    response: orderSchema,
    status: [200],
    errors: ['NOT_FOUND'],
  }),
  getStaffOrder: endpoint({
    id: 'getStaffOrder',
    method: 'get',
    path: '/v1/staff/orders/:id',
    summary: 'any order, for staff',
    auth: 'staff',
    idempotency: 'none',
    params: orderParams,
    response: orderSchema,
    status: [200],
    errors: ['NOT_FOUND'],
  }),
} as const;
