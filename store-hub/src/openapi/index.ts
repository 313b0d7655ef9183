/**
 * The hub's OpenAPI 3.1 document, generated from the same zod contracts the router validates
 * with (src/api/endpoints.ts): request bodies and query/path parameters as JSON Schema (input
 * side), answers as `{ data }` of the response schema, and per status the domain error codes.
 */
import { z } from 'zod';
import { ENDPOINTS } from '../api/endpoints';
import { LIVE_EVENTS } from '../api/events';
import type { Endpoint } from '../platform/http/contract';
import { commonErrors, openApiPath } from '../platform/http/contract';
import type { ErrorCode } from '../platform/errors';
import { ERROR_STATUS } from '../platform/errors';

type Json = Record<string, unknown>;

const jsonSchema = (s: z.ZodType, io: 'input' | 'output'): Json => {
  const j = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete j.$schema;
  return j;
};

function parameters(e: Endpoint): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query', s: z.ZodType | undefined): void => {
    if (!s) return;
    const j = jsonSchema(s, 'input');
    const props = (j.properties ?? {}) as Record<string, Json>;
    const required = new Set((j.required ?? []) as string[]);
    for (const [name, schema] of Object.entries(props))
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema });
  };
  add('path', e.params);
  add('query', e.query);
  if (e.idempotency !== 'none')
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: e.idempotency === 'required',
      description:
        'A repeat with the same key and request answers the first answer and changes nothing; the same key with another request is 422 IDEMPOTENCY_KEY_REUSED.',
      schema: { type: 'string', minLength: 1, maxLength: 200 },
    });
  return out;
}

function errorResponses(e: Endpoint): Record<string, Json> {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const code of [...commonErrors(e), ...e.errors, 'INTERNAL' as const]) {
    const status = ERROR_STATUS[code];
    if (!byStatus.has(status)) byStatus.set(status, new Set());
    byStatus.get(status)!.add(code);
  }
  const out: Record<string, Json> = {};
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const list = [...codes].sort();
    out[String(status)] = {
      description: `error: ${list.join(', ')}`,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message', 'details'],
                properties: {
                  code: { type: 'string', enum: list },
                  message: { type: 'string' },
                  details: {},
                },
              },
            },
          },
        },
      },
    };
  }
  return out;
}

const schemaOf = (r: Json): Json => ((r.content as Json)['application/json'] as Json).schema as Json;
const propsOf = (r: Json): Json => (schemaOf(r).properties ?? {}) as Json;

export function openApiDocument(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const e of Object.values(ENDPOINTS) as Endpoint[]) {
    const p = openApiPath(e.path);
    const data = jsonSchema(e.response, 'output');
    const responses: Record<string, Json> = {};
    for (const status of e.status)
      responses[String(status)] = {
        description: status === 201 ? 'created' : status === 202 ? 'accepted' : 'ok',
        content: {
          'application/json': { schema: { type: 'object', required: ['data'], properties: { data } } },
        },
      };
    for (const [status, r] of Object.entries(errorResponses(e))) {
      const ok = responses[status];
      // A status that is both an answer and an error (import: 422 with its report) lists both shapes.
      responses[status] = ok
        ? {
            description: `${String(ok.description)}, or ${String(r.description)}`,
            content: {
              'application/json': {
                schema: {
                  oneOf: [schemaOf(ok), schemaOf(r)],
                  properties: { ...propsOf(ok), ...propsOf(r) },
                },
              },
            },
          }
        : r;
    }
    (paths[p] ??= {})[e.method] = {
      operationId: e.id,
      summary: e.summary,
      security: e.auth === 'none' ? [] : [{ [e.auth]: [] }],
      parameters: parameters(e),
      ...(e.body
        ? {
            requestBody: {
              required: !e.body.safeParse(undefined).success,
              content: { 'application/json': { schema: jsonSchema(e.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kassa store hub',
      version: '0.2.0',
      description:
        'Kiosk and staff API of the in-store hub, generated from the zod schemas the hub validates with. ' +
        'Money is decimal strings. Every error is { error: { code, message, details } }. ' +
        'Live events: socket.io on the same origin, auth { token } (device or staff); their payload schemas are under x-live-events.',
    },
    components: {
      securitySchemes: {
        device: { type: 'http', scheme: 'bearer', description: 'dev_… token from POST /v1/devices/pair' },
        staff: { type: 'http', scheme: 'bearer', description: 'stf_… token from POST /v1/staff/sessions' },
      },
    },
    paths,
    'x-live-events': Object.fromEntries(
      Object.entries(LIVE_EVENTS).map(([name, s]) => [name, jsonSchema(s, 'output')]),
    ),
    'x-error-codes': ERROR_STATUS,
  };
}
