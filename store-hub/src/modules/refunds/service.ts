/**
 * Refunds (spec/store.md §2.6, §4.6, §7.4): full or partial by line and quantity, to the
 * original card through the terminal port or to cash. A refund is a new record; the sale is
 * never edited (only its status becomes `refunded` once every line is). Money per line from
 * `refundValue`, tax from promo-core's `reverseTax`.
 *
 * Concurrency (R9): the refund is planned and its amounts put "in progress" inside one
 * BEGIN IMMEDIATE transaction, which SQLite serialises across the whole database — a second
 * staff member refunding the same line at the same moment plans against the first one's
 * in-progress quantities and cannot exceed what was paid. Money moves only after that commit;
 * the outcome (REFUNDED / PSP_FAILED) and its outbox event commit together afterwards.
 *
 * Parts (split.ts): a refund goes back to the order's card tenders largest-first, the rest (if
 * any) in cash. Each card part is asked of the terminal under its own reference (its part_id)
 * and its outcome committed before the next part starts, so a hub killed mid-refund restarts
 * knowing which parts moved money: `recover` asks the terminal about every part still in
 * progress and finishes the refund, fails it, or holds it for staff — never pays a part twice
 * and never forgets one.
 */
import type { CompletedOrderInput, StoreReceiptConfigInput, TaxRounding } from '@kassa/promo-core';
import {
  buildReceipt,
  formatMoney,
  parseMoney,
  parseStoreTaxConfig,
  renderReceiptText,
} from '@kassa/promo-core';
import { nextSequence } from '../../platform/db/sequences';
import { HubError, notFound } from '../../platform/errors';
import { newId, nowIso } from '../../platform/ids';
import { parseExact } from '../../platform/json';
import { enqueueOutbox } from '../../outbox';
import type { ConsoleDeps } from '../console/deps';
import type { ConsoleSettings } from '../console/settings';
import { requireAction } from '../console-auth/guard';
import type { ConsoleUser } from '../console-auth/service';
import type { DeviceAdmin } from '../device-admin/service';
import type { Shifts } from '../shifts/service';
import type { PlannedRefund, StoredPriced } from './refund-tax';
import { paidLines, planRefund, RefundLineUnknown } from './refund-tax';
import type { LineRefundState, RefundStatus } from './refundable';
import { NO_REFUNDS, RefundAmountError, refundableLine, refundMode } from './refundable';
import type { RefundPartPlan, SplitProblem, TenderCapacity } from './split';
import { checkSplit, splitRefund, tenderLeft } from './split';
import type { TerminalRefundState } from '../payments/terminal/port';

/** How long the hub waits for the terminal to answer a refund before calling it failed. */
export const REFUND_TERMINAL_TIMEOUT_MS = 15_000;

export interface RefundRequest {
  order_id: string;
  lines: { line_id: string; quantity: number }[];
  method: 'card' | 'cash';
  /** Card refunds: staff's own split over the order's card tenders and cash (default largest-first). */
  split?: SplitRequest | undefined;
  reason: string;
  /** Cash refunds: the register whose open shift pays out (default: the only open shift). */
  register_device_id?: string | undefined;
  /** Simulator scenario for the card refund. */
  simulate?: 'approve' | 'decline' | 'timeout' | 'delay' | 'decline_rest' | undefined;
}

export type SplitRequest = { tender_id: string | null; amount: string }[];

export interface RefundRecord {
  refund_id: string;
  order_id: string;
  status: RefundStatus;
  mode: 'F' | 'P';
  method: 'card' | 'cash';
  amount: string;
  tax_amount: string;
  reason: string;
  created_at: string;
  refund_poslog: string | null;
  lines: { line_id: string; name: string; quantity: number; amount: string; tax_amount: string }[];
  parts: RefundPartView[];
  failure: string | null;
}

export interface RefundPartView {
  method: 'card' | 'cash';
  /** The card it went back to, as the receipt names it ("visa ••4242"), or null for cash. */
  card: string | null;
  amount: string;
  status: 'PROCESSING' | 'REFUNDED' | 'FAILED';
}

interface PartRow {
  part_id: string;
  refund_id: string;
  seq: number;
  method: 'card' | 'cash';
  tender_id: string | null;
  amount: number;
  status: 'PROCESSING' | 'REFUNDED' | 'FAILED';
  reference: string | null;
  failure: string | null;
  created_at: string;
}

/** live: send card parts; ask: ask the terminal about them; restart: ask, and fail unpaid cash parts. */
type SettleMode = 'live' | 'ask' | 'restart';

type Outcome = { ok: true; reference: string } | { ok: false; reason: string };

interface RefundRow {
  refund_id: string;
  order_id: string;
  status: RefundStatus;
  mode: 'F' | 'P';
  method: 'card' | 'cash';
  tender_id: string | null;
  amount: number;
  tax_amount: number;
  tax_breakup: string;
  reason: string;
  staff_user_id: string;
  device_id: string | null;
  shift_id: string | null;
  refund_poslog: string | null;
  failure: string | null;
  created_at: string;
}

const REFUNDABLE_STATUSES = ['completed', 'verified', 'verification_failed'];

/** `failure` of a refund held for staff (some parts moved money, one failed). */
const INCOMPLETE = 'incomplete: ';
/** `failure` of a held refund whose rest staff cancelled: done at what was paid, its units free again. */
const REST_CANCELLED = 'rest cancelled: ';

export type FinishAction = 'retry' | 'cash' | 'cancel';

export interface FinishRequest {
  action: FinishAction;
  reason: string;
  /** `cash`: the register whose open shift pays out (default: the only open shift). */
  register_device_id?: string | undefined;
  /** `retry`: simulator scenario for the card part(s). */
  simulate?: 'approve' | 'decline' | 'timeout' | 'delay' | 'decline_rest' | undefined;
}

export class Refunds {
  constructor(
    private readonly d: ConsoleDeps,
    private readonly settings: ConsoleSettings,
    private readonly shifts: Shifts,
    private readonly devices: DeviceAdmin,
    private readonly terminalTimeoutMs = REFUND_TERMINAL_TIMEOUT_MS,
  ) {}

  private exp(): number {
    return this.d.store.config().currency_exponent;
  }

  private money(v: number | bigint): string {
    return formatMoney(BigInt(v), this.exp());
  }

  private order(orderId: string) {
    const o = this.d.db
      .prepare<
        [string],
        {
          order_id: string;
          o_id: number;
          order_status: string;
          device_id: string;
          priced: string;
          receipt_input: string | null;
          receipt_number: string | null;
          completed_at: string | null;
          created_at: string;
        }
      >(
        `SELECT order_id, o_id, order_status, device_id, priced, receipt_input, receipt_number, completed_at, created_at FROM orders WHERE order_id = ?`,
      )
      .get(orderId);
    if (!o) throw notFound('order', orderId);
    return o;
  }

