/**
 * Kiosk sessions, baskets and interventions (spec/store.md §1.3, §2.1, §2.7). Every change
 * re-prices the whole basket with promo-core inside the same write transaction and bumps the
 * basket version; a refused line (unknown code, quantity limit…) changes nothing.
 */
import { z } from 'zod';
import type { DeviceRow, StaffRow } from './auth';
import type { Bus } from './bus';
import type { Db } from './db/database';
import { HubError } from './errors';
import { writeOutbox } from './outbox';
import { businessDate } from './store-config';
import { newId, nowIso, numericCode } from './ids';
import type { BasketInput, BasketLineInput, PricedBasket } from './pricing';
import { formatMoney, isPricingError, price, pricedToJson, snapshotFor } from './pricing';
import type { StoreDataCache } from './store-data';

export const addLineSchema = z.object({
  code: z.string().trim().min(1).max(512),
  symbology: z.enum(['EAN13', 'EAN8', 'UPCA', 'UPCE', 'GS1_128', 'DATAMATRIX', 'ITF']).optional(),
  quantity: z.number().int().min(1).max(100000).default(1),
  weight_g: z.number().int().min(1).max(10_000_000).optional(),
  basket_version: z.number().int().min(0).optional(),
});
export const changeLineSchema = z.object({
  quantity: z.number().int().min(1).max(100000),
  basket_version: z.number().int().min(0).optional(),
});
export const versionOnlySchema = z.object({ basket_version: z.number().int().min(0).optional() }).default({});
export const helpSchema = z
  .object({ reason: z.string().max(200).default('help requested') })
  .default({ reason: 'help requested' });
export const decideSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  note: z.string().max(200).optional(),
});

interface BasketRow {
  basket_id: string;
  device_id: string;
  session_id: string | null;
  state: string;
  version: number;
  requires_approval: number;
  pricing_error: string | null;
  priced: string;
  created_at: string;
  updated_at: string;
}

const REFUSAL_STATUS: Record<string, [number, string]> = {
  UNKNOWN_BARCODE: [404, 'ITEM_NOT_FOUND'],
  UNKNOWN_ITEM: [404, 'ITEM_NOT_FOUND'],
  BAD_CHECK_DIGIT: [422, 'INVALID_BARCODE'],
  MALFORMED: [422, 'INVALID_BARCODE'],
  QUANTITY_RESTRICTED: [422, 'QUANTITY_RESTRICTED'],
};

export class Sales {
  constructor(
    private readonly db: Db,
    private readonly store: StoreDataCache,
    private readonly bus: Bus,
  ) {}

  startSession(device: DeviceRow, customer: unknown): { session_id: string; basket: unknown } {
    return this.db
      .transaction(() => {
        const session_id = newId();
        this.db
          .prepare(`UPDATE kiosk_sessions SET ended_at = ? WHERE device_id = ? AND ended_at IS NULL`)
          .run(nowIso(), device.device_id);
        this.db
          .prepare(
            `INSERT INTO kiosk_sessions(session_id, device_id, started_at, customer) VALUES (?, ?, ?, ?)`,
          )
          .run(session_id, device.device_id, nowIso(), JSON.stringify(customer ?? {}));
        const basket = this.createBasketTx(device, session_id);
        return { session_id, basket };
      })
      .immediate();
  }

  createBasket(device: DeviceRow, sessionId: string | null): unknown {
    return this.db.transaction(() => this.createBasketTx(device, sessionId)).immediate();
  }

