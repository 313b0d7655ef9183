/**
 * @kassa/store-hub/client — the one typed client of the hub API for the kiosk app and the
 * console (both run in Chromium on the hub's origin). Browser-safe: it imports zod and the
 * hub's schema files only. Every call goes through an endpoint contract, so no app spells out
 * a URL or an answer shape: inputs are typed from the request schemas, answers are parsed with
 * the response schemas, and errors arrive as HubApiError with the catalogue's code.
 *
 *   const hub = createHubClient({ token });             // same origin; baseUrl for elsewhere
 *   const { basket } = await hub.startKioskSession({}); // POST /v1/kiosk-sessions
 *   await hub.addLine({ params: { id: basket.basket_id }, body: { code: '5000000000017' } });
 *   onLiveEvent(socket, 'basket.updated', (b) => render(b)); // socket.io payloads, parsed
 */
import type { z } from 'zod';
import { ENDPOINTS } from '../api/endpoints';
import type { EndpointId, Endpoints } from '../api/endpoints';
import { LIVE_EVENTS } from '../api/events';
import type { LiveEventName, LiveEventPayload } from '../api/events';
import type { Endpoint } from '../platform/http/contract';
import type { ErrorCode } from '../platform/errors';
import { errorBodySchema } from '../platform/errors';

export { ENDPOINTS, LIVE_EVENTS };
export type { EndpointId, Endpoints, LiveEventName, LiveEventPayload, ErrorCode };
export { ERROR_STATUS, ERROR_CODES, errorBodySchema } from '../platform/errors';
export { orderQrValue } from '../modules/receipts/schemas';
export { kioskSettingsSchema, type KioskSettings } from '../modules/catalog/store-config';
export type { Basket, BasketDelta } from '../modules/baskets/schemas';
export { applyBasketDelta, basketIsStale, nextBasket } from './basket-delta';
export { scaleWatchAckSchema } from '../lanes/schemas';
export type { LaneScale, ScaleReadingEvent, ScaleWatchAck } from '../lanes/schemas';
export type { Order } from '../modules/orders/schemas';
export type { Payment } from '../modules/payments/schemas';
export type { ReceiptView } from '../modules/receipts/schemas';
export type { Intervention, Approval } from '../modules/interventions/schemas';
export type { StaffUser } from '../modules/staff/schemas';

type Part<K extends string, S> = [NonNullable<S>] extends [z.ZodType]
  ? undefined extends z.input<NonNullable<S>>
    ? { [P in K]?: z.input<NonNullable<S>> }
    : { [P in K]: z.input<NonNullable<S>> }
  : unknown;

/** What a call takes: path params, query and body as their schemas accept them. */
export type CallInput<E extends Endpoint> = Part<'params', E['params']> &
  Part<'query', E['query']> &
  Part<'body', E['body']> & {
    /** Reuse the key of a call that may not have arrived to retry it safely; fresh by default. */
    idempotencyKey?: string;
    signal?: AbortSignal;
  };
export type CallOutput<E extends Endpoint> = z.output<E['response']>;

export type HubApi = {
  [K in EndpointId]: (input?: CallInput<Endpoints[K]>) => Promise<CallOutput<Endpoints[K]>>;
};

/** A refused call: the HTTP status and the hub's `{ error: { code, message, details } }`. */
export class HubApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
    this.name = 'HubApiError';
  }
}

export interface HubClientOptions {
  /** '' (default) = the page's own origin. */
  baseUrl?: string;
  /** dev_… (paired client) or stf_… (staff session); may change later via setToken. */
  token?: string | null;
  fetch?: typeof fetch;
  /**
   * fetch's credentials mode, e.g. 'same-origin' for the console's cookie session; unset leaves
   * fetch's default (the kiosk authenticates with its bearer token).
   */
  credentials?: RequestCredentials;
  /**
   * Extra headers per call, asked for at call time (the console's CSRF token is a cookie that
   * changes on sign-in). They never override the client's own (authorization, idempotency-key).
   */
  headers?: (e: Endpoint) => Record<string, string>;
}

/** A random key; crypto.randomUUID is missing on plain-http LAN origins, getRandomValues is not. */
export function newIdempotencyKey(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function endpointUrl(
  e: Endpoint,
  params?: Record<string, unknown>,
  query?: Record<string, unknown>,
): string {
  const path = e.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === null) throw new Error(`${e.id} needs path parameter ${name}`);
    return encodeURIComponent(String(v));
  });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) q.set(k, String(v));
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

