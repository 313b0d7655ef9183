/**
 * Staff at a lane (spec/store.md §2.1 B7, B11, §2.7, §7.2): the interventions queue with its
 * median response time, decisions, and the basket actions — quantity, removal, price override
 * (reason, permission, limit from the store's settings), staff discount (a basket-level manual
 * discount priced by promo-core), tax exemption, cancel sale. Every action re-prices through
 * promo-core (the hub's one pricing path) and writes its audit row in the same transaction.
 */
import { parseMoney } from '@kassa/promo-core';
import type { Db } from '../../platform/db/database';
import { HubError, notFound } from '../../platform/errors';
import { newId, nowIso } from '../../platform/ids';
import { resolveLine } from '../catalog/pricing';
import type { Basket } from '../baskets/schemas';
import { refusalCode } from '../baskets/service';
import type { PairedClient } from '../clients/repo';
import type { ConsoleDeps } from '../console/deps';
import { requireAction } from '../console-auth/guard';
import type { ConsoleUser } from '../console-auth/service';
import type { ConsoleSettings } from '../console/settings';

export interface QueueItem {
  intervention_id: string;
  kind: 'age_check' | 'help' | 'unknown_item' | 'quantity_limit' | 'payment_problem';
  status: string;
  device_id: string;
  retailer_device_id: string;
  basket_id: string | null;
  code: string | null;
  reason: string;
  restricted_lines: { line_id: string; item_name: string; minimum_age_required: number | null }[];
  created_at: string;
  decided_at: string | null;
}

/** Help requests carry their cause in `reason`; the console groups them by it. */
export function queueKind(kind: string, reason: string): QueueItem['kind'] {
  if (kind === 'age_check') return 'age_check';
  const r = reason.toLowerCase();
  if (/unknown|not found|item_not_found/.test(r)) return 'unknown_item';
  if (/quantity|limit/.test(r)) return 'quantity_limit';
  if (/declin|payment|card|terminal/.test(r)) return 'payment_problem';
  return 'help';
}

/** Median of response times in seconds (null for none). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
}

export interface StaffAdjustments {
  basket_discounts: {
    id: string;
    label: string;
    percent_off?: string;
    amount?: string;
    staff_user_id: string | null;
  }[];
  tax_mode_override: { apply_tax: false } | null;
}

/** What promo-core's basket input carries besides the lines (read by the baskets module on every pricing). */
export function staffAdjustmentsFor(db: Db, basketId: string): StaffAdjustments {
  const r = db
    .prepare<[string], { basket_discounts: string; tax_mode_override: string | null }>(
      `SELECT basket_discounts, tax_mode_override FROM basket_adjustments WHERE basket_id = ?`,
    )
    .get(basketId);
  return r
    ? {
        basket_discounts: JSON.parse(r.basket_discounts) as StaffAdjustments['basket_discounts'],
        tax_mode_override: r.tax_mode_override
          ? (JSON.parse(r.tax_mode_override) as { apply_tax: false })
          : null,
      }
    : { basket_discounts: [], tax_mode_override: null };
}

export interface AssistBasket {
  basket_id: string;
  device_id: string;
  retailer_device_id: string;
  state: string;
  version: number;
  lines: {
    line_id: string;
    item_name: string;
    quantity: number;
    unit_price: string;
    payable: string;
    total_discount: string;
    price_source: string;
    requires_verification: boolean;
  }[];
  totals: { total_after_tax: string; total_tax: string; total_discount: string };
  tax_exempt: boolean;
  staff_discount: { percent_off?: string; amount?: string; label: string } | null;
}

export class Assistance {
  constructor(
    private readonly d: ConsoleDeps,
    private readonly settings: ConsoleSettings,
  ) {}