  /** Per line: refunded and in-progress quantities and amounts (failed refunds count for nothing). */
  private lineStates(orderId: string): Map<string, LineRefundState> {
    const rows = this.d.db
      .prepare<[string], { line_id: string; status: string; q: number; a: number }>(
        // A refund whose rest staff cancelled (REST_CANCELLED) released its units but keeps the
        // money that did go back, so what is left of each line is what the shopper has not had back.
        `SELECT rl.line_id, r.status, SUM(CASE WHEN r.failure LIKE '${REST_CANCELLED}%' THEN 0 ELSE rl.quantity END) AS q,
           SUM(rl.amount) AS a FROM refund_lines rl JOIN refunds r USING (refund_id)
         WHERE r.order_id = ? AND r.status IN ('CREATED', 'PROCESSING', 'REFUNDED') GROUP BY rl.line_id, r.status`,
      )
      .all(orderId);
    const out = new Map<string, LineRefundState>();
    for (const r of rows) {
      const s = { ...(out.get(r.line_id) ?? NO_REFUNDS) };
      if (r.status === 'REFUNDED') {
        s.refundedQuantity += r.q;
        s.refundedAmount += BigInt(r.a);
      } else {
        s.processingQuantity += r.q;
        s.processingAmount += BigInt(r.a);
      }
      out.set(r.line_id, s);
    }
    return out;
  }

  private rounding(): TaxRounding {
    return parseStoreTaxConfig(this.d.store.config().tax).rounding;
  }

  refundable(orderId: string) {
    const o = this.order(orderId);
    const states = this.lineStates(orderId);
    const open = REFUNDABLE_STATUSES.includes(o.order_status);
    const policy = this.settings.refundPolicy();
    const tenders = this.cardTenders(orderId);
    return {
      order_id: o.order_id,
      o_id: o.o_id,
      lines: paidLines(JSON.parse(o.priced) as StoredPriced).map((l) => {
        const r = refundableLine(open ? l : { ...l, refundable: false }, states.get(l.lineId));
        return {
          line_id: r.lineId,
          name: r.name,
          quantity: r.quantity,
          refunded_quantity: r.refundedQuantity,
          processing_quantity: r.processingQuantity,
          refundable_quantity: r.refundableQuantity,
          refundable_amount: this.money(r.refundableAmount),
          unit_paid: this.money(r.unitPaid),
          unit_tax: this.money(r.unitTax),
        };
      }),
      methods: [
        ...(policy.card_allowed && tenders.length > 0 ? (['card'] as const) : []),
        ...(policy.cash_allowed ? (['cash'] as const) : []),
      ],
      tenders: tenders.map((t, i) => ({
        tender_id: t.tenderId,
        card_no: i + 1,
        card: this.cardLabel(t.tenderId)!,
        paid: this.money(t.paid),
        refundable: this.money(tenderLeft(t)),
      })),
      refund_parts: this.orderParts(orderId),
      partial_allowed: policy.partial_allowed,
      return_window_days: policy.return_window_days,
    };
  }

  /** Captured card tenders, paid first first, with what refunds in progress or done took back. */
  private cardTenders(orderId: string): TenderCapacity[] {
    return this.d.db
      .prepare<[string], { tender_id: string; amount: number; used: number }>(
        `SELECT t.tender_id, t.amount, COALESCE((SELECT SUM(p.amount) FROM refund_parts p WHERE p.tender_id = t.tender_id
           AND p.status IN ('PROCESSING', 'REFUNDED')), 0) AS used
         FROM tenders t WHERE t.order_id = ? AND t.status = 'captured' AND t.method = 'card' ORDER BY t.created_at, t.tender_id`,
      )
      .all(orderId)
      .map((t) => ({ tenderId: t.tender_id, paid: BigInt(t.amount), used: BigInt(t.used) }));
  }

  private cardLabel(tenderId: string | null): string | null {
    return tenderId ? (this.cardLabelOf(tenderId) ?? 'card ••????') : null;
  }

  /**
   * A card tender's number among its order's captured card tenders, paid first first (the order
   * of `cardTenders`, so the same number the console puts on the split fields), or null when it
   * is not one of them. Two cards of one brand and last four digits (a shared card) differ only
   * by it.
   */
  private cardNo(tenderId: string | null): number | null {
    if (tenderId === null) return null;
    const r = this.d.db
      .prepare<[string], { n: number }>(
        `SELECT (SELECT COUNT(*) FROM tenders u WHERE u.order_id = t.order_id AND u.status = 'captured' AND u.method = 'card'
                  AND (u.created_at < t.created_at OR (u.created_at = t.created_at AND u.tender_id <= t.tender_id))) AS n
         FROM tenders t WHERE t.tender_id = ? AND t.status = 'captured' AND t.method = 'card'`,
      )
      .get(tenderId);
    return r ? r.n : null;
  }

  /** How the hub's sentences name a tender: "card 2 (visa ••4242)", as the console does (en, de). */
  private tenderName(tenderId: string | null): string {
    if (tenderId === null) return 'cash';
    const label = this.cardLabelOf(tenderId);
    const no = this.cardNo(tenderId);
    if (label === null) return `tender ${tenderId}`;
    return no === null ? label : `card ${no} (${label})`;
  }

  /** Every part of every refund of the order, oldest refund first: which tender (or cash) got what. */
  private orderParts(orderId: string) {
    return this.d.db
      .prepare<
        [string],
        {
          refund_id: string;
          method: 'card' | 'cash';
          tender_id: string | null;
          amount: number;
          status: PartRow['status'];
        }
      >(
        `SELECT p.refund_id, p.method, p.tender_id, p.amount, p.status FROM refund_parts p JOIN refunds r USING (refund_id)
         WHERE r.order_id = ? ORDER BY r.created_at, r.refund_id, p.seq`,
      )
      .all(orderId)
      .map((p) => ({
        refund_id: p.refund_id,
        method: p.method,
        tender_id: p.tender_id,
        card_no: this.cardNo(p.tender_id),
        card: this.cardLabel(p.tender_id),
        amount: this.money(p.amount),
        status: p.status,
      }));
  }

  /** R1 (§2.6) with the store's refund policy: the order's status, the return window, partial refunds. */
  private checkPolicy(
    o: { order_status: string; completed_at: string | null; created_at: string },
    mode: 'F' | 'P' | null,
    now = new Date(),
  ): void {
    if (!REFUNDABLE_STATUSES.includes(o.order_status))
      throw new HubError('REFUND_NOT_ALLOWED', `an order that is ${o.order_status} cannot be refunded`, {
        order_status: o.order_status,
      });
    const policy = this.settings.refundPolicy();
    const days = policy.return_window_days;
    if (days > 0) {
      const sold = Date.parse(o.completed_at ?? o.created_at);
      const last = sold + days * 86_400_000;
      if (now.getTime() > last)
        throw new HubError(
          'RETURN_WINDOW_PASSED',
          `this store takes returns for ${days} day${days === 1 ? '' : 's'} after the sale; this order was sold on ${new Date(sold).toISOString().slice(0, 10)}`,
          {
            return_window_days: days,
            sold_at: new Date(sold).toISOString(),
            last_day: new Date(last).toISOString(),
          },
        );
    }
    if (mode === 'P' && !policy.partial_allowed)
      throw new HubError(
        'PARTIAL_REFUND_BLOCKED',
        'this store refunds whole orders only: select every line with all its units',
      );
  }

