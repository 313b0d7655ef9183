/**
 * The kiosk's only door to the hub's HTTP API: every URL and response shape lives here (and in
 * ./schemas.ts), so switching to the hub's published typed client is a change in one folder.
 * Browser-safe: fetch only.
 */
import { z } from 'zod';
import {
  addLineAnswerSchema,
  basketAnswerSchema,
  hubErrorSchema,
  interventionAnswerSchema,
  orderAnswerSchema,
  pairAnswerSchema,
  pullAnswerSchema,
  pushAnswerSchema,
  receiptChannelAnswerSchema,
  sessionAnswerSchema,
  staffSessionAnswerSchema,
} from './schemas';
import type { HubErrorBody } from './schemas';

/** The hub answered with its `{ error: { code, message, details } }` shape. */
export class HubRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: HubErrorBody,
  ) {
    super(body.message);
  }
  get code(): string {
    return this.body.code;
  }
}

/** The hub could not be reached (network down, hub restarting) — the request may be retried. */
export class HubUnreachable extends Error {}

export interface HubClientOptions {
  /** Origin of the hub ('' = the page's own origin, as when the hub serves the app at /kiosk/). */
  origin: string;
  token: () => string | null;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export class HubClient {
  private readonly f: typeof fetch;
  constructor(private readonly opts: HubClientOptions) {
    this.f = opts.fetch ?? ((...a) => fetch(...a));
  }

  get origin(): string {
    return this.opts.origin;
  }

  private async call<S extends z.ZodType>(
    schema: S,
    method: Method,
    path: string,
    body?: unknown,
    opts: { key?: string; bearer?: string; timeoutMs?: number } = {},
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = opts.bearer ?? this.opts.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? this.opts.timeoutMs ?? 15_000);
    let res: Response;
    let text: string;
    try {
      res = await this.f(this.opts.origin + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctl.signal,
      });
      text = await res.text();
    } catch (err) {
      throw new HubUnreachable(`the hub did not answer ${method} ${path}: ${String(err)}`);
    } finally {
      clearTimeout(timer);
    }
    let json: unknown = null;
    try {
      json = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      // a proxy or a restarting hub may answer HTML; treated as unreachable below
    }
    if (!res.ok) {
      const e = hubErrorSchema.safeParse(json);
      if (e.success && res.status < 500) throw new HubRefusal(res.status, e.data.error);
      throw new HubUnreachable(`the hub answered ${res.status} to ${method} ${path}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new HubRefusal(res.status, {
        code: 'UNEXPECTED_ANSWER',
        message: `the hub's answer to ${method} ${path} has an unexpected shape`,
        details: parsed.error.issues.slice(0, 5),
      });
    return parsed.data;
  }

  // --- pairing and staff -----------------------------------------------------------------------
  async pair(code: string, name: string, retailerDeviceId: string) {
    return (
      await this.call(pairAnswerSchema, 'POST', '/v1/devices/pair', {
        code,
        name,
        retailer_device_id: retailerDeviceId,
        kind: 'self_checkout',
        platform: 'kassa_kiosk',
      })
    ).data;
  }
  async staffSignIn(username: string, pin: string) {
    return (await this.call(staffSessionAnswerSchema, 'POST', '/v1/staff/sessions', { username, pin })).data;
  }
  async staffDecide(staffToken: string, interventionId: string, decision: 'approve' | 'reject', key: string) {
    return (
      await this.call(
        interventionAnswerSchema,
        'POST',
        `/v1/interventions/${encodeURIComponent(interventionId)}/decide`,
        { decision, note: 'decided at the kiosk in staff mode' },
        { bearer: staffToken, key },
      )
    ).data;
  }

  // --- baskets ---------------------------------------------------------------------------------
  async startSession(key: string) {
    return (await this.call(sessionAnswerSchema, 'POST', '/v1/kiosk-sessions', {}, { key })).data;
  }
  async basket(basketId: string) {
    return (await this.call(basketAnswerSchema, 'GET', `/v1/baskets/${encodeURIComponent(basketId)}`)).data;
  }
  async addLine(
    basketId: string,
    line: { code: string; quantity?: number; weight_g?: number },
    key: string,
  ) {
    return (
      await this.call(addLineAnswerSchema, 'POST', `/v1/baskets/${encodeURIComponent(basketId)}/lines`, line, {
        key,
      })
    ).data;
  }
  async changeLine(basketId: string, lineId: string, quantity: number, key: string) {
    return (
      await this.call(
        basketAnswerSchema,
        'PATCH',
        `/v1/baskets/${encodeURIComponent(basketId)}/lines/${encodeURIComponent(lineId)}`,
        { quantity },
        { key },
      )
    ).data;
  }
  async removeLine(basketId: string, lineId: string, key: string) {
    return (
      await this.call(
        basketAnswerSchema,
        'DELETE',
        `/v1/baskets/${encodeURIComponent(basketId)}/lines/${encodeURIComponent(lineId)}`,
        {},
        { key },
      )
    ).data;
  }
  async requestAgeCheck(basketId: string, key: string) {
    return (
      await this.call(
        interventionAnswerSchema,
        'POST',
        `/v1/baskets/${encodeURIComponent(basketId)}/verification`,
        {},
        { key },
      )
    ).data;
  }
  async requestHelp(basketId: string | null, reason: string, key: string) {
    return (
      await this.call(
        interventionAnswerSchema,
        'POST',
        '/v1/help-requests',
        { ...(basketId ? { basket_id: basketId } : {}), reason },
        { key },
      )
    ).data;
  }

  // --- checkout --------------------------------------------------------------------------------
  async createOrder(basketId: string, key: string) {
    return (await this.call(orderAnswerSchema, 'POST', '/v1/orders', { basket_id: basketId }, { key })).data;
  }
  async order(orderId: string) {
    return (await this.call(orderAnswerSchema, 'GET', `/v1/orders/${encodeURIComponent(orderId)}`)).data;
  }
  async tender(orderId: string, t: { amount?: string; simulate?: string }, key: string) {
    return (
      await this.call(orderAnswerSchema, 'POST', `/v1/orders/${encodeURIComponent(orderId)}/tenders`, t, {
        key,
        timeoutMs: 90_000,
      })
    ).data;
  }
  async abort(orderId: string, key: string) {
    return (
      await this.call(
        orderAnswerSchema,
        'POST',
        `/v1/orders/${encodeURIComponent(orderId)}/abort`,
        { cancel_order: true },
        { key, timeoutMs: 30_000 },
      )
    ).data;
  }
  async requestReceipt(orderId: string, key: string) {
    return (
      await this.call(
        receiptChannelAnswerSchema,
        'POST',
        `/v1/orders/${encodeURIComponent(orderId)}/receipts`,
        {},
        { key },
      )
    ).data;
  }

  // --- replication -----------------------------------------------------------------------------
  async pull(collection: string, checkpoint: { id: string; updatedAt: number } | undefined, limit: number) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (checkpoint) {
      q.set('updatedAt', String(checkpoint.updatedAt));
      q.set('id', checkpoint.id);
    }
    return (
      await this.call(pullAnswerSchema, 'GET', `/v1/replication/${encodeURIComponent(collection)}/pull?${q}`)
    ).data;
  }
  async push(collection: string, rows: unknown[]) {
    return (
      await this.call(pushAnswerSchema, 'POST', `/v1/replication/${encodeURIComponent(collection)}/push`, rows)
    ).data;
  }

  /**
   * Tells the hub that the kiosk's canonical JSON differed from the hub's for the same data
   * version. Best effort: an older hub without the alert endpoint answers 404, which is ignored.
   */
  async reportPricingMismatch(report: {
    basket_id: string;
    data_version: string | null;
    kiosk_json: string;
    hub_json: string;
  }): Promise<boolean> {
    try {
      await this.call(
        z.unknown(),
        'POST',
        '/v1/alerts/pricing-mismatch',
        report,
        { key: `mismatch:${report.basket_id}:${report.data_version}:${report.kiosk_json.length}` },
      );
      return true;
    } catch {
      return false;
    }
  }

  /** Can the hub be reached right now? */
  async healthy(): Promise<boolean> {
    try {
      const r = await this.f(this.opts.origin + '/healthz', { cache: 'no-store' });
      return r.ok;
    } catch {
      return false;
    }
  }
}