  queue(now = new Date()): {
    open: QueueItem[];
    median_response_seconds: number | null;
    decided_today: number;
  } {
    const db = this.d.db;
    const rows = db
      .prepare<
        [],
        {
          intervention_id: string;
          kind: string;
          status: string;
          device_id: string;
          retailer_device_id: string;
          basket_id: string | null;
          code: string | null;
          reason: string;
          created_at: string;
          decided_at: string | null;
        }
      >(
        `SELECT i.intervention_id, i.kind, i.status, i.device_id, d.retailer_device_id, i.basket_id, i.code, i.reason,
                i.created_at, i.decided_at
         FROM interventions i JOIN devices d USING (device_id)
         WHERE i.status = 'P' ORDER BY i.created_at`,
      )
      .all();
    const open = rows.map((r): QueueItem => {
      // The basket's priced state is stored by parts; the baskets service has it (in memory).
      const priced = r.basket_id
        ? (this.d.baskets.pricedOf(r.basket_id) as {
            lines?: {
              line_id: string;
              item_name: string;
              requires_verification: boolean;
              minimum_age_required: number | null;
            }[];
          })
        : {};
      return {
        intervention_id: r.intervention_id,
        kind: queueKind(r.kind, r.reason),
        status: r.status,
        device_id: r.device_id,
        retailer_device_id: r.retailer_device_id,
        basket_id: r.basket_id,
        code: r.code,
        reason: r.reason,
        restricted_lines:
          r.kind === 'age_check'
            ? (priced.lines ?? [])
                .filter((l) => l.requires_verification)
                .map((l) => ({
                  line_id: l.line_id,
                  item_name: l.item_name,
                  minimum_age_required: l.minimum_age_required ?? null,
                }))
            : [],
        created_at: r.created_at,
        decided_at: r.decided_at,
      };
    });
    // "Today" is the store's business date; decisions are compared by their UTC instant against its start.
    const cfg = this.d.store.config();
    const today = dayStart(now, cfg.timezone);
    const decided = db
      .prepare<[string], { created_at: string; decided_at: string }>(
        `SELECT created_at, decided_at FROM interventions WHERE decided_at IS NOT NULL AND decided_at >= ?`,
      )
      .all(today.toISOString());
    return {
      open,
      median_response_seconds: median(
        decided.map((x) => (Date.parse(x.decided_at) - Date.parse(x.created_at)) / 1000),
      ),
      decided_today: decided.length,
    };
  }

  decide(staff: ConsoleUser, id: string, decision: 'approve' | 'reject', reason: string | undefined) {
    return this.d.tx.run(() => {
      const iv = this.d.interventions.repo.get(id);
      if (!iv) throw notFound('intervention', id);
      if (iv.kind === 'age_check') requireAction(staff, 'intervention.decide_age');
      if (iv.kind === 'age_check' && decision === 'reject' && !reason?.trim())
        throw new HubError('VALIDATION_FAILED', 'a rejection needs a reason', { field: 'reason' });
      const row = this.d.interventions.decide(staff, id, decision);
      this.d.audit.write({
        staff,
        device: this.deviceLabel(iv.device_id),
        action: iv.kind === 'age_check' ? `age_check.${decision}` : 'help.resolve',
        subject: id,
        what:
          iv.kind === 'age_check'
            ? `${decision === 'approve' ? 'approved' : 'rejected'} age check ${iv.code ?? ''}`.trim()
            : `resolved help request: ${iv.reason}`,
        why: reason ?? null,
        details: { removed_line_ids: row.removed_line_ids },
      });
      return row;
    });
  }

  private deviceLabel(deviceId: string): { device_id: string; label: string } {
    const d = this.d.pairing.repo.get(deviceId);
    return { device_id: deviceId, label: d?.retailer_device_id ?? deviceId };
  }

  private client(deviceId: string): PairedClient {
    const d = this.d.pairing.repo.get(deviceId);
    if (!d) throw notFound('device', deviceId);
    return d;
  }

  /** The lane's current basket (active or at payment), or null. */
  laneBasket(deviceId: string): AssistBasket | null {
    this.client(deviceId);
    const id = this.d.baskets.repo.currentBasket(deviceId);
    return id ? this.view(id) : null;
  }

  view(basketId: string): AssistBasket {
    const b = this.d.baskets.view(basketId);
    return this.toAssist(b);
  }