  private split(
    orderId: string,
    amount: bigint,
    method: 'card' | 'cash',
    requested?: SplitRequest,
  ): RefundPartPlan[] {
    const policy = this.settings.refundPolicy();
    if (method === 'cash' && !policy.cash_allowed)
      throw new HubError('REFUND_METHOD_NOT_ALLOWED', 'this store does not give refunds in cash', {
        method,
      });
    if (method === 'card' && !policy.card_allowed)
      throw new HubError('REFUND_METHOD_NOT_ALLOWED', 'this store does not give refunds to cards', {
        method,
      });
    if (requested) return this.chosenSplit(orderId, amount, method, requested, policy.cash_allowed);
    const r = splitRefund(amount, method, this.cardTenders(orderId), policy.cash_allowed);
    if (!r.ok)
      throw new HubError(
        'REFUND_METHOD_NOT_ALLOWED',
        `the cards of this order can take back ${this.money(r.cardsCanTake)} and this store gives no cash refunds`,
        { cards_can_take: this.money(r.cardsCanTake) },
      );
    if (method === 'card' && amount > 0n && !r.parts.some((p) => p.method === 'card'))
      throw new HubError(
        'REFUND_METHOD_NOT_ALLOWED',
        'no card payment of this order can take this refund back; refund in cash',
      );
    return r.parts;
  }

  /** Staff's own split, checked against the order's tenders now (inside the refund's transaction). */
  private chosenSplit(
    orderId: string,
    amount: bigint,
    method: 'card' | 'cash',
    requested: SplitRequest,
    cashAllowed: boolean,
  ): RefundPartPlan[] {
    if (method !== 'card')
      throw new HubError(
        'VALIDATION_FAILED',
        'a split is for card refunds; a cash refund is all paid in cash',
        {
          method,
        },
      );
    const exp = this.exp();
    const parts = requested.map((p) => {
      const decimals = p.amount.includes('.') ? p.amount.length - p.amount.indexOf('.') - 1 : 0;
      if (decimals > exp)
        throw new HubError(
          'VALIDATION_FAILED',
          `${p.amount} has more decimals than this store's currency (${exp})`,
          { amount: p.amount },
        );
      return { tenderId: p.tender_id, amount: parseMoney(p.amount, exp) };
    });
    const r = checkSplit(amount, parts, this.cardTenders(orderId), cashAllowed);
    if (r.ok) return r.parts;
    throw new HubError('REFUND_SPLIT_INVALID', r.problems.map((x) => this.problemText(x)).join('; '), {
      problems: r.problems.map((x) => this.problemDetail(x)),
    });
  }

  private problemText(p: SplitProblem): string {
    switch (p.kind) {
      case 'unknown_tender':
        return `tender ${p.tenderId} is not a card payment of this order`;
      case 'tender_twice':
        return `${this.tenderName(p.tenderId)} is named more than once`;
      case 'over_tender':
        return `${this.tenderName(p.tenderId)} can take back at most ${this.money(p.left)}, not ${this.money(p.amount)}`;
      case 'cash_not_allowed':
        return `this store does not give refunds in cash, so ${this.money(p.amount)} cannot go back in cash`;
      case 'sum':
        return p.sum < p.amount
          ? `the parts add up to ${this.money(p.sum)} but the refund is ${this.money(p.amount)}: ${this.money(p.amount - p.sum)} still has to go somewhere`
          : `the parts add up to ${this.money(p.sum)} but the refund is ${this.money(p.amount)}: that is ${this.money(p.sum - p.amount)} too much`;
    }
  }

  /** The same problem for the console (money as strings), which says it in the staff's language. */
  private problemDetail(p: SplitProblem): Record<string, unknown> {
    const { kind } = p;
    switch (p.kind) {
      case 'unknown_tender':
        return { kind, tender_id: p.tenderId };
      case 'tender_twice':
        return {
          kind,
          tender_id: p.tenderId,
          card_no: this.cardNo(p.tenderId),
          card: p.tenderId && this.cardLabelOf(p.tenderId),
        };
      case 'over_tender':
        return {
          kind,
          tender_id: p.tenderId,
          card_no: this.cardNo(p.tenderId),
          card: this.cardLabelOf(p.tenderId),
          amount: this.money(p.amount),
          left: this.money(p.left),
        };
      case 'cash_not_allowed':
        return { kind, amount: this.money(p.amount) };
      case 'sum':
        return { kind, sum: this.money(p.sum), amount: this.money(p.amount) };
    }
  }

  /** A tender's card label, or null when there is no such tender. */
  private cardLabelOf(tenderId: string): string | null {
    const t = this.d.db
      .prepare<[string], { card_brand: string | null; card_last4: string | null }>(
        `SELECT card_brand, card_last4 FROM tenders WHERE tender_id = ?`,
      )
      .get(tenderId);
    return t ? `${t.card_brand ?? 'card'} ••${t.card_last4 ?? '????'}` : null;
  }

  private partsView(parts: readonly { method: 'card' | 'cash'; tenderId: string | null; amount: bigint }[]) {
    return parts.map((p) => ({
      method: p.method,
      tender_id: p.tenderId,
      card_no: this.cardNo(p.tenderId),
      card: this.cardLabel(p.tenderId),
      amount: this.money(p.amount),
      status: 'PROCESSING' as const,
    }));
  }

  /** What a refund would pay back and reverse, without recording anything (the confirmation, §7.4). */
  preview(
    req: Pick<RefundRequest, 'order_id' | 'lines' | 'split'> & { method?: 'card' | 'cash' | undefined },
  ): {
    amount: string;
    tax_amount: string;
    mode: 'F' | 'P';
    parts: (RefundPartView & { tender_id: string | null; card_no: number | null })[];
  } {
    const o = this.order(req.order_id);
    const priced = JSON.parse(o.priced) as StoredPriced;
    const states = this.lineStates(o.order_id);
    try {
      const plan = planRefund(
        priced,
        this.rounding(),
        req.lines.map((l) => ({ lineId: l.line_id, quantity: l.quantity })),
        (id) => states.get(id) ?? NO_REFUNDS,
      );
      const all = paidLines(priced).map((l) => refundableLine(l, states.get(l.lineId)));
      const mode = refundMode(
        all.filter((l) => l.refundableQuantity > 0),
        new Map(req.lines.map((l) => [l.line_id, l.quantity])),
      );
      this.checkPolicy(o, mode);
      const parts = req.method
        ? this.partsView(this.split(o.order_id, plan.amount, req.method, req.split))
        : [];
      return { amount: this.money(plan.amount), tax_amount: this.money(plan.taxAmount), mode, parts };
    } catch (err) {
      if (err instanceof RefundAmountError)
        throw new HubError('REFUND_EXCEEDS_REFUNDABLE', err.message, err.details);
      if (err instanceof RefundLineUnknown)
        throw new HubError('VALIDATION_FAILED', err.message, { line_id: err.lineId });
      throw err;
    }
  }

