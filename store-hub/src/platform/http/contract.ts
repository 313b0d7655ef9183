/**
 * An endpoint's contract: method, path, who may call it, and the zod schemas of its params,
 * query, body and answer. Node-free: the hub's router validates with these, the OpenAPI
 * document is generated from them, and the browser client calls through them.
 */
import type { z } from 'zod';
import type { ErrorCode } from '../errors';

export type Auth = 'none' | 'device' | 'staff';
/** required: every call needs an Idempotency-Key; optional: honoured when sent. */
export type IdempotencyRule = 'required' | 'optional' | 'none';
export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface Endpoint<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  /** operationId, and the typed client's method name. */
  id: string;
  method: Method;
  /** express-style path (`/v1/baskets/:id`). */
  path: string;
  summary: string;
  auth: Auth;
  idempotency: IdempotencyRule;
  params?: P;
  query?: Q;
  body?: B;
  /** The schema of `data` in the `{ data }` answer. */
  response: R;
  /** Success statuses, the usual one first. */
  status: readonly number[];
  /** Domain error codes this endpoint may answer with (besides the generic request errors). */
  errors: readonly ErrorCode[];
  /**
   * 'relaxed': the request's transaction commits at synchronous=NORMAL (Tx.run `relaxed`) —
   * only for changes a kiosk can redo by scanning again (basket edits). Default: FULL.
   */
  durability?: 'relaxed';
}

export const endpoint = <
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(
  e: Endpoint<P, Q, B, R>,
): Endpoint<P, Q, B, R> => e;

/** Errors any endpoint can answer with, by its auth and idempotency rule. */
export function commonErrors(
  e: Pick<Endpoint, 'auth' | 'idempotency' | 'body'> & { method?: Method },
): ErrorCode[] {
  const out: ErrorCode[] = ['VALIDATION_FAILED'];
  // Writes commit in groups (Tx.group): a refused group COMMIT answers each member 503.
  if (e.method !== undefined && e.method !== 'get') out.push('COMMIT_FAILED');
  if (e.body) out.push('MALFORMED_JSON', 'BODY_TOO_DEEP', 'BODY_TOO_LARGE');
  if (e.auth === 'device') out.push('DEVICE_UNAUTHENTICATED');
  if (e.auth === 'staff') out.push('STAFF_UNAUTHENTICATED');
  if (e.idempotency === 'required') out.push('IDEMPOTENCY_KEY_REQUIRED');
  if (e.idempotency !== 'none') out.push('IDEMPOTENCY_KEY_REUSED', 'REQUEST_IN_PROGRESS');
  return out;
}

/** `/v1/baskets/:id` → `/v1/baskets/{id}` (OpenAPI form). */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z_]+)/g, '{$1}');