  private toAssist(b: Basket): AssistBasket {
    const p = b.priced as {
      lines?: AssistBasket['lines'];
      totals?: Partial<AssistBasket['totals']>;
    };
    const adj = staffAdjustmentsFor(this.d.db, b.basket_id);
    const sd = adj.basket_discounts.find((x) => x.id === 'staff');
    return {
      basket_id: b.basket_id,
      device_id: b.device_id,
      retailer_device_id: this.deviceLabel(b.device_id).label,
      state: b.state,
      version: b.version,
      lines: (p.lines ?? []).map((l) => ({
        line_id: l.line_id,
        item_name: l.item_name,
        quantity: l.quantity,
        unit_price: l.unit_price,
        payable: l.payable,
        total_discount: l.total_discount,
        price_source: l.price_source,
        requires_verification: l.requires_verification,
      })),
      totals: {
        total_after_tax: p.totals?.total_after_tax ?? '0.00',
        total_tax: p.totals?.total_tax ?? '0.00',
        total_discount: p.totals?.total_discount ?? '0.00',
      },
      tax_exempt: adj.tax_mode_override !== null,
      staff_discount: sd
        ? {
            label: sd.label,
            ...(sd.percent_off ? { percent_off: sd.percent_off } : {}),
            ...(sd.amount ? { amount: sd.amount } : {}),
          }
        : null,
    };
  }

  private basketDevice(basketId: string): PairedClient {
    const b = this.d.baskets.repo.get(basketId);
    if (!b) throw notFound('basket', basketId);
    return this.client(b.device_id);
  }

  setQuantity(
    staff: ConsoleUser,
    basketId: string,
    lineId: string,
    quantity: number,
    version?: number,
  ): AssistBasket {
    requireAction(staff, 'assistance.change_quantity');
    return this.d.tx.run(() => {
      const dev = this.basketDevice(basketId);
      const b = this.d.baskets.changeLine(dev, basketId, lineId, { quantity, basket_version: version });
      this.d.audit.write({
        staff,
        device: this.deviceLabel(dev.device_id),
        action: 'assistance.change_quantity',
        subject: basketId,
        what: `set line ${lineId} to quantity ${quantity}`,
      });
      return this.toAssist(b);
    });
  }

  removeLine(staff: ConsoleUser, basketId: string, lineId: string, version?: number): AssistBasket {
    requireAction(staff, 'assistance.remove_line');
    return this.d.tx.run(() => {
      const dev = this.basketDevice(basketId);
      const name = this.lineName(basketId, lineId);
      const b = this.d.baskets.removeLine(dev, basketId, lineId, version);
      this.d.audit.write({
        staff,
        device: this.deviceLabel(dev.device_id),
        action: 'assistance.remove_line',
        subject: basketId,
        what: `removed ${name}`,
      });
      return this.toAssist(b);
    });
  }

  private lineName(basketId: string, lineId: string): string {
    const p = this.d.baskets.view(basketId).priced as { lines?: { line_id: string; item_name: string }[] };
    return p.lines?.find((l) => l.line_id === lineId)?.item_name ?? lineId;
  }

  private editable(basketId: string, version: number | undefined) {
    const b = this.d.baskets.repo.get(basketId);
    if (!b) throw notFound('basket', basketId);
    if (b.state === 'expired') throw new HubError('BASKET_EXPIRED', 'the basket has expired');
    if (b.state === 'checked_out')
      throw new HubError('BASKET_CHECKED_OUT', 'the shopper is paying; abort the payment first');
    if (version !== undefined && version !== b.version)
      throw new HubError('BASKET_VERSION_CONFLICT', 'the basket changed; reload it', { version: b.version });
    return b;
  }

  /**
   * Re-prices through promo-core and tells the kiosk, after the caller's change. A change that
   * promo-core refuses for a line (e.g. OVERRIDE_NOT_ALLOWED) throws, rolling the change back.
   */
  private repriced(basketId: string, deviceId: string, lineId?: string): AssistBasket {
    const priced = this.d.baskets.reprice(basketId);
    if (!priced) throw new HubError('PRICING_ERROR', 'the basket could not be priced with this change');
    const refused = lineId ? priced.refusals.find((r) => r.line_id === lineId) : undefined;
    if (refused) throw new HubError(refusalCode(refused.code), refused.message, refused.details ?? {});
    const view = this.d.baskets.view(basketId);
    this.d.bus.emitTo(deviceId, 'basket.updated', view);
    return this.toAssist(view);
  }

