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
 */
import type { CompletedOrderInput, StoreReceiptConfigInput, TaxRounding } from '@kassa/promo-core';
import { buildReceipt, formatMoney, parseStoreTaxConfig, renderReceiptText } from '@kassa/promo-core';
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

/** How long the hub waits for the terminal to answer a refund before calling it failed. */
export const REFUND_TERMINAL_TIMEOUT_MS = 15_000;

/** The terminal port's refund, with the simulator's scenario (approve, decline, timeout). */
type RefundingTerminal = {
  refund(
    tenderId: string,
    amount: bigint,
    scenario?: string,
  ): Promise<{ ok: boolean; reference: string; reason?: string }>;
};

export interface RefundRequest {
  order_id: string;
  lines: { line_id: string; quantity: number }[];
  method: 'card' | 'cash';
  reason: string;
  /** Cash refunds: the register whose open shift pays out (default: the only open shift). */
  register_device_id?: string | undefined;
  /** Simulator scenario for the card refund. */
  simulate?: 'approve' | 'decline' | 'timeout' | undefined;
}

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
  failure: string | null;
}

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
        `SELECT rl.line_id, r.status, SUM(rl.quantity) AS q, SUM(rl.amount) AS a FROM refund_lines rl JOIN refunds r USING (refund_id)
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
        ...(policy.card_allowed && this.cardTenders(orderId).length > 0 ? (['card'] as const) : []),
        ...(policy.cash_allowed ? (['cash'] as const) : []),
      ],
      partial_allowed: policy.partial_allowed,
    };
  }

  /** Captured card tenders with what each can still take back. */
  private cardTenders(orderId: string): { tender_id: string; left: bigint }[] {
    return this.d.db
      .prepare<[string], { tender_id: string; amount: number; used: number }>(
        `SELECT t.tender_id, t.amount, COALESCE((SELECT SUM(r.amount) FROM refunds r WHERE r.tender_id = t.tender_id
           AND r.status IN ('CREATED', 'PROCESSING', 'REFUNDED')), 0) AS used
         FROM tenders t WHERE t.order_id = ? AND t.status = 'captured' AND t.method = 'card' ORDER BY t.created_at`,
      )
      .all(orderId)
      .map((t) => ({ tender_id: t.tender_id, left: BigInt(t.amount) - BigInt(t.used) }));
  }

  /** What a refund would pay back and reverse, without recording anything (the confirmation, §7.4). */
  preview(req: Pick<RefundRequest, 'order_id' | 'lines'>): {
    amount: string;
    tax_amount: string;
    mode: 'F' | 'P';
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
      return { amount: this.money(plan.amount), tax_amount: this.money(plan.taxAmount), mode };
    } catch (err) {
      if (err instanceof RefundAmountError)
        throw new HubError('REFUND_EXCEEDS_REFUNDABLE', err.message, err.details);
      if (err instanceof RefundLineUnknown)
        throw new HubError('VALIDATION_FAILED', err.message, { line_id: err.lineId });
      throw err;
    }
  }

  /** Step 1, one transaction: plan, hold the amounts in progress, audit. */
  private start(staff: ConsoleUser, req: RefundRequest): { refund: RefundRow; plan: PlannedRefund } {
    return this.d.tx.run(() => {
      const o = this.order(req.order_id);
      if (!REFUNDABLE_STATUSES.includes(o.order_status))
        throw new HubError('REFUND_NOT_ALLOWED', `an order that is ${o.order_status} cannot be refunded`, {
          order_status: o.order_status,
        });
      const policy = this.settings.refundPolicy();
      if ((req.method === 'cash' && !policy.cash_allowed) || (req.method === 'card' && !policy.card_allowed))
        throw new HubError('REFUND_METHOD_NOT_ALLOWED', `this store does not refund to ${req.method}`);
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
      if (mode === 'P' && !policy.partial_allowed)
        throw new HubError('PARTIAL_REFUND_BLOCKED', 'this store refunds whole orders only');
      let tenderId: string | null = null;
      let shiftId: string | null = null;
      if (req.method === 'card') {
        const t = this.cardTenders(o.order_id).find((x) => x.left >= plan.amount);
        if (!t)
          throw new HubError(
            'REFUND_METHOD_NOT_ALLOWED',
            'no card payment of this order can take this refund back; refund in cash',
          );
        tenderId = t.tender_id;
      } else {
        shiftId = this.shifts.openShiftFor(req.register_device_id).shift_id;
      }
      const now = nowIso();
      const row: RefundRow = {
        refund_id: newId(),
        order_id: o.order_id,
        status: 'PROCESSING',
        mode,
        method: req.method,
        tender_id: tenderId,
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
      this.d.audit.write({
        staff,
        action: 'refund.create',
        subject: o.order_id,
        what: `refund ${mode === 'F' ? 'of the whole order' : 'of ' + plan.lines.map((l) => `${l.quantity} × ${l.name}`).join(', ')} ${this.money(plan.amount)} to ${req.method} (order ${o.o_id})`,
        why: req.reason,
        details: { refund_id: row.refund_id, lines: plan.lines },
      });
      return { refund: row, plan };
    });
  }

  async refund(staff: ConsoleUser, req: RefundRequest): Promise<RefundRecord> {
    requireAction(staff, 'refund.create');
    const { refund, plan } = this.start(staff, req);
    let outcome: { ok: true; reference: string } | { ok: false; reason: string };
    if (refund.method === 'card') {
      outcome = await this.cardRefund(refund.tender_id!, plan.amount, req.simulate);
    } else {
      outcome = { ok: true, reference: `CASH-${refund.refund_id}` };
    }
    this.finish(refund, plan, outcome, staff);
    return this.record(refund.refund_id);
  }

  private async cardRefund(
    tenderId: string,
    amount: bigint,
    scenario: string | undefined,
  ): Promise<{ ok: true; reference: string } | { ok: false; reason: string }> {
    const terminal = this.d.terminal as unknown as RefundingTerminal;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<{ ok: false; reason: string }>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, reason: 'the terminal did not answer' }),
        this.terminalTimeoutMs,
      );
    });
    try {
      const r = await Promise.race([
        terminal.refund(tenderId, amount, scenario).then(
          (x) =>
            x.ok
              ? { ok: true as const, reference: x.reference }
              : { ok: false as const, reason: x.reason ?? 'declined' },
          (err: unknown) => ({
            ok: false as const,
            reason: `terminal unreachable: ${String((err as Error).message ?? err)}`,
          }),
        ),
        timeout,
      ]);
      return r;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Step 2, one transaction: the outcome, the POS-log number, the receipt and the outbox event. */
  private finish(
    refund: RefundRow,
    plan: PlannedRefund,
    outcome: { ok: true; reference: string } | { ok: false; reason: string },
    staff: ConsoleUser,
  ): void {
    const cfg = this.d.store.config();
    this.d.tx.run(() => {
      const now = nowIso();
      const o = this.order(refund.order_id);
      if (!outcome.ok) {
        this.d.db
          .prepare(
            `UPDATE refunds SET status = 'PSP_FAILED', failure = ?, updated_at = ? WHERE refund_id = ? AND status = 'PROCESSING'`,
          )
          .run(outcome.reason, now, refund.refund_id);
        enqueueOutbox(this.d.db, cfg, {
          type: 'refund.failed',
          key: refund.order_id,
          device_id: refund.device_id,
          data: { ...this.eventData(refund.refund_id), reason: outcome.reason },
        });
        this.d.tx.afterCommit(() =>
          this.d.bus.emitTo('staff', 'refund.failed', {
            refund_id: refund.refund_id,
            order_id: refund.order_id,
          }),
        );
        return;
      }
      const poslog = String(
        nextSequence(this.d.db, 'poslog', 'store', cfg.poslog_range[0], cfg.poslog_range[1]),
      );
      const receipt = this.receipt(o, refund, plan, poslog, staff);
      this.d.db
        .prepare(
          `UPDATE refunds SET status = 'REFUNDED', refund_poslog = ?, gateway_reference = ?, receipt_text = ?, updated_at = ? WHERE refund_id = ? AND status = 'PROCESSING'`,
        )
        .run(poslog, outcome.reference, receipt?.text ?? null, now, refund.refund_id);
      if (refund.method === 'cash' && refund.shift_id)
        this.shifts.cashRefundTx(refund.shift_id, BigInt(refund.amount), refund.refund_id, staff);
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
        data: this.eventData(refund.refund_id),
      });
      const print = this.d.printerFor(o.device_id);
      this.d.tx.afterCommit(() => {
        this.d.bus.emitTo('staff', 'refund.completed', {
          refund_id: refund.refund_id,
          order_id: refund.order_id,
        });
        if (receipt && print)
          void print(receipt.document, `refund-${refund.refund_id}`).catch(() => undefined);
        if (refund.method === 'cash' && refund.shift_id) {
          const reg = this.shifts.registerOf(refund.shift_id);
          if (reg) void this.devices.kickDrawer(reg).catch(() => undefined);
        }
      });
    });
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
    staff: ConsoleUser,
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
      tenders: [{ method: refund.method === 'card' ? 'CARD_TERMINAL' : 'CASH', amount: plan.amount }],
      refund: {
        refundId: refund.refund_id,
        refundPoslog: poslog,
        originalOrderNumber: String(o.receipt_number ?? o.o_id),
        originalDate: o.completed_at ?? o.created_at,
        reason: refund.reason,
        staffId: staff.retailer_staff_id ?? staff.username,
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

  private eventData(refundId: string): Record<string, unknown> {
    const r = this.record(refundId);
    return { ...r, store_id: this.d.store.config().store_id };
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