  private createBasketTx(device: DeviceRow, sessionId: string | null): unknown {
    this.store.config(); // refuses when the store is not configured
    if (sessionId !== null) {
      const s = this.db
        .prepare(`SELECT device_id FROM kiosk_sessions WHERE session_id = ?`)
        .get(sessionId) as { device_id: string } | undefined;
      if (!s || s.device_id !== device.device_id)
        throw new HubError(404, 'NOT_FOUND', `session ${sessionId} not found`);
    }
    // One active basket per kiosk (§2.1 B1): a new shopper's basket expires the previous one.
    const now = nowIso();
    this.db
      .prepare(
        `UPDATE baskets SET state = 'expired', expired_at = ?, updated_at = ? WHERE device_id = ? AND state = 'active'`,
      )
      .run(now, now, device.device_id);
    const basket_id = newId();
    this.db
      .prepare(
        `INSERT INTO baskets(basket_id, device_id, session_id, state, version, created_at, updated_at) VALUES (?, ?, ?, 'active', 0, ?, ?)`,
      )
      .run(basket_id, device.device_id, sessionId, now, now);
    this.reprice(basket_id);
    return this.view(basket_id);
  }

  private row(basketId: string): BasketRow {
    const r = this.db.prepare(`SELECT * FROM baskets WHERE basket_id = ?`).get(basketId) as
      BasketRow | undefined;
    if (!r) throw new HubError(404, 'NOT_FOUND', `basket ${basketId} not found`, { basket_id: basketId });
    return r;
  }

  /** The basket, checked to belong to the device (staff may read any). */
  private owned(device: DeviceRow | null, basketId: string): BasketRow {
    const r = this.row(basketId);
    if (device && r.device_id !== device.device_id && device.lane_device_id !== r.device_id) {
      throw new HubError(404, 'NOT_FOUND', `basket ${basketId} not found`, { basket_id: basketId });
    }
    return r;
  }

  private mutable(device: DeviceRow, basketId: string, expectedVersion: number | undefined): BasketRow {
    const r = this.owned(device, basketId);
    if (r.state === 'expired')
      throw new HubError(409, 'BASKET_EXPIRED', 'the basket has expired; start a new one', {
        basket_id: basketId,
      });
    if (r.state !== 'active')
      throw new HubError(
        409,
        'BASKET_CHECKED_OUT',
        'the basket is in checkout; abort the payment to change it',
        { basket_id: basketId },
      );
    if (expectedVersion !== undefined && expectedVersion !== r.version) {
      throw new HubError(
        409,
        'BASKET_VERSION_CONFLICT',
        `basket is at version ${r.version}, not ${expectedVersion}`,
        { current_version: r.version },
      );
    }
    return r;
  }

  lines(basketId: string): BasketLineInput[] {
    return (
      this.db.prepare(`SELECT input FROM basket_lines WHERE basket_id = ? ORDER BY seq`).all(basketId) as {
        input: string;
      }[]
    ).map((r) => JSON.parse(r.input) as BasketLineInput);
  }

  basketInput(basketId: string, lines: BasketLineInput[]): BasketInput {
    return { basket_id: basketId, evaluation_time: nowIso(), channel: 'self_checkout', lines };
  }

  /** Prices the basket as stored; records the result or the pricing error (checkout is then blocked). */
  reprice(basketId: string, already?: PricedBasket): PricedBasket | null {
    try {
      const priced =
        already ?? price(this.basketInput(basketId, this.lines(basketId)), this.store.storeData());
      this.db
        .prepare(
          `UPDATE baskets SET priced = ?, pricing_error = NULL, requires_approval = ?, version = version + 1, updated_at = ? WHERE basket_id = ?`,
        )
        .run(JSON.stringify(pricedToJson(priced)), priced.requires_approval ? 1 : 0, nowIso(), basketId);
      return priced;
    } catch (err) {
      if (!isPricingError(err)) throw err;
      this.db
        .prepare(
          `UPDATE baskets SET pricing_error = ?, version = version + 1, updated_at = ? WHERE basket_id = ?`,
        )
        .run(JSON.stringify(err.toJSON().error), nowIso(), basketId);
      return null;
    }
  }

