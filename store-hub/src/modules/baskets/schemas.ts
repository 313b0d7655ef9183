import { SYMBOLOGIES } from '@kassa/promo-core';
import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';
import { approvalSchema, interventionSchema } from '../interventions/schemas';
import { MAX_QUANTITY, MAX_WEIGHT_G } from './limits';

export const symbologySchema = z.enum(SYMBOLOGIES);

export const BASKET_STATES = ['active', 'checked_out', 'expired'] as const;
export type BasketState = (typeof BASKET_STATES)[number];

const basketVersion = z.number().int().min(0);

/**
 * A scanned code as the scanner sent it, minus what no barcode holds: control characters (a
 * trailing NUL, CR/LF from a keyboard-wedge scanner) and surrounding spaces.
 */
export const scannedCodeSchema = z
  .string()
  .max(512)
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  .overwrite((s) => s.replace(/[\u0000-\u001f\u007f]+/g, '').trim())
  .min(1);

export const addLineSchema = z.object({
  code: scannedCodeSchema,
  symbology: symbologySchema.optional(),
  quantity: z.number().int().min(1).max(MAX_QUANTITY).default(1),
  weight_g: z.number().int().min(1).max(MAX_WEIGHT_G).optional(),
  basket_version: basketVersion.optional(),
});
export type AddLine = z.output<typeof addLineSchema>;
/**
 * Add a weighed item by the lane's scale: the hub takes a stable reading from the kiosk's lane
 * scale and uses it as the line's weight. Strict, so a client cannot send a weight of its own.
 */
export const addLineByScaleSchema = z.strictObject({
  code: scannedCodeSchema,
  symbology: symbologySchema.optional(),
  basket_version: basketVersion.optional(),
});
export const changeLineSchema = z.object({
  quantity: z.number().int().min(1).max(MAX_QUANTITY),
  basket_version: basketVersion.optional(),
});
export const versionOnlySchema = z.object({ basket_version: basketVersion.optional() });
export const removeLineQuerySchema = z.object({
  basket_version: z.coerce.number().int().min(0).optional(),
});

/** Optional shopper details for e-receipts and loyalty (§1.1 Customer); anonymous by default. */
export const sessionSchema = z.object({
  customer: z
    .object({
      email: z.email().max(200).optional(),
      phone: z
        .string()
        .regex(/^\+?[0-9 ()-]{5,32}$/)
        .optional(),
      loyalty_number: z.string().min(1).max(64).optional(),
    })
    .strict()
    .default({}),
});
export const createBasketSchema = z.object({ session_id: z.string().min(1).max(64).nullable().optional() });
export const scanQuerySchema = z.object({
  code: scannedCodeSchema,
  symbology: symbologySchema.optional(),
});

/** promo-core's canonical priced-line JSON (pricedBasketToJson): money as decimal strings. */
export const pricedLineJsonSchema = z.looseObject({
  line_id: z.string(),
  item_id: z.string(),
  item_name: z.string(),
  quantity: z.number(),
  base_price: z.string(),
  selling_price: z.string(),
  payable: z.string(),
  requires_verification: z.boolean(),
});
export const pricedBasketJsonSchema = z.looseObject({
  basket_id: z.string().optional(),
  data_version: z.string().nullable().optional(),
  lines: z.array(pricedLineJsonSchema).optional(),
  refusals: z.array(z.looseObject({ line_id: z.string(), code: z.string() })).optional(),
  totals: z.looseObject({ total_after_tax: z.string(), total_tax: z.string() }).optional(),
  requires_approval: z.boolean().optional(),
});

export const basketSchema = z.object({
  basket_id: z.string(),
  device_id: z.string(),
  session_id: z.string().nullable(),
  state: z.enum(BASKET_STATES),
  version: z.number().int(),
  requires_approval: z.boolean(),
  approval: approvalSchema.nullable(),
  pricing_error: z.unknown().nullable(),
  /** The basket as promo-core priced it; `{}` until it has been priced once. */
  priced: pricedBasketJsonSchema,
  updated_at: z.string(),
});
export type Basket = z.output<typeof basketSchema>;

/**
 * The small answer to a line change (the `…/delta/lines` endpoints): what changed from
 * `base_version` (the version before this change) to `version`. Apply it to the basket at
 * `base_version` (client: applyBasketDelta); any other version means a change was missed —
 * fetch the basket (GET /v1/baskets/{id}).
 */