  overridePrice(
    staff: ConsoleUser,
    basketId: string,
    lineId: string,
    o: { new_unit_price?: string | undefined; percent_off?: string | undefined; reason: string },
    version?: number,
  ): AssistBasket {
    requireAction(staff, 'assistance.price_override');
    return this.d.tx.run(() => {
      const b = this.editable(basketId, version);
      const lines = this.d.baskets.repo.lines(basketId);
      const line = lines.find((l) => l.line_id === lineId);
      if (!line) throw notFound('line', lineId);
      const priced = this.d.baskets.view(basketId).priced as {
        lines?: { line_id: string; unit_price: string; item_name: string }[];
      };
      const current = priced.lines?.find((l) => l.line_id === lineId);
      if (!current) throw notFound('line', lineId);
      const cfg = this.d.store.config();
      const exp = cfg.currency_exponent;
      const maxPct = this.settings.priceOverrideMaxPercent();
      const unit = parseMoney(current.unit_price, exp);
      if (o.new_unit_price !== undefined) {
        const next = parseMoney(o.new_unit_price, exp);
        // Limit: never above the current price, never more than maxPct below it (integer maths: next×100 ≥ unit×(100−max)).
        if (next > unit || next * 10000n < unit * (10000n - maxPct))
          throw new HubError(
            'PRICE_OVERRIDE_LIMIT',
            `an override may lower the price by at most ${formatPct(maxPct)} %`,
            {
              max_percent_off: formatPct(maxPct),
            },
          );
      } else if (o.percent_off !== undefined) {
        const pct = parseMoney(o.percent_off, 2);
        if (pct <= 0n || pct > maxPct)
          throw new HubError(
            'PRICE_OVERRIDE_LIMIT',
            `an override may lower the price by at most ${formatPct(maxPct)} %`,
            {
              max_percent_off: formatPct(maxPct),
            },
          );
      }
      this.d.baskets.repo.updateLine({
        ...line,
        price_override: {
          ...(o.new_unit_price !== undefined
            ? { new_unit_price: o.new_unit_price }
            : { percent_off: o.percent_off! }),
          reason: o.reason,
          staff_user_id: staff.user_id,
        },
      });
      const out = this.repriced(basketId, b.device_id, lineId);
      this.d.audit.write({
        staff,
        device: this.deviceLabel(b.device_id),
        action: 'assistance.price_override',
        subject: basketId,
        what: `${current.item_name}: ${current.unit_price} → ${o.new_unit_price ?? `${o.percent_off} % off`}`,
        why: o.reason,
      });
      return out;
    });
  }

  private setAdjustments(basketId: string, f: (a: StaffAdjustments) => StaffAdjustments): void {
    const next = f(staffAdjustmentsFor(this.d.db, basketId));
    this.d.db
      .prepare(
        `INSERT INTO basket_adjustments(basket_id, basket_discounts, tax_mode_override, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(basket_id) DO UPDATE SET basket_discounts = excluded.basket_discounts,
           tax_mode_override = excluded.tax_mode_override, updated_at = excluded.updated_at`,
      )
      .run(
        basketId,
        JSON.stringify(next.basket_discounts),
        next.tax_mode_override ? JSON.stringify(next.tax_mode_override) : null,
        nowIso(),
      );
  }

  staffDiscount(
    staff: ConsoleUser,
    basketId: string,
    percentOff: string,
    reason: string,
    version?: number,
  ): AssistBasket {
    requireAction(staff, 'assistance.staff_discount');
    const pct = parseMoney(percentOff, 2);
    if (pct < 0n || pct > 10000n)
      throw new HubError('VALIDATION_FAILED', 'a discount is between 0 and 100 %');
    return this.d.tx.run(() => {
      const b = this.editable(basketId, version);
      this.setAdjustments(basketId, (a) => ({
        ...a,
        basket_discounts: [
          ...a.basket_discounts.filter((x) => x.id !== 'staff'),
          ...(pct > 0n
            ? [
                {
                  id: 'staff',
                  label: `Staff discount ${percentOff} %`,
                  percent_off: percentOff,
                  staff_user_id: staff.user_id,
                },
              ]
            : []),
        ],
      }));
      const out = this.repriced(basketId, b.device_id);
      this.d.audit.write({
        staff,
        device: this.deviceLabel(b.device_id),
        action: 'assistance.staff_discount',
        subject: basketId,
        what: `staff discount ${percentOff} %`,
        why: reason,
      });
      return out;
    });
  }