  /** Step 1, one transaction: plan, split into parts, hold the amounts in progress, audit. */
  private start(staff: ConsoleUser, req: RefundRequest): { refund: RefundRow; plan: PlannedRefund } {
    return this.d.tx.run(() => {
      const o = this.order(req.order_id);
      this.checkPolicy(o, null);
      const priced = JSON.parse(o.priced) as StoredPriced;
      const states = this.lineStates(o.order_id);
      let plan: PlannedRefund;
      try {
        plan = planRefund(
          priced,
          this.rounding(),
          req.lines.map((l) => ({ lineId: l.line_id, quantity: l.quantity })),
          (id) => states.get(id) ?? NO_REFUNDS,
        );
      } catch (err) {
        if (err instanceof RefundAmountError)
          throw new HubError('REFUND_EXCEEDS_REFUNDABLE', err.message, err.details);
        if (err instanceof RefundLineUnknown)
          throw new HubError('VALIDATION_FAILED', err.message, { line_id: err.lineId });
        throw err;
      }
      const all = paidLines(priced).map((l) => refundableLine(l, states.get(l.lineId)));
      const mode = refundMode(
        all.filter((l) => l.refundableQuantity > 0),
        new Map(req.lines.map((l) => [l.line_id, l.quantity])),
      );
      this.checkPolicy(o, mode);
      const parts = this.split(o.order_id, plan.amount, req.method, req.split);
      const firstCard = parts.find((p) => p.method === 'card');
      const shiftId = parts.some((p) => p.method === 'cash')
        ? this.shifts.openShiftFor(req.register_device_id).shift_id
        : null;
      const now = nowIso();
      const row: RefundRow = {
        refund_id: newId(),
        order_id: o.order_id,
        status: 'PROCESSING',
        mode,
        method: firstCard ? 'card' : 'cash',
        tender_id: firstCard?.tenderId ?? null,
        amount: Number(plan.amount),
        tax_amount: Number(plan.taxAmount),
        tax_breakup: JSON.stringify(plan.breakup, (_k, v: unknown) =>
          typeof v === 'bigint' ? v.toString() : v,
        ),
        reason: req.reason,
        staff_user_id: staff.user_id,
        device_id: o.device_id,
        shift_id: shiftId,
        refund_poslog: null,
        failure: null,
        created_at: now,
      };
      this.d.db
        .prepare(
          `INSERT INTO refunds(refund_id, order_id, status, mode, method, tender_id, amount, tax_amount, tax_breakup, reason, staff_user_id, device_id, shift_id, created_at, updated_at)
           VALUES (@refund_id, @order_id, @status, @mode, @method, @tender_id, @amount, @tax_amount, @tax_breakup, @reason, @staff_user_id, @device_id, @shift_id, @created_at, @created_at)`,
        )
        .run(row);
      const ins = this.d.db.prepare(
        `INSERT INTO refund_lines(refund_id, line_id, quantity, amount, tax_amount) VALUES (?, ?, ?, ?, ?)`,
      );
      for (const l of plan.lines)
        ins.run(row.refund_id, l.lineId, l.quantity, Number(l.amount), Number(l.taxAmount));
      const insPart = this.d.db.prepare(
        `INSERT INTO refund_parts(part_id, refund_id, seq, method, tender_id, amount, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'PROCESSING', ?, ?)`,
      );
      parts.forEach((p, i) =>
        insPart.run(
          `${row.refund_id}:${i + 1}`,
          row.refund_id,
          i + 1,
          p.method,
          p.tenderId,
          Number(p.amount),
          now,
          now,
        ),
      );
      const where = parts
        .map((p) => `${this.money(p.amount)} to ${this.tenderName(p.method === 'cash' ? null : p.tenderId)}`)
        .join(' and ');
      this.d.audit.write({
        staff,
        action: 'refund.create',
        subject: o.order_id,
        what: `refund ${mode === 'F' ? 'of the whole order' : 'of ' + plan.lines.map((l) => `${l.quantity} × ${l.name}`).join(', ')} ${this.money(plan.amount)}: ${where || 'nothing to pay back'}${req.split ? ' (split chosen by staff)' : ''} (order ${o.o_id})`,
        why: req.reason,
        details: {
          refund_id: row.refund_id,
          lines: plan.lines,
          parts,
          split: req.split ? 'staff' : 'largest_first',
        },
      });
      return { refund: row, plan };
    });
  }

  async refund(staff: ConsoleUser, req: RefundRequest): Promise<RefundRecord> {
    requireAction(staff, 'refund.create');
    const { refund } = this.start(staff, req);
    await this.settle(refund.refund_id, req.simulate, 'live');
    return this.record(refund.refund_id);
  }

  /** What of the refund no part has paid back or will pay (cash parts are paid on completion). */
  private uncovered(refund: RefundRow, parts: readonly PartRow[]): bigint {
    const covered = parts
      .filter((p) => p.status === 'REFUNDED' || (p.status === 'PROCESSING' && p.method === 'cash'))
      .reduce((a, p) => a + BigInt(p.amount), 0n);
    return BigInt(refund.amount) > covered ? BigInt(refund.amount) - covered : 0n;
  }