export const basketDeltaSchema = z.object({
  basket_id: z.string(),
  version: z.number().int(),
  base_version: z.number().int(),
  state: z.enum(BASKET_STATES),
  requires_approval: z.boolean(),
  approval: approvalSchema.nullable(),
  pricing_error: z.unknown().nullable(),
  updated_at: z.string(),
  /** The line added or changed (absent for a removal). */
  line_id: z.string().optional(),
  /** Every line id of the basket now, in basket order. */
  line_ids: z.array(z.string()),
  /** Lines that are new or priced differently (a promotion can re-price other lines). */
  changed_lines: z.array(pricedLineJsonSchema),
  removed_line_ids: z.array(z.string()),
  /** The priced basket with `lines: []` (its lines are the ones above). */
  priced: pricedBasketJsonSchema,
});
export type BasketDelta = z.output<typeof basketDeltaSchema>;

export const addLineResultSchema = z.object({ basket: basketSchema, line_id: z.string() });
export const kioskSessionSchema = z.object({ session_id: z.string(), basket: basketSchema });

const basketParams = z.object({ id: z.string().min(1).max(64) });
const lineParams = z.object({ id: z.string().min(1).max(64), lineId: z.string().min(1).max(64) });
const MUTATION_ERRORS = [
  'NOT_FOUND',
  'BASKET_EXPIRED',
  'BASKET_CHECKED_OUT',
  'BASKET_VERSION_CONFLICT',
] as const;
const LINE_ERRORS = [
  ...MUTATION_ERRORS,
  'ITEM_NOT_FOUND',
  'INVALID_BARCODE',
  'QUANTITY_OUT_OF_RANGE',
  'QUANTITY_RESTRICTED',
  'WEIGHT_OUT_OF_RANGE',
  'WEIGHT_NOT_ALLOWED',
  'WEIGHT_REQUIRED',
  'BASKET_LINE_LIMIT',
  'EXPIRED',
  'RESTRICTED_ITEM',
  'ITEM_ALREADY_SOLD',
  'CHOICE_REQUIRED',
  'STAFF_BADGE_SCANNED',
  'PRICE_REQUIRED',
  'INVALID_LINE',
  'BASKET_INVALID',
  'TAX_CODE_MISSING',
  'PRICING_FAILED',
  'STORE_NOT_CONFIGURED',
] as const;