  taxMode(
    staff: ConsoleUser,
    basketId: string,
    exempt: boolean,
    reason: string,
    version?: number,
  ): AssistBasket {
    requireAction(staff, 'assistance.tax_exemption');
    return this.d.tx.run(() => {
      const b = this.editable(basketId, version);
      this.setAdjustments(basketId, (a) => ({
        ...a,
        tax_mode_override: exempt ? { apply_tax: false } : null,
      }));
      const out = this.repriced(basketId, b.device_id);
      this.d.audit.write({
        staff,
        device: this.deviceLabel(b.device_id),
        action: 'assistance.tax_exemption',
        subject: basketId,
        what: exempt ? 'sale made tax exempt' : 'tax exemption removed',
        why: reason,
      });
      return out;
    });
  }

  /** Catalogue search for staff adding an item the kiosk could not (an unknown barcode). */
  searchItems(
    q: string,
  ): { item_id: string; item_name: string; product_identifier: string; price: string }[] {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = this.d.db
      .prepare<[string, string], { item_id: string; product_identifier: string; doc: string }>(
        `SELECT item_id, product_identifier, doc FROM catalog_items
         WHERE deleted = 0 AND (product_identifier LIKE ? ESCAPE '\\' OR json_extract(doc, '$.item_name') LIKE ? ESCAPE '\\')
         ORDER BY json_extract(doc, '$.item_name') LIMIT 20`,
      )
      .all(like, like);
    return rows.map((r) => {
      const doc = JSON.parse(r.doc) as { item_name?: string; selling_price?: string; base_price?: string };
      return {
        item_id: r.item_id,
        item_name: doc.item_name ?? r.product_identifier,
        product_identifier: r.product_identifier,
        price: doc.selling_price ?? doc.base_price ?? '',
      };
    });
  }

  /** Adds an item to a lane's basket for the shopper (can_add); priced like a scan. */
  addItem(staff: ConsoleUser, basketId: string, code: string, quantity: number): AssistBasket {
    requireAction(staff, 'assistance.add_line');
    return this.d.tx.run(() => {
      const b = this.editable(basketId, undefined);
      const dev = this.client(b.device_id);
      const r = this.d.baskets.addLine(dev, basketId, { code, quantity });
      this.d.audit.write({
        staff,
        device: this.deviceLabel(b.device_id),
        action: 'assistance.add_line',
        subject: basketId,
        what: `added ${quantity} × ${code}`,
      });
      return this.toAssist(r.basket);
    });
  }

  /**
   * A line the store's quantity limit refused (max_basket_qty or a quantity regulation), added
   * because staff allow it: the line carries promo-core's `limit_override` for exactly these
   * units and has no merge key, so the shopper's next scan of the item is checked again.
   */
  limitOverride(
    staff: ConsoleUser,
    basketId: string,
    o: { code: string; quantity: number; reason: string; basket_version?: number | undefined },
  ): AssistBasket {
    requireAction(staff, 'assistance.limit_override');
    return this.d.tx.run(() => {
      const b = this.editable(basketId, o.basket_version);
      const res = resolveLine(o.code, undefined, this.d.store.storeData(), nowIso());
      if (!res) throw new HubError('ITEM_NOT_FOUND', `no item has the code ${o.code}`, { code: o.code });
      if (res.measured)
        throw new HubError('VALIDATION_FAILED', 'a weighed item has no quantity limit to override', {
          code: o.code,
        });
      const lineId = newId();
      this.d.baskets.repo.insertLine(
        basketId,
        {
          line_id: lineId,
          scanned_code: o.code,
          quantity: o.quantity,
          price_snapshot: res.snapshot,
          limit_override: { max_quantity: o.quantity, reason: o.reason, staff_user_id: staff.user_id },
        },
        nowIso(),
      );
      const out = this.repriced(basketId, b.device_id, lineId);
      const name = out.lines.find((l) => l.line_id === lineId)?.item_name ?? o.code;
      this.d.audit.write({
        staff,
        device: this.deviceLabel(b.device_id),
        action: 'assistance.limit_override',
        subject: basketId,
        what: `allowed ${o.quantity} × ${name} over the quantity limit`,
        why: o.reason,
        details: { line_id: lineId, code: o.code, quantity: o.quantity },
      });
      return out;
    });
  }

