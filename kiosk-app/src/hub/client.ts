/**
 * The kiosk's door to the hub: a thin layer over the hub's own typed client
 * (`@kassa/store-hub/client`), which owns every URL and answer shape. This layer only adds what
 * the kiosk needs on top: its own Idempotency-Keys (so a replay after a crash is the same
 * request), a time limit per call, and two kinds of failure — refused (4xx, a plain answer)
 * or unreachable (retry later).
 */
import { createHubClient, HubApiError } from '@kassa/store-hub/client';
import type { HubApi } from '@kassa/store-hub/client';

/** The hub answered with its `{ error: { code, message, details } }` shape. */
export class HubRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
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

type Api = HubApi & { setToken(t: string | null): void };

export class HubClient {
  private readonly api: Api;
  constructor(private readonly opts: HubClientOptions) {
    this.api = createHubClient({
      baseUrl: opts.origin,
      token: opts.token(),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    }) as Api;
  }

  get origin(): string {
    return this.opts.origin;
  }

  /** Runs one call with a time limit; maps the hub's errors to refused / unreachable. */
  private async run<T>(fn: (api: Api, signal: AbortSignal) => Promise<T>, timeoutMs?: number): Promise<T> {
    this.api.setToken(this.opts.token());
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs ?? this.opts.timeoutMs ?? 15_000);
    try {
      return await fn(this.api, ctl.signal);
    } catch (err) {
      if (err instanceof HubApiError && err.status >= 400 && err.status < 500 && err.code !== 'HTTP_ERROR')
        throw new HubRefusal(err.status, err.code, err.message, err.details);
      if (err instanceof HubApiError && err.code === 'RESPONSE_MISMATCH')
        throw new HubRefusal(err.status, err.code, err.message, err.details);
      throw new HubUnreachable(`the hub did not answer: ${String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  // --- pairing and staff -----------------------------------------------------------------------
  pair(code: string, name: string, retailerDeviceId: string, replace = false) {
    return this.run((a, signal) =>
      a.pairDevice({
        body: {
          code,
          name,
          retailer_device_id: retailerDeviceId,
          kind: 'self_checkout',
          platform: 'kassa_kiosk',
          ...(replace ? { replace: true } : {}),
        } as never,
        signal,
      }),
    );
  }
  staffSignIn(username: string, pin: string) {
    return this.run((a, signal) => a.staffLogin({ body: { username, pin }, signal }));
  }
  createPairingCode(staffToken: string) {
    const staff = createHubClient({ baseUrl: this.opts.origin, token: staffToken });
    return this.run(() => staff.createPairingCode({}));
  }
  staffDecide(staffToken: string, interventionId: string, decision: 'approve' | 'reject', key: string) {
    const staff = createHubClient({ baseUrl: this.opts.origin, token: staffToken });
    return this.run((_a, signal) =>
      staff.decideIntervention({
        params: { id: interventionId },
        body: { decision, note: 'decided at the kiosk in staff mode' },
        idempotencyKey: key,
        signal,
      }),
    );
  }

  /** "Still here": the staff console marks a lane offline a few seconds after its last contact. */
  heartbeat(appVersion?: string) {
    return this.run(
      (a, signal) =>
        a.deviceHeartbeat({
          body: {
            printer: 'unknown',
            terminal: 'unknown',
            ...(appVersion ? { app_version: appVersion } : {}),
          },
          signal,
        }),
      2500,
    );
  }

  // --- baskets ---------------------------------------------------------------------------------
  startSession(key: string) {
    return this.run((a, signal) => a.startKioskSession({ body: {}, idempotencyKey: key, signal }));
  }
  basket(basketId: string) {
    return this.run((a, signal) => a.getBasket({ params: { id: basketId }, signal }));
  }
  addLine(basketId: string, line: { code: string; quantity?: number; weight_g?: number }, key: string) {
    return this.run((a, signal) =>
      a.addLine({ params: { id: basketId }, body: line, idempotencyKey: key, signal }),
    );
  }
  /** A weighed item with the weight the hub reads from the lane's scale (the kiosk sends none). */
  addLineByScale(basketId: string, code: string, key: string) {
    return this.run(
      (a, signal) =>
        a.addLineByScale({ params: { id: basketId }, body: { code }, idempotencyKey: key, signal }),
      // The hub waits for the weight to settle (the scale's stable timeout) before it answers.
      20_000,
    );
  }
  /** Whether this kiosk's lane has a scale, and what it reads now. */
  laneScale() {
    return this.run((a, signal) => a.getLaneScale({ signal }), 2_500);
  }
  changeLine(basketId: string, lineId: string, quantity: number, key: string) {
    return this.run((a, signal) =>
      a.changeLine({ params: { id: basketId, lineId }, body: { quantity }, idempotencyKey: key, signal }),
    );
  }
  removeLine(basketId: string, lineId: string, key: string) {
    return this.run((a, signal) =>
      a.removeLine({ params: { id: basketId, lineId }, query: {}, body: {}, idempotencyKey: key, signal }),
    );
  }
  /**
   * The same three changes answered with what changed (`basketDelta`; apply with the client's
   * applyBasketDelta, re-fetch when basketIsStale): O(change) bytes per scan instead of the
   * whole basket. Pair with the socket auth `basket_events: 'version'`.
   */
  addLineDelta(basketId: string, line: { code: string; quantity?: number; weight_g?: number }, key: string) {
    return this.run((a, signal) =>
      a.addLineDelta({ params: { id: basketId }, body: line, idempotencyKey: key, signal }),
    );
  }
  changeLineDelta(basketId: string, lineId: string, quantity: number, key: string) {
    return this.run((a, signal) =>
      a.changeLineDelta({
        params: { id: basketId, lineId },
        body: { quantity },
        idempotencyKey: key,
        signal,
      }),
    );
  }
  removeLineDelta(basketId: string, lineId: string, key: string) {
    return this.run((a, signal) =>
      a.removeLineDelta({ params: { id: basketId, lineId }, query: {}, idempotencyKey: key, signal }),
    );
  }
  requestAgeCheck(basketId: string, key: string) {
    return this.run((a, signal) =>
      a.requestAgeCheck({ params: { id: basketId }, idempotencyKey: key, signal }),
    );
  }
  requestHelp(basketId: string | null, reason: string, key: string) {
    return this.run((a, signal) =>
      a.requestHelp({
        body: { ...(basketId ? { basket_id: basketId } : {}), reason },
        idempotencyKey: key,
        signal,
      }),
    );
  }

  // --- checkout --------------------------------------------------------------------------------
  createOrder(basketId: string, key: string) {
    return this.run((a, signal) =>
      a.createOrder({ body: { basket_id: basketId }, idempotencyKey: key, signal }),
    );
  }
  order(orderId: string) {
    return this.run((a, signal) => a.getOrder({ params: { id: orderId }, signal }));
  }
  tender(orderId: string, t: { amount?: string; simulate?: string }, key: string) {
    return this.run(
      (a, signal) =>
        a.startTender({
          params: { id: orderId },
          body: { method: 'card', ...t },
          idempotencyKey: key,
          signal,
        }),
      90_000,
    );
  }
  abort(orderId: string, key: string) {
    return this.run(
      (a, signal) =>
        a.abortPayment({
          params: { id: orderId },
          body: { cancel_order: true, reason: 'shopper cancelled at the kiosk' },
          idempotencyKey: key,
          signal,
        }),
      30_000,
    );
  }
  requestReceipt(orderId: string, key: string) {
    return this.run((a, signal) =>
      a.deliverReceipt({ params: { id: orderId }, body: {}, idempotencyKey: key, signal } as never),
    );
  }

  // --- replication -----------------------------------------------------------------------------
  pull(collection: string, checkpoint: { id: string; updatedAt: number } | undefined, limit: number) {
    return this.run((a, signal) =>
      a.replicationPull({
        params: { collection },
        query: { limit, ...(checkpoint ? { updatedAt: checkpoint.updatedAt, id: checkpoint.id } : {}) },
        signal,
      }),
    );
  }
  push(collection: string, rows: unknown[]) {
    return this.run((a, signal) =>
      a.replicationPush({ params: { collection }, body: rows as never, signal }),
    );
  }

  /**
   * Tells the hub that the kiosk's canonical JSON differed from the hub's for the same data
   * version. Best effort: a hub without the alert endpoint is simply not told.
   */
  async reportPricingMismatch(report: {
    basket_id: string;
    data_version: string | null;
    kiosk_json: string;
    hub_json: string;
  }): Promise<boolean> {
    const call = (this.api as unknown as Record<string, ((i: unknown) => Promise<unknown>) | undefined>)
      .reportPricingMismatch;
    if (!call) return false;
    try {
      await this.run(() => call({ body: report }));
      return true;
    } catch {
      return false;
    }
  }
}
