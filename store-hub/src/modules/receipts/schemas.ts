import { z } from 'zod';

/** The one QR value of an order, on paper and in the API. */
export const orderQrValue = (orderId: string): string => `kassa:order:${orderId}`;

export const RECEIPT_CHANNELS = ['print', 'e_receipt'] as const;

export const receiptViewSchema = z.object({
  receipt_number: z.string(),
  channel: z.enum(RECEIPT_CHANNELS),
  status: z.string(),
  text: z.string(),
  e_receipt_url: z.string(),
  qr_value: z.string(),
});
export type ReceiptView = z.output<typeof receiptViewSchema>;

export const deliverReceiptSchema = z.object({
  /** What was done: printed again (marked COPY), or no printer on this lane (e-receipt). */
  channel: z.enum(['print', 'e_receipt']),
  copy: z.boolean().optional(),
  receipt: receiptViewSchema,
});
