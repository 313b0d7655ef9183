/**
 * The shapes the kiosk reads from the hub, validated at the boundary with zod. Only the fields
 * the kiosk uses are named; everything else passes through untouched (the priced basket is
 * promo-core's canonical JSON and is compared byte for byte, so it must not be reshaped).
 *
 * This file is the one place to swap for `@kassa/store-hub/client` once the hub publishes it.
 */
import { z } from 'zod';

export const hubErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type HubErrorBody = z.output<typeof hubErrorSchema>['error'];

/** promo-core's canonical priced basket (decimal strings), kept as the hub sent it. */
export const pricedJsonSchema = z
  .object({
    basket_id: z.string(),
    evaluation_time: z.string(),
    data_version: z.string().nullable(),
    lines: z.array(z.object({ line_id: z.string() }).passthrough()),
    refusals: z.array(z.unknown()),
    totals: z.object({ total_after_tax: z.string(), total_savings: z.string() }).passthrough(),
  })
  .passthrough();

export const approvalSchema = z
  .object({
    intervention_id: z.string(),
    status: z.enum(['P', 'A', 'R', 'closed']),
    code: z.string().nullable().optional(),
  })
  .passthrough();
export type Approval = z.output<typeof approvalSchema>;

export const basketViewSchema = z
  .object({
    basket_id: z.string(),
    state: z.enum(['active', 'checked_out', 'expired']),
    version: z.number().int(),
    requires_approval: z.boolean(),
    approval: approvalSchema.nullable(),
    pricing_error: z.unknown().nullable(),
    // Checked but kept exactly as sent: a zod parse would reorder its keys, and the kiosk
    // compares the hub's canonical JSON byte for byte.
    priced: z
      .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
      .refine((v) => Object.keys(v).length === 0 || pricedJsonSchema.safeParse(v).success, {
        message: 'a priced basket in promo-core canonical JSON',
      }),
  })
  .passthrough();
export type BasketView = z.output<typeof basketViewSchema>;

export const pairAnswerSchema = z.object({ data: z.object({ device_id: z.string(), token: z.string() }) });
export const sessionAnswerSchema = z.object({
  data: z.object({ session_id: z.string(), basket: basketViewSchema }),
});
export const basketAnswerSchema = z.object({ data: basketViewSchema });
export const addLineAnswerSchema = z.object({ data: z.object({ basket: basketViewSchema, line_id: z.string() }) });
export const interventionAnswerSchema = z.object({ data: approvalSchema });

export const tenderSchema = z
  .object({
    tender_id: z.string(),
    status: z.string(),
    amount: z.string(),
    requested_amount: z.string(),
    failure_code: z.string().nullable(),
  })
  .passthrough();
export const orderViewSchema = z
  .object({
    order_id: z.string(),
    o_id: z.number().int().nullable().optional(),
    basket_id: z.string(),
    order_status: z.string(),
    total: z.string(),
    receipt_number: z.string().nullable(),
    payment: z.object({
      status: z.string(),
      total: z.string(),
      captured_amount: z.string(),
      due: z.string(),
      tenders: z.array(tenderSchema),
    }),
    receipt: z
      .object({ qr_value: z.string(), e_receipt_url: z.string(), text: z.string().nullable().optional() })
      .passthrough()
      .nullable(),
  })
  .passthrough();
export type OrderView = z.output<typeof orderViewSchema>;
export const orderAnswerSchema = z.object({ data: orderViewSchema });
export const receiptChannelAnswerSchema = z.object({ data: z.object({ channel: z.string() }).passthrough() });
export const staffSessionAnswerSchema = z.object({
  data: z
    .object({ token: z.string(), user: z.object({ username: z.string() }).passthrough().optional() })
    .passthrough(),
});

export const checkpointSchema = z.object({ id: z.string(), updatedAt: z.number() });
export const pullAnswerSchema = z.object({
  data: z.object({
    documents: z.array(z.object({ id: z.string(), updatedAt: z.number(), _deleted: z.boolean() }).passthrough()),
    checkpoint: checkpointSchema.nullable(),
  }),
});
export type PullDoc = z.output<typeof pullAnswerSchema>['data']['documents'][number];
export const pushAnswerSchema = z.object({ data: z.array(z.object({ id: z.string() }).passthrough()) });

// --- socket.io events -------------------------------------------------------------------------

export const deviceEventSchema = z
  .object({
    type: z.string(),
    code: z.string().optional(),
    line_id: z.string().optional(),
    /** A weight from a hub-attached scale (grams), for PLU items picked on screen. */
    weight_g: z.number().int().positive().optional(),
    error: z.object({ code: z.string(), message: z.string() }).passthrough().optional(),
  })
  .passthrough();
export const replicationChangedSchema = z
  .object({
    checkpoint: z.union([z.number(), checkpointSchema]).optional(),
    collection: z.string().optional(),
    documents: z.array(z.unknown()).optional(),
  })
  .passthrough();
export const stateEventSchema = z
  .object({
    basket: basketViewSchema.nullable(),
    order: z.object({ order_id: z.string(), order_status: z.string() }).passthrough().nullable(),
  })
  .passthrough();
export const paymentPromptSchema = z
  .object({ order_id: z.string(), tender_id: z.string(), prompt: z.string() })
  .passthrough();

/** The socket.io events the kiosk listens to. */
export const HUB_EVENTS = {
  state: 'state',
  basketUpdated: 'basket.updated',
  interventionDecided: 'intervention.decided',
  paymentPrompt: 'payment.prompt',
  paymentResult: 'payment.result',
  orderCompleted: 'order.completed',
  receiptStatus: 'receipt.status',
  deviceEvent: 'device.event',
  replicationChanged: 'replication.changed',
} as const;