  view(basketId: string): Record<string, unknown> {
    const r = this.row(basketId);
    const approval = this.db
      .prepare(
        `SELECT intervention_id, status, code, created_at, decided_at FROM interventions WHERE basket_id = ? AND kind = 'age_check' ORDER BY created_at DESC LIMIT 1`,
      )
      .get(basketId) as Record<string, unknown> | undefined;
    return {
      basket_id: r.basket_id,
      device_id: r.device_id,
      session_id: r.session_id,
      state: r.state,
      version: r.version,
      requires_approval: r.requires_approval === 1,
      approval: approval ?? null,
      pricing_error: r.pricing_error ? (JSON.parse(r.pricing_error) as unknown) : null,
      priced: JSON.parse(r.priced) as unknown,
      updated_at: r.updated_at,
    };
  }

  get(device: DeviceRow | null, basketId: string): Record<string, unknown> {
    this.owned(device, basketId);
    return this.view(basketId);
  }

  /** Resolves and prices one code without adding it (GET /v1/scan). */
  scan(code: string, symbology: string | undefined): unknown {
    const line = {
      line_id: 'scan',
      scanned_code: code,
      ...(symbology ? { symbology } : {}),
    } as BasketLineInput;
    const priced = this.priceOrThrow(this.basketInput('scan', [line]));
    this.throwRefusal(priced, 'scan');
    return (pricedToJson(priced) as { lines: unknown[] }).lines[0];
  }

  private priceOrThrow(input: BasketInput): PricedBasket {
    try {
      return price(input, this.store.storeData());
    } catch (err) {
      if (isPricingError(err)) throw new HubError(422, err.code, err.message, err.details);
      throw err;
    }
  }

  private throwRefusal(priced: PricedBasket, lineId: string): void {
    const refusal = priced.refusals.find((x) => x.line_id === lineId);
    if (!refusal) return;
    const [status, code] = REFUSAL_STATUS[refusal.code] ?? [422, refusal.code];
    throw new HubError(status, code, refusal.message, { ...refusal.details, refusal: refusal.code });
  }

  addLine(
    device: DeviceRow,
    basketId: string,
    req: z.output<typeof addLineSchema>,
  ): { basket: Record<string, unknown>; line_id: string } {
    const maxQty = this.store.config().max_line_quantity;
    if (req.quantity > maxQty)
      throw new HubError(422, 'QUANTITY_OUT_OF_RANGE', `quantity must be 1..${maxQty}`, { allowed: maxQty });
    const out = this.db
      .transaction(() => {
        this.mutable(device, basketId, req.basket_version);
        const lines = this.lines(basketId);
        // Scanning the same code again increments its line (B4), unless the code carries a weight/price.
        const same =
          req.weight_g === undefined
            ? lines.find((l) => l.scanned_code === req.code && l.weight_g === undefined)
            : undefined;
        let lineId: string;
        let next: BasketLineInput[];
        if (same) {
          lineId = same.line_id;
          const q = (same.quantity ?? 1) + req.quantity;
          if (q > maxQty)
            throw new HubError(422, 'QUANTITY_OUT_OF_RANGE', `quantity must be 1..${maxQty}`, {
              allowed: maxQty,
            });
          next = lines.map((l) => (l.line_id === lineId ? { ...l, quantity: q } : l));
        } else {
          lineId = newId();
          // Snapshot the prices at add time: later catalogue changes do not alter this line (§1.3).
          const snapshot = snapshotFor(req.code, req.symbology, this.store.storeData(), nowIso());
          next = [
            ...lines,
            {
              line_id: lineId,
              scanned_code: req.code,
              ...(req.symbology ? { symbology: req.symbology } : {}),
              quantity: req.quantity,
              ...(req.weight_g !== undefined ? { weight_g: req.weight_g } : {}),
              ...(snapshot ? { price_snapshot: snapshot } : {}),
            },
          ];
        }
        const priced = this.priceOrThrow(this.basketInput(basketId, next));
        this.throwRefusal(priced, lineId);
        let repriceAgain = false;
        const pl = priced.lines.find((l) => l.line_id === lineId);
        if (same) {
          this.db
            .prepare(`UPDATE basket_lines SET input = ? WHERE line_id = ?`)
            .run(JSON.stringify(next.find((l) => l.line_id === lineId)), lineId);
        } else {
          let input: BasketLineInput = next[next.length - 1]!;
          if (!input.price_snapshot && pl) {
            // Resolution gave no snapshot but pricing found the item: take its prices, price again below.
            input = {
              ...input,
              price_snapshot: {
                base_price: formatMoney(pl.base_price),
                selling_price: formatMoney(pl.selling_price),
              },
            };
            repriceAgain = true;
          }
          const seq = (
            this.db
              .prepare(`SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM basket_lines WHERE basket_id = ?`)
              .get(basketId) as { s: number }
          ).s;
          this.db
            .prepare(
              `INSERT INTO basket_lines(line_id, basket_id, seq, input, created_at) VALUES (?, ?, ?, ?, ?)`,
            )
            .run(lineId, basketId, seq, JSON.stringify(input), nowIso());
        }
        // The stored lines are exactly what was priced unless a snapshot had to be added afterwards.
        const repriced = this.reprice(basketId, repriceAgain ? undefined : priced);
        const intervention =
          pl?.requires_verification || repriced?.requires_approval
            ? this.ensureAgeCheckTx(device, basketId)
            : null;
        return { basket: this.view(basketId), line_id: lineId, intervention };
      })
      .immediate();
    this.bus.emitTo(device.device_id, 'basket.updated', out.basket);
    if (out.intervention?.created)
      this.bus.emitTo('staff', 'intervention.created', out.intervention.intervention);
    return { basket: out.basket, line_id: out.line_id };
  }

