import { z } from 'zod';
import type { ErrorCode } from '../../platform/errors';
import { endpoint } from '../../platform/http/contract';
import { interventionSchema } from '../interventions/schemas';

const id = z.object({ id: z.string().min(1).max(64) });
const lineParams = z.object({ id: z.string().min(1).max(64), lineId: z.string().min(1).max(128) });
const version = z.number().int().min(0).optional();
const amount = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,4})?$/, 'an amount like 12.50');
const percent = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'a percentage like 10 or 12.5');
const reason = z.string().trim().min(1).max(200);

export const queueItemSchema = z.object({
  intervention_id: z.string(),
  kind: z.enum(['age_check', 'help', 'unknown_item', 'quantity_limit', 'payment_problem']),
  status: z.string(),
  device_id: z.string(),
  retailer_device_id: z.string(),
  basket_id: z.string().nullable(),
  code: z.string().nullable(),
  reason: z.string(),
  restricted_lines: z.array(
    z.object({ line_id: z.string(), item_name: z.string(), minimum_age_required: z.number().nullable() }),
  ),
  created_at: z.string(),
  decided_at: z.string().nullable(),
});

export const assistBasketSchema = z.object({
  basket_id: z.string(),
  device_id: z.string(),
  retailer_device_id: z.string(),
  state: z.string(),
  version: z.number().int(),
  lines: z.array(
    z.object({
      line_id: z.string(),
      item_name: z.string(),
      quantity: z.number(),
      unit_price: z.string(),
      payable: z.string(),
      total_discount: z.string(),
      price_source: z.string(),
      requires_verification: z.boolean(),
    }),
  ),
  totals: z.object({ total_after_tax: z.string(), total_tax: z.string(), total_discount: z.string() }),
  tax_exempt: z.boolean(),
  staff_discount: z
    .object({ label: z.string(), percent_off: z.string().optional(), amount: z.string().optional() })
    .nullable(),
});

const BASKET_ERRORS = [
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'CSRF_TOKEN_INVALID',
  'BASKET_VERSION_CONFLICT',
  'BASKET_EXPIRED',
  'BASKET_CHECKED_OUT',
  'PRICING_ERROR',
] as const satisfies readonly ErrorCode[];

function staffBasket<P extends z.ZodType, B extends z.ZodType>(e: {
  id: string;
  path: string;
  summary: string;
  params: P;
  body: B;
  errors: readonly ErrorCode[];
}) {
  return endpoint({
    id: e.id,
    method: 'post',
    path: e.path,
    summary: e.summary,
    auth: 'staff',
    idempotency: 'optional',
    params: e.params,
    body: e.body,
    response: assistBasketSchema,
    status: [200],
    errors: [...BASKET_ERRORS, ...e.errors],
  });
}

export const itemHitSchema = z.object({
  item_id: z.string(),
  item_name: z.string(),
  product_identifier: z.string(),
  price: z.string(),
});

