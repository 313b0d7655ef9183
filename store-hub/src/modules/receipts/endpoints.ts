import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';
import { deliverReceiptSchema, receiptViewSchema } from './schemas';

const orderParams = z.object({ id: z.string().min(1).max(64) });

export const receiptEndpoints = {
  getReceipt: endpoint({
    id: 'getReceipt',
    method: 'get',
    path: '/v1/orders/:id/receipt',
    summary: 'the stored receipt: text, e-receipt URL and QR value',
    auth: 'device',
    idempotency: 'none',
    params: orderParams,
    response: receiptViewSchema,
    status: [200],
    errors: ['NOT_FOUND'],
  }),
  deliverReceipt: endpoint({
    id: 'deliverReceipt',
    method: 'post',
    path: '/v1/orders/:id/receipts',
    summary:
      'deliver the receipt again: reprinted (marked COPY) on the lane printer, or the e-receipt when the lane has none',
    auth: 'device',
    idempotency: 'required',
    params: orderParams,
    response: deliverReceiptSchema,
    status: [200],
    errors: ['NOT_FOUND', 'ORDER_NOT_COMPLETED'],
  }),
} as const;