  changeLine(
    device: DeviceRow,
    basketId: string,
    lineId: string,
    req: z.output<typeof changeLineSchema>,
  ): Record<string, unknown> {
    const maxQty = this.store.config().max_line_quantity;
    if (req.quantity > maxQty)
      throw new HubError(422, 'QUANTITY_OUT_OF_RANGE', `quantity must be 1..${maxQty}`, { allowed: maxQty });
    const basket = this.db
      .transaction(() => {
        this.mutable(device, basketId, req.basket_version);
        const lines = this.lines(basketId);
        const line = lines.find((l) => l.line_id === lineId);
        if (!line) throw new HubError(404, 'NOT_FOUND', `line ${lineId} not found`, { line_id: lineId });
        if (line.weight_g !== undefined)
          throw new HubError(422, 'QUANTITY_FIXED', 'a weighed line has no quantity to change');
        const updated = { ...line, quantity: req.quantity };
        const priced = this.priceOrThrow(
          this.basketInput(
            basketId,
            lines.map((l) => (l.line_id === lineId ? updated : l)),
          ),
        );
        this.throwRefusal(priced, lineId);
        this.db
          .prepare(`UPDATE basket_lines SET input = ? WHERE line_id = ?`)
          .run(JSON.stringify(updated), lineId);
        this.reprice(basketId, priced);
        return this.view(basketId);
      })
      .immediate();
    this.bus.emitTo(device.device_id, 'basket.updated', basket);
    return basket;
  }

  removeLine(
    device: DeviceRow,
    basketId: string,
    lineId: string,
    expectedVersion: number | undefined,
  ): Record<string, unknown> {
    const basket = this.db
      .transaction(() => {
        this.mutable(device, basketId, expectedVersion);
        const r = this.db
          .prepare(`DELETE FROM basket_lines WHERE basket_id = ? AND line_id = ?`)
          .run(basketId, lineId);
        if (r.changes === 0)
          throw new HubError(404, 'NOT_FOUND', `line ${lineId} not found`, { line_id: lineId });
        // Add-ons go with their parent (B5).
        for (const l of this.lines(basketId))
          if (l.parent_line_id === lineId)
            this.db.prepare(`DELETE FROM basket_lines WHERE line_id = ?`).run(l.line_id);
        this.reprice(basketId);
        return this.view(basketId);
      })
      .immediate();
    this.bus.emitTo(device.device_id, 'basket.updated', basket);
    return basket;
  }