  /**
   * A refund held for staff (a later card declined after an earlier one paid back) finished by
   * staff: `retry` the rest on the order's cards, pay the rest in `cash`, or `cancel` the rest —
   * then the refund is done at what did go back (its receipt, POS-log number and refund.completed
   * say so) and its lines are free again with only the money not yet paid back left on them.
   * The check that it is still held and the new parts commit in one transaction, so two staff
   * finishing it at once cannot both pay the rest (the second gets REFUND_NOT_HELD).
   */
  async finish(staff: ConsoleUser, refundId: string, req: FinishRequest): Promise<RefundRecord> {
    requireAction(staff, 'refund.create');
    const cfg = this.d.store.config();
    const action = this.d.tx.run(() => {
      const refund = this.row(refundId);
      const parts = this.parts(refundId);
      const rest = this.uncovered(refund, parts);
      const held =
        (refund.status === 'PROCESSING' || refund.status === 'CREATED') &&
        (refund.failure ?? '').startsWith(INCOMPLETE) &&
        !parts.some((p) => p.status === 'PROCESSING' && p.method === 'card') &&
        rest > 0n;
      if (!held)
        throw new HubError(
          'REFUND_NOT_HELD',
          refund.status === 'REFUNDED'
            ? 'this refund is already finished'
            : refund.status === 'PSP_FAILED' || refund.status === 'FAILED'
              ? 'this refund failed and paid nothing back; start a new refund instead'
              : 'this refund is still being paid back; wait for the terminal',
          { refund_id: refundId, status: refund.status },
        );
      const o = this.order(refund.order_id);
      const now = nowIso();
      const seq0 = parts.reduce((m, p) => Math.max(m, p.seq), 0);
      const insPart = this.d.db.prepare(
        `INSERT INTO refund_parts(part_id, refund_id, seq, method, tender_id, amount, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'PROCESSING', ?, ?)`,
      );
      let what: string;
      if (req.action === 'retry') {
        // The rest goes to the order's cards again, each only up to what it still has to take back.
        const r = splitRefund(rest, 'card', this.cardTenders(o.order_id), false);
        if (!r.ok || r.parts.some((p) => p.method !== 'card'))
          throw new HubError(
            'REFUND_METHOD_NOT_ALLOWED',
            `the cards of this order can take back ${this.money(r.ok ? 0n : r.cardsCanTake)}, less than the ${this.money(rest)} still owed; pay the rest in cash or cancel it`,
            { rest: this.money(rest) },
          );
        r.parts.forEach((p, i) =>
          insPart.run(
            `${refundId}:${seq0 + i + 1}`,
            refundId,
            seq0 + i + 1,
            'card',
            p.tenderId,
            Number(p.amount),
            now,
            now,
          ),
        );
        what = `retried ${this.money(rest)} to ${r.parts.map((p) => this.tenderName(p.tenderId)).join(' and ')}`;
      } else if (req.action === 'cash') {
        if (!this.settings.refundPolicy().cash_allowed)
          throw new HubError('REFUND_METHOD_NOT_ALLOWED', 'this store does not give refunds in cash', {
            method: 'cash',
          });
        const shiftId = refund.shift_id ?? this.shifts.openShiftFor(req.register_device_id).shift_id;
        insPart.run(`${refundId}:${seq0 + 1}`, refundId, seq0 + 1, 'cash', null, Number(rest), now, now);
        this.d.db.prepare(`UPDATE refunds SET shift_id = ? WHERE refund_id = ?`).run(shiftId, refundId);
        what = `paid the rest, ${this.money(rest)}, in cash`;
      } else {
        what = `cancelled the rest, ${this.money(rest)}; ${this.money(BigInt(refund.amount) - rest)} went back`;
      }
      // Cleared so a hub stopped mid-retry settles the new parts on restart (recover()).
      this.d.db
        .prepare(`UPDATE refunds SET failure = NULL, updated_at = ? WHERE refund_id = ?`)
        .run(now, refundId);
      this.d.audit.write({
        staff,
        action: 'refund.finish',
        subject: refund.order_id,
        what: `held refund ${what} (order ${o.o_id})`,
        why: req.reason,
        details: { refund_id: refundId, action: req.action, rest: this.money(rest) },
      });
      if (req.action === 'cancel') this.cancelRest(refund, parts, rest, cfg);
      return req.action;
    });
    if (action === 'retry') await this.settle(refundId, req.simulate, 'live');
    else if (action === 'cash') this.conclude(refundId);
    return this.record(refundId);
  }

  /**
   * Inside finish's transaction: the refund shrinks to what went back (line amounts and tax in
   * proportion, the last line and tax level taking the remainder) and completes; REST_CANCELLED
   * tells lineStates its units are free again while its money still counts as refunded.
   */
  private cancelRest(
    refund: RefundRow,
    parts: readonly PartRow[],
    rest: bigint,
    cfg: ReturnType<ConsoleDeps['store']['config']>,
  ): void {
    const total = BigInt(refund.amount);
    const paid = total - rest;
    const plan = this.storedPlan(refund);
    const scale = (v: bigint) => (total === 0n ? 0n : (v * paid) / total);
    const lines = plan.lines.map((l) => ({ ...l, amount: scale(l.amount), taxAmount: scale(l.taxAmount) }));
    const fix = (xs: { amount: bigint }[], want: bigint) => {
      if (xs.length > 0) xs[xs.length - 1]!.amount += want - xs.reduce((a, x) => a + x.amount, 0n);
    };
    fix(lines, paid);
    const taxPaid = scale(plan.taxAmount);
    const lt = lines.map((l) => ({ amount: l.taxAmount }));
    fix(lt, taxPaid);
    lines.forEach((l, i) => (l.taxAmount = lt[i]!.amount));
    const breakup = plan.breakup.map((b) => ({ ...b, amount: scale(b.taxAmount) }));
    fix(breakup, taxPaid);
    const upd = this.d.db.prepare(
      `UPDATE refund_lines SET amount = ?, tax_amount = ? WHERE refund_id = ? AND line_id = ?`,
    );
    for (const l of lines) upd.run(Number(l.amount), Number(l.taxAmount), refund.refund_id, l.lineId);
    // Unpaid cash parts of the first attempt are not paid either.
    const now = nowIso();
    this.d.db
      .prepare(
        `UPDATE refund_parts SET status = 'FAILED', failure = 'cancelled by staff', updated_at = ? WHERE refund_id = ? AND status = 'PROCESSING'`,
      )
      .run(now, refund.refund_id);
    const moved = parts.filter((p) => p.status === 'REFUNDED');
    const poslog = String(
      nextSequence(this.d.db, 'poslog', 'store', cfg.poslog_range[0], cfg.poslog_range[1]),
    );
    const shrunk: RefundRow = {
      ...refund,
      amount: Number(paid),
      tax_amount: Number(taxPaid),
      tax_breakup: JSON.stringify(
        breakup.map(({ amount, ...b }) => ({ ...b, taxAmount: amount.toString() })),
      ),
    };
    const o = this.order(refund.order_id);
    const receipt = this.receipt(
      o,
      shrunk,
      {
        ...plan,
        lines,
        amount: paid,
        taxAmount: taxPaid,
        breakup: breakup.map(({ amount, ...b }) => ({ ...b, taxAmount: amount })),
      },
      poslog,
      this.d.auth.user(refund.staff_user_id),
      moved,
    );
    this.d.db
      .prepare(
        `UPDATE refunds SET status = 'REFUNDED', amount = ?, tax_amount = ?, tax_breakup = ?, refund_poslog = ?, gateway_reference = ?,
           receipt_text = ?, failure = ?, updated_at = ? WHERE refund_id = ?`,
      )
      .run(
        shrunk.amount,
        shrunk.tax_amount,
        shrunk.tax_breakup,
        poslog,
        moved.find((p) => p.method === 'card')?.reference ?? null,
        receipt?.text ?? null,
        `${REST_CANCELLED}${this.money(rest)} was not paid back`,
        now,
        refund.refund_id,
      );
    enqueueOutbox(this.d.db, cfg, {
      type: 'refund.completed',
      key: refund.order_id,
      device_id: refund.device_id,
      data: this.eventData(refund.refund_id),
    });
    this.d.bus.emitTo('staff', 'refund.completed', {
      refund_id: refund.refund_id,
      order_id: refund.order_id,
    });
    const print = this.d.printerFor(o.device_id);
    this.d.tx.afterCommit(() => {
      if (receipt && print) void print(receipt.document, `refund-${refund.refund_id}`).catch(() => undefined);
    });
  }