  /**
   * An unknown barcode sold at a price staff enter (promo-core's `manual_item`): the name and
   * price appear on the basket, the order snapshot and the receipt like any line; it is kept out
   * of promotions and taxed with the chosen (or the store's default) tax code.
   */
  addManualItem(
    staff: ConsoleUser,
    basketId: string,
    o: {
      code: string;
      item_name: string;
      unit_price: string;
      quantity: number;
      tax_code?: string | undefined;
      reason: string;
      basket_version?: number | undefined;
    },
  ): AssistBasket {
    requireAction(staff, 'assistance.add_line');
    requireAction(staff, 'assistance.manual_item');
    return this.d.tx.run(() => {
      const b = this.editable(basketId, o.basket_version);
      const data = this.d.store.storeData();
      if (resolveLine(o.code, undefined, data, nowIso()))
        throw new HubError(
          'VALIDATION_FAILED',
          'this code is in the catalogue; add it by its code instead of at a manual price',
          { code: o.code },
        );
      const exp = this.d.store.config().currency_exponent;
      let price: bigint;
      try {
        price = parseMoney(o.unit_price, exp);
      } catch {
        throw new HubError('VALIDATION_FAILED', `a price has at most ${exp} decimals`, {
          field: 'unit_price',
        });
      }
      if (price <= 0n) throw new HubError('VALIDATION_FAILED', 'a manual price is more than zero');
      const taxCode = o.tax_code ?? data.tax.config.defaultTaxCode ?? null;
      if (!taxCode || !data.tax.table.some((t) => t.taxCode === taxCode))
        throw new HubError('TAX_CODE_MISSING', `the store has no tax code ${taxCode ?? '(none)'}`, {
          tax_code: taxCode,
        });
      const lineId = newId();
      this.d.baskets.repo.insertLine(
        basketId,
        {
          line_id: lineId,
          scanned_code: o.code,
          quantity: o.quantity,
          amount: o.unit_price,
          manual_item: {
            item_name: o.item_name,
            tax_code: taxCode,
            reason: o.reason,
            staff_user_id: staff.user_id,
          },
        },
        nowIso(),
      );
      const out = this.repriced(basketId, b.device_id, lineId);
      this.d.audit.write({
        staff,
        device: this.deviceLabel(b.device_id),
        action: 'assistance.manual_item',
        subject: basketId,
        what: `sold unknown code ${o.code} as ${o.quantity} × ${o.item_name} at ${o.unit_price}`,
        why: o.reason,
        details: { line_id: lineId, code: o.code, tax_code: taxCode },
      });
      return out;
    });
  }

  cancelSale(staff: ConsoleUser, basketId: string, reason: string): AssistBasket {
    requireAction(staff, 'assistance.cancel_sale');
    return this.d.tx.run(() => {
      const b = this.editable(basketId, undefined);
      this.d.baskets.repo.expire(basketId, nowIso());
      const view = this.d.baskets.view(basketId);
      this.d.bus.emitTo(b.device_id, 'basket.updated', view);
      this.d.audit.write({
        staff,
        device: this.deviceLabel(b.device_id),
        action: 'assistance.cancel_sale',
        subject: basketId,
        what: 'cancelled the sale',
        why: reason,
      });
      return this.toAssist(view);
    });
  }
}

const formatPct = (hundredths: bigint): string =>
  `${hundredths / 100n}${hundredths % 100n ? `.${String(hundredths % 100n).padStart(2, '0')}` : ''}`;

/** The UTC instant at which the store-local calendar day of `now` began. */
export function dayStart(now: Date, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const sinceMidnight =
    (get('hour') * 3600 + get('minute') * 60 + get('second')) * 1000 + now.getMilliseconds();
  return new Date(now.getTime() - sinceMidnight);
}