  // --- interventions ------------------------------------------------------------------------

  private ensureAgeCheckTx(
    device: DeviceRow,
    basketId: string,
  ): { created: boolean; intervention: Record<string, unknown> } {
    const existing = this.db
      .prepare(
        `SELECT * FROM interventions WHERE basket_id = ? AND kind = 'age_check' AND status IN ('P', 'A') ORDER BY created_at DESC LIMIT 1`,
      )
      .get(basketId) as Record<string, unknown> | undefined;
    if (existing) return { created: false, intervention: existing };
    const id = newId();
    this.db
      .prepare(
        `INSERT INTO interventions(intervention_id, basket_id, device_id, kind, status, code, reason, created_at) VALUES (?, ?, ?, 'age_check', 'P', ?, 'age', ?)`,
      )
      .run(id, basketId, device.device_id, numericCode(4), nowIso());
    return {
      created: true,
      intervention: this.db
        .prepare(`SELECT * FROM interventions WHERE intervention_id = ?`)
        .get(id) as Record<string, unknown>,
    };
  }

  /** POST /baskets/{id}/verification: idempotent per basket (§2.7). */
  requestAgeCheck(device: DeviceRow, basketId: string): Record<string, unknown> {
    const out = this.db
      .transaction(() => {
        this.mutable(device, basketId, undefined);
        return this.ensureAgeCheckTx(device, basketId);
      })
      .immediate();
    if (out.created) this.bus.emitTo('staff', 'intervention.created', out.intervention);
    return out.intervention;
  }

  requestHelp(device: DeviceRow, basketId: string | null, reason: string): Record<string, unknown> {
    if (basketId) this.owned(device, basketId);
    const id = newId();
    this.db
      .prepare(
        `INSERT INTO interventions(intervention_id, basket_id, device_id, kind, status, reason, created_at) VALUES (?, ?, ?, 'help', 'P', ?, ?)`,
      )
      .run(id, basketId, device.device_id, reason, nowIso());
    const row = this.db.prepare(`SELECT * FROM interventions WHERE intervention_id = ?`).get(id) as Record<
      string,
      unknown
    >;
    this.bus.emitTo('staff', 'intervention.created', row);
    return row;
  }

  listInterventions(status: string | undefined): unknown[] {
    return status
      ? this.db.prepare(`SELECT * FROM interventions WHERE status = ? ORDER BY created_at`).all(status)
      : this.db.prepare(`SELECT * FROM interventions ORDER BY created_at DESC LIMIT 200`).all();
  }