export const assistanceEndpoints = {
  consoleSearchItems: endpoint({
    id: 'consoleSearchItems',
    method: 'get',
    path: '/v1/console/items',
    summary: 'search the catalogue by name or code (to add an item the kiosk could not scan)',
    auth: 'staff',
    idempotency: 'none',
    query: z.object({ q: z.string().trim().min(2).max(100) }),
    response: z.object({ items: z.array(itemHitSchema) }),
    status: [200],
    errors: ['PERMISSION_DENIED'],
  }),
  consoleAddItem: staffBasket({
    id: 'consoleAddItem',
    path: '/v1/console/baskets/:id/lines',
    params: id,
    summary: 'add an item to a lane’s basket by code (can_add), priced like a scan',
    body: z.object({
      code: z.string().trim().min(1).max(64),
      quantity: z.number().int().min(1).max(999).default(1),
    }),
    errors: ['ITEM_NOT_FOUND', 'QUANTITY_RESTRICTED'],
  }),
  consoleLimitOverride: staffBasket({
    id: 'consoleLimitOverride',
    path: '/v1/console/baskets/:id/limit-override',
    params: id,
    summary:
      'add an item over the store’s quantity limit for this basket (can_edit), with a reason; audited, priced by promo-core',
    body: z.object({
      code: z.string().trim().min(1).max(64),
      quantity: z.number().int().min(1).max(999),
      reason,
      basket_version: version,
    }),
    errors: ['ITEM_NOT_FOUND', 'QUANTITY_RESTRICTED', 'VALIDATION_FAILED'],
  }),
  consoleAddManualItem: staffBasket({
    id: 'consoleAddManualItem',
    path: '/v1/console/baskets/:id/manual-items',
    params: id,
    summary:
      'sell a barcode the catalogue does not know at a price staff enter (can_add and can_override_price), with a reason; audited',
    body: z.object({
      code: z.string().trim().min(1).max(64),
      item_name: z.string().trim().min(1).max(100),
      unit_price: amount,
      quantity: z.number().int().min(1).max(999).default(1),
      /** Default: the store's default tax code. */
      tax_code: z.string().trim().min(1).max(32).optional(),
      reason,
      basket_version: version,
    }),
    errors: ['VALIDATION_FAILED', 'TAX_CODE_MISSING'],
  }),
  consoleInterventions: endpoint({
    id: 'consoleInterventions',
    method: 'get',
    path: '/v1/console/interventions',
    summary:
      'open interventions (age checks with code and restricted lines, help, unknown items, limits, payment problems) and today’s median response time',
    auth: 'staff',
    idempotency: 'none',
    response: z.object({
      open: z.array(queueItemSchema),
      median_response_seconds: z.number().nullable(),
      decided_today: z.number().int(),
    }),
    status: [200],
    errors: ['PERMISSION_DENIED'],
  }),
  consoleDecide: endpoint({
    id: 'consoleDecide',
    method: 'post',
    path: '/v1/console/interventions/:id/decide',
    summary: 'approve or reject an age check (a rejection needs a reason and removes the restricted lines)',
    auth: 'staff',
    idempotency: 'optional',
    params: id,
    body: z.object({
      decision: z.enum(['approve', 'reject']),
      reason: z.string().trim().max(200).optional(),
    }),
    response: interventionSchema,
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND', 'ALREADY_DECIDED', 'CSRF_TOKEN_INVALID'],
  }),
  consoleResolve: endpoint({
    id: 'consoleResolve',
    method: 'post',
    path: '/v1/console/interventions/:id/resolve',
    summary: 'close a help request',
    auth: 'staff',
    idempotency: 'optional',
    params: id,
    body: z.object({ note: z.string().trim().max(200).optional() }),
    response: interventionSchema,
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND', 'ALREADY_DECIDED', 'CSRF_TOKEN_INVALID'],
  }),
  consoleLaneBasket: endpoint({
    id: 'consoleLaneBasket',
    method: 'get',
    path: '/v1/console/lanes/:id/basket',
    summary: 'the basket on a lane (null when there is none)',
    auth: 'staff',
    idempotency: 'none',
    params: id,
    response: assistBasketSchema.nullable(),
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND'],
  }),
  consoleSetQuantity: staffBasket({
    id: 'consoleSetQuantity',
    path: '/v1/console/baskets/:id/lines/:lineId/quantity',
    params: lineParams,
    summary: 'change a line’s quantity (can_edit)',
    body: z.object({ quantity: z.number().int().min(1).max(999), basket_version: version }),
    errors: ['QUANTITY_OUT_OF_RANGE', 'QUANTITY_FIXED'],
  }),
  consoleRemoveLine: staffBasket({
    id: 'consoleRemoveLine',
    path: '/v1/console/baskets/:id/lines/:lineId/remove',
    params: lineParams,
    summary: 'remove a line and its add-ons (can_delete)',
    body: z.object({ basket_version: version }),
    errors: [],
  }),
  consoleOverridePrice: staffBasket({
    id: 'consoleOverridePrice',
    path: '/v1/console/baskets/:id/lines/:lineId/price',
    params: lineParams,
    summary:
      'price override with a reason, within the store’s limit (can_override_price); the line leaves promotions',
    body: z
      .object({
        new_unit_price: amount.optional(),
        percent_off: percent.optional(),
        reason,
        basket_version: version,
      })
      .refine(
        (o) => (o.new_unit_price === undefined) !== (o.percent_off === undefined),
        'exactly one of new_unit_price and percent_off',
      ),
    errors: ['PRICE_OVERRIDE_LIMIT'],
  }),
  consoleStaffDiscount: staffBasket({
    id: 'consoleStaffDiscount',
    path: '/v1/console/baskets/:id/staff-discount',
    params: id,
    summary: 'a staff discount on the whole basket, priced by promo-core before tax (0 removes it)',
    body: z.object({ percent_off: percent, reason, basket_version: version }),
    errors: [],
  }),
  consoleTaxMode: staffBasket({
    id: 'consoleTaxMode',
    path: '/v1/console/baskets/:id/tax-mode',
    params: id,
    summary: 'make the sale tax exempt (or undo it)',
    body: z.object({ exempt: z.boolean(), reason, basket_version: version }),
    errors: [],
  }),
  consoleCancelSale: staffBasket({
    id: 'consoleCancelSale',
    path: '/v1/console/baskets/:id/cancel',
    params: id,
    summary: 'cancel the shopper’s sale (the basket expires)',
    body: z.object({ reason }),
    errors: [],
  }),
} as const;
