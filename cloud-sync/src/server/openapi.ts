/** OpenAPI 3.1 document generated from the zod request schemas. */
import { z } from 'zod';
import { storeInputSchema } from '../stores';
import { publishBodySchema, replayBodySchema, salesQuerySchema } from './schemas';

const json = (schema: z.ZodType) => ({
  content: {
    'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
  },
});
const ok = (description: string) => ({
  200: { description },
  400: { description: 'invalid request: { error: { code, message, details } }' },
});

let cached: unknown = null;
export function openApiDocument(): unknown {
  cached ??= {
    openapi: '3.1.0',
    info: { title: 'Kassa HQ', version: '0.1.0' },
    paths: {
      '/v1/stores': { get: { summary: 'stores and their groups', responses: ok('stores') } },
      '/v1/stores/{store_id}': {
        put: {
          summary: 'create or update a store',
          requestBody: json(storeInputSchema.omit({ store_id: true })),
          responses: ok('the store'),
        },
      },
      '/v1/publish/{stream}': {
        post: {
          summary: 'validate (dry_run) or publish a catalogue, promotions or tax table to stores or groups',
          parameters: [
            {
              name: 'stream',
              in: 'path',
              required: true,
              schema: { enum: ['catalog', 'promotions', 'tax'] },
            },
          ],
          requestBody: json(publishBodySchema),
          responses: {
            201: { description: 'published' },
            422: { description: 'rows rejected (report in details)' },
            ...ok('dry run'),
          },
        },
      },
      '/v1/publications': {
        get: {
          summary: 'publications, newest first, with whether each store applied it',
          responses: ok('publications'),
        },
      },
      '/v1/fleet': {
        get: {
          summary: 'every store: last contact, hub_seq gaps, devices, streams, dead letters',
          responses: ok('fleet'),
        },
      },
      '/v1/sales/daily': {
        get: {
          summary: '§8.1 daily aggregates',
          parameters: Object.keys(salesQuerySchema.shape).map((name) => ({
            name,
            in: 'query',
            required: name === 'from' || name === 'to',
          })),
          responses: ok('rows and payment methods'),
        },
      },
      '/v1/orders/{order_id}': { get: { summary: 'an order snapshot (§6.4)', responses: ok('order') } },
      '/v1/dead-letters': {
        get: { summary: 'dead letters with their reasons', responses: ok('dead letters') },
      },
      '/v1/dead-letters/replay': {
        post: {
          summary: 'replay unresolved dead letters',
          requestBody: json(replayBodySchema),
          responses: ok('report'),
        },
      },
      '/v1/aggregates/recompute': {
        post: { summary: 'rebuild §8.1 aggregates from stored events', responses: ok('count') },
      },
    },
  };
  return cached;
}