  private parts(refundId: string): PartRow[] {
    return this.d.db
      .prepare<[string], PartRow>(`SELECT * FROM refund_parts WHERE refund_id = ? ORDER BY seq`)
      .all(refundId);
  }

  private row(refundId: string): RefundRow {
    const r = this.d.db
      .prepare<[string], RefundRow>(`SELECT * FROM refunds WHERE refund_id = ?`)
      .get(refundId);
    if (!r) throw notFound('refund', refundId);
    return r;
  }

  private markPart(part: PartRow, outcome: Outcome): void {
    this.d.tx.run(() =>
      this.d.db
        .prepare(
          `UPDATE refund_parts SET status = ?, reference = ?, failure = ?, updated_at = ? WHERE part_id = ? AND status = 'PROCESSING'`,
        )
        .run(
          outcome.ok ? 'REFUNDED' : 'FAILED',
          outcome.ok ? outcome.reference : null,
          outcome.ok ? null : outcome.reason,
          nowIso(),
          part.part_id,
        ),
    );
  }

  /**
   * Moves the money of every part still in progress, one part at a time (each outcome committed
   * before the next starts), then finishes the refund. Modes other than `live` ask the terminal
   * about a card part and never send it again; `restart` also fails cash parts never paid out.
   */
  private async settle(refundId: string, scenario: string | undefined, mode: SettleMode): Promise<void> {
    for (const part of this.parts(refundId)) {
      if (part.status !== 'PROCESSING') continue;
      if (part.method === 'cash') {
        // Cash changes hands when the refund completes (the drawer opens after that commit); a
        // cash part still open after a restart was never paid out.
        if (mode === 'restart')
          this.markPart(part, { ok: false, reason: 'the hub stopped before the cash was paid out' });
        continue;
      }
      const outcome = mode === 'live' ? await this.cardPart(part, scenario) : await this.askAgain(part, mode);
      if (outcome === null) return; // terminal unreachable: asked again later, the part stays in progress
      this.markPart(part, outcome);
      if (!outcome.ok) {
        // Live, the later card parts were never sent: failing them lets conclude hold the refund
        // for staff now (left in progress they would wait for a restart to be asked about).
        if (mode === 'live')
          for (const later of this.parts(refundId))
            if (later.status === 'PROCESSING' && later.method === 'card' && later.seq > part.seq)
              this.markPart(later, { ok: false, reason: 'not sent: an earlier card part failed' });
        break;
      }
    }
    this.conclude(refundId);
  }

