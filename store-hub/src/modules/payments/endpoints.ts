/** Payment endpoints that answer the whole order (kept apart from schemas.ts, which orders/ imports). */
import { endpoint } from '../../platform/http/contract';
import { orderSchema } from '../orders/schemas';
import { abortSchema, paymentEndpoints, paymentRequestParts, tenderRequestSchema } from './schemas';

export const tenderEndpoints = {
  ...paymentEndpoints,
  startTender: endpoint({
    id: 'startTender',
    method: 'post',
    path: '/v1/orders/:id/tenders',
    summary: 'start a card tender (default: the amount due) and wait for the terminal; 202 with the order',
    auth: 'device',
    idempotency: 'required',
    params: paymentRequestParts.orderParams,
    body: tenderRequestSchema.default({ method: 'card' }),
    response: orderSchema,
    status: [202],
    errors: [
      'NOT_FOUND',
      'ORDER_NOT_PAYABLE',
      'TENDER_IN_PROGRESS',
      'AMOUNT_OUT_OF_RANGE',
      'SIMULATION_UNAVAILABLE',
    ],
  }),
  voidTender: endpoint({
    id: 'voidTender',
    method: 'post',
    path: '/v1/orders/:id/tenders/:tid/void',
    summary: 'void a captured partial tender',
    auth: 'device',
    idempotency: 'required',
    params: paymentRequestParts.tenderParams,
    response: orderSchema,
    status: [200],
    errors: ['NOT_FOUND', 'ORDER_CANCELLED', 'ORDER_ALREADY_COMPLETED', 'TENDER_NOT_CAPTURED', 'VOID_FAILED'],
  }),
  abortPayment: endpoint({
    id: 'abortPayment',
    method: 'post',
    path: '/v1/orders/:id/abort',
    summary: 'abort payment: stop a pending tender, void captured partials; cancel_order (default true)',
    auth: 'device',
    idempotency: 'required',
    params: paymentRequestParts.orderParams,
    body: abortSchema.default({ cancel_order: true, reason: 'aborted' }),
    response: orderSchema,
    status: [200],
    errors: [
      'NOT_FOUND',
      'ORDER_ALREADY_COMPLETED',
      'TENDER_IN_PROGRESS',
      'TERMINAL_UNREACHABLE',
      'VOID_FAILED',
    ],
  }),
} as const;
