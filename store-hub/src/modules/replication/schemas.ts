import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';

export const PULL_COLLECTION_NAMES = [
  'items',
  'categories',
  'promotions',
  'tax_rows',
  'store_config',
] as const;
export const PUSH_COLLECTION_NAMES = ['baskets'] as const;

/** Advertised page limits (GET /v1/replication): larger asks are clamped, never refused. */
export const PULL_MAX_LIMIT = 1000;
export const PUSH_MAX_ROWS = 2000;

export const pullQuerySchema = z.object({
  updatedAt: z.coerce.number().int().min(0).default(0),
  id: z.string().max(200).default(''),
  // A limit above the maximum is clamped: RxDB retries a refused pull forever.
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(200)
    .transform((n) => Math.min(n, PULL_MAX_LIMIT)),
});

export const checkpointSchema = z.object({ id: z.string(), updatedAt: z.number() });
/** Hub-owned rows carry `updatedAt`; kiosk-written ones come back exactly as pushed. */
export const replicatedDocSchema = z.looseObject({
  id: z.string(),
  updatedAt: z.number().optional(),
  _deleted: z.boolean(),
});
export const pullResultSchema = z.object({
  documents: z.array(replicatedDocSchema),
  checkpoint: checkpointSchema.nullable(),
});

const docSchema = z.looseObject({ id: z.string().min(1).max(128), _deleted: z.boolean().default(false) });
export const pushSchema = z.array(
  z.object({
    newDocumentState: docSchema,
    assumedMasterState: docSchema.nullable().optional(),
  }),
);
// No row limit on a push (the 2 MB body limit bounds it): a refused push is retried forever,
// and dropping rows would lose them. PUSH_MAX_ROWS is the batch size the hub advertises.

export const replicationInfoSchema = z.object({
  pull_max_limit: z.number().int(),
  push_max_rows: z.number().int(),
  pull_collections: z.array(z.string()),
  push_collections: z.array(z.string()),
});

/** The kiosk priced a basket differently from the hub for the same data version (never expected). */
export const pricingMismatchSchema = z.object({
  basket_id: z.string().min(1).max(64),
  data_version: z.string().max(64).nullable(),
  kiosk_json: z.string().max(500_000),
  hub_json: z.string().max(500_000),
});

const collectionParams = z.object({ collection: z.string().min(1).max(64) });

export const replicationEndpoints = {
  replicationInfo: endpoint({
    id: 'replicationInfo',
    method: 'get',
    path: '/v1/replication',
    summary: 'replicated collections and page limits (pull limit and push rows above these are clamped)',
    auth: 'device',
    idempotency: 'none',
    response: replicationInfoSchema,
    status: [200],
    errors: [],
  }),
  reportPricingMismatch: endpoint({
    id: 'reportPricingMismatch',
    method: 'post',
    path: '/v1/alerts/pricing-mismatch',
    summary:
      'a kiosk reports that its canonical priced basket differed from the hub’s (alert to staff and HQ)',
    auth: 'device',
    idempotency: 'required',
    body: pricingMismatchSchema,
    response: z.object({ alert_id: z.string(), first_difference_at: z.number().int() }),
    status: [201],
    errors: [],
  }),
  replicationPull: endpoint({
    id: 'replicationPull',
    method: 'get',
    path: '/v1/replication/:collection/pull',
    summary: 'RxDB pull after a checkpoint: items, categories, promotions, tax_rows, store_config, baskets',
    auth: 'device',
    idempotency: 'none',
    params: collectionParams,
    query: pullQuerySchema,
    response: pullResultSchema,
    status: [200],
    errors: ['UNKNOWN_COLLECTION'],
  }),
  replicationPush: endpoint({
    id: 'replicationPush',
    method: 'post',
    path: '/v1/replication/:collection/push',
    summary: 'RxDB push (baskets only); answers the master state of every conflicting row',
    auth: 'device',
    idempotency: 'none',
    params: collectionParams,
    body: pushSchema,
    response: z.array(replicatedDocSchema),
    status: [200],
    errors: ['READ_ONLY_COLLECTION'],
  }),
} as const;
