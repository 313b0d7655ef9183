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

export const pullQuerySchema = z.object({
  updatedAt: z.coerce.number().int().min(0).default(0),
  id: z.string().max(200).default(''),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const checkpointSchema = z.object({ id: z.string(), updatedAt: z.number() });
export const replicatedDocSchema = z.looseObject({
  id: z.string(),
  updatedAt: z.number(),
  _deleted: z.boolean(),
});
export const pullResultSchema = z.object({
  documents: z.array(replicatedDocSchema),
  checkpoint: checkpointSchema.nullable(),
});

const docSchema = z.looseObject({ id: z.string().min(1).max(128), _deleted: z.boolean().default(false) });
export const pushSchema = z
  .array(
    z.object({
      newDocumentState: docSchema,
      assumedMasterState: docSchema.nullable().optional(),
    }),
  )
  .max(500);

const collectionParams = z.object({ collection: z.string().min(1).max(64) });

export const replicationEndpoints = {
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