export class HubClient {
  private token: string | null;
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly credentials: RequestCredentials | undefined;
  private readonly extraHeaders: ((e: Endpoint) => Record<string, string>) | undefined;
  /** One method per endpoint, named by its operationId. */
  readonly api: HubApi;

  constructor(opts: HubClientOptions = {}) {
    this.token = opts.token ?? null;
    this.baseUrl = (opts.baseUrl ?? '').replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? ((...args) => globalThis.fetch(...args));
    this.credentials = opts.credentials;
    this.extraHeaders = opts.headers;
    this.api = Object.fromEntries(
      (Object.keys(ENDPOINTS) as EndpointId[]).map((id) => [
        id,
        (input?: CallInput<Endpoint>) => this.call(ENDPOINTS[id] as Endpoint, input ?? {}),
      ]),
    ) as HubApi;
  }

  setToken(token: string | null): void {
    this.token = token;
  }

  /** Calls one endpoint; answers `data` parsed by its response schema. */
  async call<E extends Endpoint>(e: E, input: CallInput<E>): Promise<CallOutput<E>> {
    return (await this.callWithStatus(e, input)).data;
  }

  /** Same, with the HTTP status (e.g. createOrder: 201 new order, 200 the existing one). */
  async callWithStatus<E extends Endpoint>(
    e: E,
    input: CallInput<E>,
  ): Promise<{ status: number; data: CallOutput<E> }> {
    const i = input as {
      params?: Record<string, unknown>;
      query?: Record<string, unknown>;
      body?: unknown;
      idempotencyKey?: string;
      signal?: AbortSignal;
    };
    const headers: Record<string, string> = { accept: 'application/json', ...this.extraHeaders?.(e) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (e.idempotency !== 'none') headers['idempotency-key'] = i.idempotencyKey ?? newIdempotencyKey();
    let body: string | undefined;
    if (e.body && (i.body !== undefined || e.method !== 'get')) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(i.body ?? {});
    }
    const res = await this.fetchFn(this.baseUrl + endpointUrl(e, i.params, i.query), {
      method: e.method.toUpperCase(),
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(i.signal ? { signal: i.signal } : {}),
      ...(this.credentials ? { credentials: this.credentials } : {}),
    });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: reported below
    }
    if (!res.ok && !e.status.includes(res.status)) {
      const err = errorBodySchema.safeParse(json);
      if (err.success)
        throw new HubApiError(
          res.status,
          err.data.error.code,
          err.data.error.message,
          err.data.error.details,
        );
      throw new HubApiError(res.status, 'HTTP_ERROR', `the hub answered ${res.status}`, {
        body: text.slice(0, 500),
      });
    }
    const data = (json as { data?: unknown } | undefined)?.data;
    const parsed = e.response.safeParse(data);
    if (!parsed.success)
      throw new HubApiError(
        res.status,
        'RESPONSE_MISMATCH',
        `${e.id}: the answer does not match its schema`,
        {
          issues: parsed.error.issues.slice(0, 10),
        },
      );
    return { status: res.status, data: parsed.data as CallOutput<E> };
  }
}

/** `createHubClient(opts).addLine(…)`: the endpoint methods at the top level. */
export function createHubClient(
  opts: HubClientOptions = {},
): HubApi & { client: HubClient; setToken(t: string | null): void } {
  const client = new HubClient(opts);
  return Object.assign(Object.create(null) as object, client.api, {
    client,
    setToken: (t: string | null) => client.setToken(t),
  }) as HubApi & { client: HubClient; setToken(t: string | null): void };
}

/** Anything with socket.io's `on`/`off` (the app brings its own socket.io-client). */
export interface LiveSocket {
  on(event: string, fn: (payload: unknown) => void): unknown;
  off(event: string, fn: (payload: unknown) => void): unknown;
}

/**
 * Subscribes to one live event with its payload parsed by the event's schema; a payload that
 * does not match goes to `onInvalid` (default: ignored). Returns the unsubscribe function.
 */
export function onLiveEvent<N extends LiveEventName>(
  socket: LiveSocket,
  name: N,
  handler: (payload: LiveEventPayload<N>) => void,
  onInvalid: (error: unknown, payload: unknown) => void = () => {},
): () => void {
  const schema = LIVE_EVENTS[name] as z.ZodType;
  const fn = (payload: unknown): void => {
    const r = schema.safeParse(payload);
    if (r.success) handler(r.data as LiveEventPayload<N>);
    else onInvalid(r.error, payload);
  };
  socket.on(name, fn);
  return () => socket.off(name, fn);
}