  /** Staff decision. A rejected age check removes the restricted lines (§2.7). */
  decide(
    staff: StaffRow,
    interventionId: string,
    req: z.output<typeof decideSchema>,
  ): Record<string, unknown> {
    const out = this.db
      .transaction(() => {
        const iv = this.db
          .prepare(`SELECT * FROM interventions WHERE intervention_id = ?`)
          .get(interventionId) as
          | {
              intervention_id: string;
              kind: string;
              status: string;
              basket_id: string | null;
              device_id: string;
            }
          | undefined;
        if (!iv) throw new HubError(404, 'NOT_FOUND', `intervention ${interventionId} not found`);
        if (iv.status !== 'P')
          throw new HubError(409, 'ALREADY_DECIDED', `intervention is already ${iv.status}`, {
            status: iv.status,
          });
        if (iv.kind === 'age_check' && !staff.permissions.can_approve_age) {
          throw new HubError(403, 'PERMISSION_DENIED', 'this staff user may not decide age checks');
        }
        const status = iv.kind === 'help' ? 'closed' : req.decision === 'approve' ? 'A' : 'R';
        let removed: string[] = [];
        if (iv.kind === 'age_check' && status === 'R' && iv.basket_id) {
          const b = this.row(iv.basket_id);
          if (b.state === 'active') {
            const priced = JSON.parse(b.priced) as {
              lines?: { line_id: string; requires_verification: boolean }[];
            };
            removed = (priced.lines ?? []).filter((l) => l.requires_verification).map((l) => l.line_id);
            const lines = this.lines(iv.basket_id);
            const gone = new Set(removed);
            for (const l of lines) if (l.parent_line_id && gone.has(l.parent_line_id)) gone.add(l.line_id);
            for (const id of gone) this.db.prepare(`DELETE FROM basket_lines WHERE line_id = ?`).run(id);
            removed = [...gone];
            this.reprice(iv.basket_id);
          }
        }
        this.db
          .prepare(
            `UPDATE interventions SET status = ?, reviewer_user_id = ?, decided_at = ?, removed_line_ids = ? WHERE intervention_id = ?`,
          )
          .run(status, staff.user_id, nowIso(), JSON.stringify(removed), interventionId);
        const row = this.db
          .prepare(`SELECT * FROM interventions WHERE intervention_id = ?`)
          .get(interventionId) as Record<string, unknown>;
        return { row, device_id: iv.device_id, basket: iv.basket_id ? this.view(iv.basket_id) : null };
      })
      .immediate();
    this.bus.emitTo(out.device_id, 'intervention.decided', out.row);
    if (out.basket) this.bus.emitTo(out.device_id, 'basket.updated', out.basket);
    this.bus.emitTo('staff', 'intervention.decided', out.row);
    return out.row;
  }

  /** §2.1 B14: expires active baskets idle longer than the store's limit; logs basket_abandoned. */
  expireIdleBaskets(now = Date.now()): string[] {
    const cfg = this.store.hasConfig() ? this.store.config() : null;
    if (!cfg || cfg.basket_idle_expiry_seconds <= 0) return [];
    const cutoff = new Date(now - cfg.basket_idle_expiry_seconds * 1000).toISOString();
    const expired = this.db
      .transaction(() => {
        const rows = this.db
          .prepare(`SELECT basket_id, device_id FROM baskets WHERE state = 'active' AND updated_at < ?`)
          .all(cutoff) as { basket_id: string; device_id: string }[];
        const at = nowIso();
        for (const r of rows) {
          this.db
            .prepare(
              `UPDATE baskets SET state = 'expired', expired_at = ?, updated_at = ? WHERE basket_id = ?`,
            )
            .run(at, at, r.basket_id);
          writeOutbox(
            this.db,
            'analytics.event',
            cfg.store_id,
            { verb: 'basket_abandoned', basket_id: r.basket_id, device_id: r.device_id },
            {
              store_id: cfg.store_id,
              device_id: r.device_id,
              business_date: businessDate(new Date(now), cfg),
            },
          );
        }
        return rows;
      })
      .immediate();
    for (const r of expired) this.bus.emitTo(r.device_id, 'basket.updated', this.view(r.basket_id));
    return expired.map((r) => r.basket_id);
  }

  /** What a reconnecting kiosk needs: its active basket and open order, if any. */
  deviceState(deviceId: string): Record<string, unknown> {
    const b = this.db
      .prepare(
        `SELECT basket_id FROM baskets WHERE device_id = ? AND state IN ('active', 'checked_out') ORDER BY created_at DESC LIMIT 1`,
      )
      .get(deviceId) as { basket_id: string } | undefined;
    const order = b
      ? (this.db
          .prepare(
            `SELECT order_id, order_status FROM orders WHERE basket_id = ? ORDER BY created_at DESC LIMIT 1`,
          )
          .get(b.basket_id) as Record<string, unknown> | undefined)
      : undefined;
    return { basket: b ? this.view(b.basket_id) : null, order: order ?? null };
  }
}