export const basketEndpoints = {
  startKioskSession: endpoint({
    id: 'startKioskSession',
    method: 'post',
    path: '/v1/kiosk-sessions',
    summary: 'start a shopper session and its basket (ends the kiosk’s previous session)',
    auth: 'device',
    idempotency: 'required',
    body: sessionSchema.default({ customer: {} }),
    response: kioskSessionSchema,
    status: [201],
    errors: ['STORE_NOT_CONFIGURED'],
  }),
  scan: endpoint({
    id: 'scan',
    method: 'get',
    path: '/v1/scan',
    summary: 'resolve and price a code without adding it',
    auth: 'device',
    idempotency: 'none',
    query: scanQuerySchema,
    response: pricedLineJsonSchema,
    status: [200],
    errors: ['ITEM_NOT_FOUND', 'INVALID_BARCODE', 'EXPIRED', 'STORE_NOT_CONFIGURED'],
  }),
  createBasket: endpoint({
    id: 'createBasket',
    method: 'post',
    path: '/v1/baskets',
    summary: 'create a basket (expires the kiosk’s previous active basket)',
    auth: 'device',
    idempotency: 'required',
    body: createBasketSchema.default({}),
    response: basketSchema,
    status: [201],
    errors: ['NOT_FOUND', 'STORE_NOT_CONFIGURED'],
  }),
  getBasket: endpoint({
    id: 'getBasket',
    method: 'get',
    path: '/v1/baskets/:id',
    summary: 'the basket as priced by the hub',
    auth: 'device',
    idempotency: 'none',
    params: basketParams,
    response: basketSchema,
    status: [200],
    errors: ['NOT_FOUND'],
  }),
  addLine: endpoint({
    id: 'addLine',
    method: 'post',
    path: '/v1/baskets/:id/lines',
    summary: 'add by code (a repeat scan of the same item adds to its line); re-prices the basket',
    auth: 'device',
    idempotency: 'required',
    durability: 'relaxed',
    params: basketParams,
    body: addLineSchema,
    response: addLineResultSchema,
    status: [201],
    // SCALE_REQUIRED: a typed weight from a kiosk whose lane has a scale (lanes/)
    errors: [...LINE_ERRORS, 'SCALE_REQUIRED'],
  }),
  addLineByScale: endpoint({
    id: 'addLineByScale',
    method: 'post',
    path: '/v1/baskets/:id/lines/by-scale',
    summary: 'add a weighed item with the weight the hub reads from the lane’s scale (stable reading)',
    auth: 'device',
    idempotency: 'required',
    durability: 'relaxed',
    params: basketParams,
    body: addLineByScaleSchema,
    response: addLineResultSchema,
    status: [201],
    errors: [
      ...LINE_ERRORS,
      'SCALE_NOT_ATTACHED',
      'SCALE_OFFLINE',
      'SCALE_UNSTABLE',
      'SCALE_EMPTY',
      'SCALE_OVERLOAD',
      'SCALE_UNDERLOAD',
    ],
  }),
  changeLine: endpoint({
    id: 'changeLine',
    method: 'patch',
    path: '/v1/baskets/:id/lines/:lineId',
    summary: 'change a counted line’s quantity',
    auth: 'device',
    idempotency: 'required',
    durability: 'relaxed',
    params: lineParams,
    body: changeLineSchema,
    response: basketSchema,
    status: [200],
    errors: [...LINE_ERRORS, 'QUANTITY_FIXED'],
  }),
  removeLine: endpoint({
    id: 'removeLine',
    method: 'delete',
    path: '/v1/baskets/:id/lines/:lineId',
    summary: 'remove a line and its add-ons (basket_version in the query or the body)',
    auth: 'device',
    idempotency: 'required',
    durability: 'relaxed',
    params: lineParams,
    query: removeLineQuerySchema,
    body: versionOnlySchema.optional(),
    response: basketSchema,
    status: [200],
    errors: MUTATION_ERRORS,
  }),
  addLineDelta: endpoint({
    id: 'addLineDelta',
    method: 'post',
    path: '/v1/baskets/:id/delta/lines',
    summary: 'addLine answering with what changed (basketDelta) instead of the whole basket',
    auth: 'device',
    idempotency: 'required',
    durability: 'relaxed',
    params: basketParams,
    body: addLineSchema,
    response: basketDeltaSchema,
    status: [201],
    // SCALE_REQUIRED: a typed weight from a kiosk whose lane has a scale (lanes/)
    errors: [...LINE_ERRORS, 'SCALE_REQUIRED'],
  }),
  changeLineDelta: endpoint({
    id: 'changeLineDelta',
    method: 'patch',
    path: '/v1/baskets/:id/delta/lines/:lineId',
    summary: 'changeLine answering with what changed (basketDelta)',
    auth: 'device',
    idempotency: 'required',
    durability: 'relaxed',
    params: lineParams,
    body: changeLineSchema,
    response: basketDeltaSchema,
    status: [200],
    errors: [...LINE_ERRORS, 'QUANTITY_FIXED'],
  }),
  removeLineDelta: endpoint({
    id: 'removeLineDelta',
    method: 'delete',
    path: '/v1/baskets/:id/delta/lines/:lineId',
    summary: 'removeLine answering with what changed (basketDelta)',
    auth: 'device',
    idempotency: 'required',
    durability: 'relaxed',
    params: lineParams,
    query: removeLineQuerySchema,
    body: versionOnlySchema.optional(),
    response: basketDeltaSchema,
    status: [200],
    errors: MUTATION_ERRORS,
  }),
  requestAgeCheck: endpoint({
    id: 'requestAgeCheck',
    method: 'post',
    path: '/v1/baskets/:id/verification',
    summary: 'request an age check (idempotent per basket)',
    auth: 'device',
    idempotency: 'required',
    params: basketParams,
    response: interventionSchema,
    status: [201],
    errors: MUTATION_ERRORS,
  }),
  getAgeCheck: endpoint({
    id: 'getAgeCheck',
    method: 'get',
    path: '/v1/baskets/:id/verification',
    summary: 'the basket’s latest age check, or null',
    auth: 'device',
    idempotency: 'none',
    params: basketParams,
    response: approvalSchema.nullable(),
    status: [200],
    errors: ['NOT_FOUND'],
  }),
} as const;