  /** A card part sent to the terminal, waited for up to the timeout, then cancelled there. */
  private async cardPart(part: PartRow, scenario: string | undefined): Promise<Outcome | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.terminalTimeoutMs);
    });
    try {
      const r = await Promise.race([
        this.d.terminal.refund(part.tender_id!, BigInt(part.amount), scenario, part.part_id).then(
          (x): Outcome =>
            x.ok ? { ok: true, reference: x.reference } : { ok: false, reason: x.reason ?? 'declined' },
          (): 'unreachable' => 'unreachable',
        ),
        timeout,
      ]);
      if (r === 'timeout' || r === 'unreachable') return this.stop(part);
      return r;
    } finally {
      clearTimeout(timer);
    }
  }

  /** No answer in time: cancel at the terminal and take its final word (it may have approved first). */
  private async stop(part: PartRow, mode: SettleMode = 'ask'): Promise<Outcome | null> {
    try {
      return fromTerminal(
        await this.d.terminal.cancelRefund(part.part_id),
        'the terminal did not answer in time',
      );
    } catch {
      this.later(part.refund_id, mode === 'restart' ? 'restart' : 'ask');
      return null;
    }
  }

  /** After a restart: what the terminal knows of this part; still pending → wait, then cancel. */
  private async askAgain(part: PartRow, mode: SettleMode): Promise<Outcome | null> {
    for (;;) {
      let st: TerminalRefundState;
      try {
        st = await this.d.terminal.refundStatus(part.part_id);
      } catch {
        this.later(part.refund_id, mode);
        return null;
      }
      if (st.state !== 'pending') return fromTerminal(st, 'the hub stopped before the terminal was asked');
      if (Date.now() - Date.parse(part.created_at) >= this.terminalTimeoutMs) return this.stop(part, mode);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private readonly retries = new Map<string, number>();
  /** The terminal was unreachable: ask again with back-off (1 s, 2 s, … up to a minute). */
  private later(refundId: string, mode: SettleMode): void {
    const n = (this.retries.get(refundId) ?? 0) + 1;
    this.retries.set(refundId, n);
    const t = setTimeout(
      () => void this.settle(refundId, undefined, mode).catch(() => this.later(refundId, mode)),
      Math.min(60_000, 1000 * 2 ** (n - 1)),
    );
    t.unref();
  }

  /**
   * Start-up: every refund a previous run left in progress. Answers their ids; they are settled
   * in the background (the hub serves meanwhile; their lines stay held, so nothing is refunded twice).
   */
  recover(): string[] {
    const ids = this.d.db
      .prepare<[], { refund_id: string }>(
        `SELECT refund_id FROM refunds WHERE status IN ('CREATED', 'PROCESSING') AND failure IS NULL ORDER BY created_at`,
      )
      .all()
      .map((r) => r.refund_id);
    for (const id of ids) void this.settle(id, undefined, 'restart').catch(() => this.later(id, 'restart'));
    return ids;
  }

  /**
   * Step 2, one transaction: from the parts' outcomes — all moved → REFUNDED (POS-log number,
   * receipt, cash movement, outbox); none moved → PSP_FAILED, the lines free again; some moved
   * and one failed → held in progress for staff (an alert), since money that went back to a
   * card cannot be taken back by the hub and the lines must not be refunded again.
   */
  private conclude(refundId: string): void {
    const cfg = this.d.store.config();
    this.d.tx.run(() => {
      const refund = this.row(refundId);
      if (refund.status !== 'PROCESSING' && refund.status !== 'CREATED') return;
      const parts = this.parts(refundId);
      if (parts.some((p) => p.status === 'PROCESSING' && p.method === 'card')) return;
      const failed = parts.filter((p) => p.status === 'FAILED');
      const moved = parts.filter((p) => p.status === 'REFUNDED');
      const now = nowIso();
      // Failed parts stay as history once staff retried them or moved them to cash; what decides
      // is whether the parts that went (or will go, cash) back cover the refund.
      const uncovered = this.uncovered(refund, parts);
      if (failed.length > 0 && moved.length === 0) {
        const reason = failed[0]!.failure ?? 'declined';
        this.d.db
          .prepare(
            `UPDATE refunds SET status = 'PSP_FAILED', failure = ?, updated_at = ? WHERE refund_id = ? AND status IN ('CREATED', 'PROCESSING')`,
          )
          .run(reason, now, refundId);
        // Cash parts not yet paid go with it.
        this.d.db
          .prepare(
            `UPDATE refund_parts SET status = 'FAILED', updated_at = ? WHERE refund_id = ? AND status = 'PROCESSING'`,
          )
          .run(now, refundId);
        enqueueOutbox(this.d.db, cfg, {
          type: 'refund.failed',
          key: refund.order_id,
          device_id: refund.device_id,
          data: { ...this.eventData(refundId), reason },
        });
        this.d.bus.emitTo('staff', 'refund.failed', { refund_id: refundId, order_id: refund.order_id });
        return;
      }
      if (uncovered > 0n) {
        const msg = `${moved.map((p) => `${this.money(p.amount)} went back to ${this.tenderName(p.method === 'cash' ? null : p.tender_id)}`).join(', ')}; ${failed.map((p) => `${this.money(p.amount)} to ${this.tenderName(p.method === 'cash' ? null : p.tender_id)} failed (${p.failure ?? 'declined'})`).join(', ')}`;
        this.d.db
          .prepare(`UPDATE refunds SET failure = ?, updated_at = ? WHERE refund_id = ?`)
          .run(`${INCOMPLETE}${msg}`, now, refundId);
        this.d.bus.emitTo('staff', 'alert', {
          code: 'REFUND_INCOMPLETE',
          refund_id: refundId,
          order_id: refund.order_id,
          message: msg,
        });
        return;
      }
      const staff = this.d.auth.user(refund.staff_user_id);
      const o = this.order(refund.order_id);
      const plan = this.storedPlan(refund);
      const poslog = String(
        nextSequence(this.d.db, 'poslog', 'store', cfg.poslog_range[0], cfg.poslog_range[1]),
      );
      const cash = parts.filter((p) => p.method === 'cash').reduce((a, p) => a + BigInt(p.amount), 0n);
      const receipt = this.receipt(o, refund, plan, poslog, staff, parts);
      this.d.db
        .prepare(
          `UPDATE refunds SET status = 'REFUNDED', refund_poslog = ?, gateway_reference = ?, receipt_text = ?, updated_at = ? WHERE refund_id = ? AND status IN ('CREATED', 'PROCESSING')`,
        )
        .run(
          poslog,
          parts.find((p) => p.method === 'card')?.reference ?? `CASH-${refundId}`,
          receipt?.text ?? null,
          now,
          refundId,
        );
      this.d.db
        .prepare(
          `UPDATE refund_parts SET status = 'REFUNDED', reference = ?, updated_at = ? WHERE refund_id = ? AND method = 'cash' AND status = 'PROCESSING'`,
        )
        .run(`CASH-${refundId}`, now, refundId);
      if (cash > 0n && refund.shift_id)
        this.shifts.cashRefundTx(
          refund.shift_id,
          cash,
          refundId,
          staff ?? ({ user_id: refund.staff_user_id } as ConsoleUser),
        );
      // Every line fully refunded → the order is refunded (§2.2); partial refunds live on the lines.
      const states = this.lineStates(o.order_id);
      const left = paidLines(JSON.parse(o.priced) as StoredPriced).some(
        (l) => refundableLine(l, states.get(l.lineId)).refundableQuantity > 0,
      );
      if (!left) {
        this.d.db.prepare(`UPDATE orders SET order_status = 'refunded' WHERE order_id = ?`).run(o.order_id);
        this.d.db.prepare(`UPDATE payments SET status = 'refunded' WHERE order_id = ?`).run(o.order_id);
      }
      enqueueOutbox(this.d.db, cfg, {
        type: 'refund.completed',
        key: refund.order_id,
        device_id: refund.device_id,
        data: this.eventData(refundId),
      });
      const print = this.d.printerFor(o.device_id);
      this.d.bus.emitTo('staff', 'refund.completed', { refund_id: refundId, order_id: refund.order_id });
      this.d.tx.afterCommit(() => {
        if (receipt && print) void print(receipt.document, `refund-${refundId}`).catch(() => undefined);
        if (cash > 0n && refund.shift_id) {
          const reg = this.shifts.registerOf(refund.shift_id);
          if (reg) void this.devices.kickDrawer(reg).catch(() => undefined);
        }
      });
    });
  }

  /** The refund's lines and tax as recorded at its start (for finishing it, also after a restart). */
  private storedPlan(refund: RefundRow): PlannedRefund {
    const o = this.order(refund.order_id);
    const names = new Map(paidLines(JSON.parse(o.priced) as StoredPriced).map((l) => [l.lineId, l.name]));
    const lines = this.d.db
      .prepare<[string], { line_id: string; quantity: number; amount: number; tax_amount: number }>(
        `SELECT line_id, quantity, amount, tax_amount FROM refund_lines WHERE refund_id = ? ORDER BY rowid`,
      )
      .all(refund.refund_id);
    const breakup = JSON.parse(refund.tax_breakup) as {
      retailerTaxLevelId: string;
      taxLevel: string;
      taxPercent: string;
      taxAmount: string;
    }[];
    return {
      lines: lines.map((l) => ({
        lineId: l.line_id,
        name: names.get(l.line_id) ?? l.line_id,
        quantity: l.quantity,
        amount: BigInt(l.amount),
        taxAmount: BigInt(l.tax_amount),
      })),
      amount: BigInt(refund.amount),
      taxAmount: BigInt(refund.tax_amount),
      breakup: breakup.map((b) => ({ ...b, taxAmount: BigInt(b.taxAmount) })),
    };
  }

  private receipt(
    o: {
      order_id: string;
      o_id: number;
      receipt_input: string | null;
      receipt_number: string | null;
      completed_at: string | null;
      created_at: string;
    },
    refund: RefundRow,
    plan: PlannedRefund,
    poslog: string,
    staff: ConsoleUser | null,
    parts: readonly PartRow[],
  ): { document: unknown; text: string } | null {
    if (!o.receipt_input) return null;
    const cfg = this.d.store.config();
    const input = parseExact<CompletedOrderInput>(o.receipt_input);
    const byLine = new Map(plan.lines.map((l) => [l.lineId, l]));
    const lines = input.lines
      .filter((l) => byLine.has(l.lineId))
      .map((l) => {
        const r = byLine.get(l.lineId)!;
        // A refund receipt lists what went back: the refunded units at what they cost.
        return {
          ...l,
          quantity: r.quantity,
          unitPrice: l.quantity > 0 ? l.unitPrice : r.amount,
          grossAmount: r.amount,
          discounts: [],
          amount: r.amount,
          measuredQuantity: undefined,
        };
      });
    const net = plan.amount - (input.pricesIncludeTax ? plan.taxAmount : 0n);
    const order: CompletedOrderInput = {
      ...input,
      type: 'refund',
      receiptNumber: `${o.receipt_number ?? o.o_id}-R${poslog}`,
      transactionIdPoslog: poslog,
      completedAt: nowIso(),
      lines,
      basketDiscounts: [],
      totals: {
        subtotal: plan.amount,
        totalDiscount: 0n,
        totalTax: plan.taxAmount,
        totalExclTax: input.pricesIncludeTax ? net : plan.amount - plan.taxAmount,
        totalAfterTax: plan.amount,
      },
      taxBreakup: plan.breakup.map((b) => ({
        taxLevel: b.taxLevel,
        retailerTaxLevelId: b.retailerTaxLevelId,
        taxPercent: b.taxPercent,
        taxableAmount: 0n,
        taxAmount: b.taxAmount,
      })),
      tenders: parts.map((p) => ({
        method: p.method === 'card' ? 'CARD_TERMINAL' : 'CASH',
        amount: BigInt(p.amount),
      })),
      refund: {
        refundId: refund.refund_id,
        refundPoslog: poslog,
        originalOrderNumber: String(o.receipt_number ?? o.o_id),
        originalDate: o.completed_at ?? o.created_at,
        reason: refund.reason,
        staffId: staff?.retailer_staff_id ?? staff?.username ?? refund.staff_user_id,
      },
    };
    try {
      const extra = (typeof cfg.receipt === 'object' && cfg.receipt !== null ? cfg.receipt : {}) as Record<
        string,
        unknown
      >;
      const document = buildReceipt(order, {
        timezone: cfg.timezone,
        currencySign: cfg.currency_sign,
        ...extra,
        qrContent: 'none',
        store: {
          name: cfg.name,
          addressLines: cfg.address ? cfg.address.split(/,\s*/) : [],
          retailerStoreId: cfg.retailer_store_id,
        },
      } as StoreReceiptConfigInput);
      return { document, text: renderReceiptText(document, { width: 42 }).join('\n') };
    } catch {
      return null;
    }
  }

  /**
   * The outbox payload: the console's record plus the fields HQ's refund contract
   * (cloud-sync protocol `refundV1`) reads — total, total_tax, tenders, per line basket_item_id
   * and tax, the POS-log number, who and when — which the record names differently.
   */
  private eventData(refundId: string): Record<string, unknown> {
    const r = this.record(refundId);
    const row = this.d.db
      .prepare<[string], { staff_user_id: string; updated_at: string }>(
        `SELECT staff_user_id, updated_at FROM refunds WHERE refund_id = ?`,
      )
      .get(refundId)!;
    const tenders = this.d.db
      .prepare<
        [string],
        {
          part_id: string;
          method: 'card' | 'cash';
          amount: number;
          status: string;
          reference: string | null;
          card_brand: string | null;
          card_last4: string | null;
        }
      >(
        `SELECT p.part_id, p.method, p.amount, p.status, p.reference, t.card_brand, t.card_last4
         FROM refund_parts p LEFT JOIN tenders t USING (tender_id) WHERE p.refund_id = ? ORDER BY p.seq`,
      )
      .all(refundId)
      .map((p) => ({
        tender_id: p.part_id,
        method: p.method === 'card' ? 'CARD_TERMINAL' : 'CASH',
        amount: this.money(p.amount),
        status: p.status,
        card_brand: p.card_brand,
        card_last4: p.card_last4 && /^\d{4}$/.test(p.card_last4) ? p.card_last4 : null,
        psp_reference: p.reference,
      }));
    return {
      ...r,
      store_id: this.d.store.config().store_id,
      lines: r.lines.map((l) => ({ ...l, basket_item_id: l.line_id, tax: l.tax_amount })),
      total: r.amount,
      total_tax: r.tax_amount,
      tenders,
      staff_user_id: row.staff_user_id,
      transaction_id_poslog: r.refund_poslog,
      completed_at: r.status === 'REFUNDED' ? row.updated_at : null,
      failure_reason: r.failure,
    };
  }

  record(refundId: string): RefundRecord {
    const r = this.d.db
      .prepare<[string], RefundRow>(`SELECT * FROM refunds WHERE refund_id = ?`)
      .get(refundId);
    if (!r) throw notFound('refund', refundId);
    const o = this.order(r.order_id);
    const names = new Map(paidLines(JSON.parse(o.priced) as StoredPriced).map((l) => [l.lineId, l.name]));
    const lines = this.d.db
      .prepare<[string], { line_id: string; quantity: number; amount: number; tax_amount: number }>(
        `SELECT line_id, quantity, amount, tax_amount FROM refund_lines WHERE refund_id = ?`,
      )
      .all(refundId);
    return {
      refund_id: r.refund_id,
      order_id: r.order_id,
      status: r.status,
      mode: r.mode,
      method: r.method,
      amount: this.money(r.amount),
      tax_amount: this.money(r.tax_amount),
      reason: r.reason,
      created_at: r.created_at,
      refund_poslog: r.refund_poslog,
      lines: lines.map((l) => ({
        line_id: l.line_id,
        name: names.get(l.line_id) ?? l.line_id,
        quantity: l.quantity,
        amount: this.money(l.amount),
        tax_amount: this.money(l.tax_amount),
      })),
      parts: this.parts(refundId).map((p) => ({
        method: p.method,
        card: this.cardLabel(p.tender_id),
        amount: this.money(p.amount),
        status: p.status,
      })),
      failure: r.failure,
    };
  }

  forOrder(orderId: string): RefundRecord[] {
    return this.d.db
      .prepare<[string], { refund_id: string }>(
        `SELECT refund_id FROM refunds WHERE order_id = ? ORDER BY created_at`,
      )
      .all(orderId)
      .map((r) => this.record(r.refund_id));
  }
}

function fromTerminal(st: TerminalRefundState, unknownReason: string): Outcome {
  switch (st.state) {
    case 'approved':
      return { ok: true, reference: st.reference };
    case 'declined':
      return { ok: false, reason: st.reason };
    case 'cancelled':
      return { ok: false, reason: 'the terminal did not answer in time; the refund was cancelled there' };
    case 'unknown':
      return { ok: false, reason: unknownReason };
    case 'pending':
      return { ok: false, reason: 'the terminal could not finish the refund' };
  }
}
