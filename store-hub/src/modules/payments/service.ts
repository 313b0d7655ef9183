/**
 * Payments (spec/store.md §2.5). The rules that protect money:
 *  - a tender row is committed as `pending` before the terminal is asked to charge, so a crash
 *    at any point leaves a record to recover from;
 *  - a terminal result is applied in one transaction; the tender that makes captured = total
 *    also completes the order (Orders.completeTx) — all or nothing;
 *  - on start-up every pending tender is asked about again (`recover`), so an approval the hub
 *    never heard about still completes its order, and a dead one is closed.
 */
import type { Db } from '../../platform/db/database';
import { nextSequence } from '../../platform/db/sequences';
import type { Tx } from '../../platform/db/tx';
import { HubError } from '../../platform/errors';
import { newId, nowIso } from '../../platform/ids';
import { bigintToString } from '../../platform/json';
import type { Bus } from '../../platform/live/bus';
import { enqueueOutbox } from '../../outbox';
import { formatMoney, parseMoney } from '../catalog/pricing';
import type { StoreDataCache } from '../catalog/store-data';
import type { PairedClient } from '../clients/repo';
import type { Interventions } from '../interventions/service';
import type { OrderRepo, TenderRow } from '../orders/repo';
import type { Order } from '../orders/schemas';
import type { Orders } from '../orders/service';
import { isPaid, isPayable } from '../orders/states';
import { failureCode } from './states';
import type { PaymentTerminal, TerminalResult } from './terminal/port';
import { TerminalOfflineError } from './terminal/port';

export interface PaymentOptions {
  /** After this long without a final answer the hub cancels at the terminal (then asks again). */
  terminalTimeoutMs: number;
  /** How long POST /tenders waits for the terminal before answering `pending`. */
  tenderWaitMs: number;
  pollMs: number;
  /**
   * §9.3 shopper walks away: an unpaid order with no payment activity for this long is aborted
   * (captured partials voided, order cancelled, basket back to active). 0 = never.
   */
  paymentSessionTimeoutMs?: number;
}

export class Payments {
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
    private readonly store: StoreDataCache,
    private readonly orders: Orders,
    private readonly repo: OrderRepo,
    private readonly interventions: Interventions,
    private readonly terminal: PaymentTerminal,
    private readonly bus: Bus,
    private readonly opts: PaymentOptions,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  private log(orderId: string, tenderId: string | null, event: string, detail: unknown): void {
    this.repo.log(orderId, tenderId, event, JSON.stringify(detail, bigintToString));
  }

  async startTender(
    device: PairedClient,
    orderId: string,
    req: { method: 'card'; amount?: string | undefined; simulate?: string | undefined },
    idemKey: string | null,
  ): Promise<Order> {
    if (req.simulate !== undefined && !this.terminal.scenarios.includes(req.simulate))
      throw new HubError(
        'SIMULATION_UNAVAILABLE',
        `the ${this.terminal.name} terminal has no scenario "${req.simulate}"`,
        {
          scenarios: this.terminal.scenarios,
        },
      );
    const scopedKey = idemKey ? `${device.device_id}:${idemKey}` : null;
    const started = this.tx.run(
      ():
        | { tender_id: null }
        | { tender_id: string; fresh: false }
        | { tender_id: string; fresh: true; amount: bigint } => {
        if (scopedKey) {
          const t = this.repo.st.tenderByKey.get(scopedKey);
          if (t) return { tender_id: t.tender_id, fresh: false };
        }
        const o = this.orders.owned(device, orderId);
        if (isPaid(o.order_status)) return { tender_id: null }; // P2
        if (!isPayable(o.order_status)) throw new HubError('ORDER_NOT_PAYABLE', `order is ${o.order_status}`);
        const pending = this.repo.tenders(orderId, 'pending')[0];
        if (pending)
          throw new HubError('TENDER_IN_PROGRESS', 'a tender is already in progress for this order', {
            tender_id: pending.tender_id,
          });
        const p = this.repo.payment(orderId);
        const due = BigInt(p.total) - BigInt(p.captured_amount);
        let amount: bigint;
        try {
          amount =
            req.amount === undefined ? due : parseMoney(req.amount, this.store.config().currency_exponent);
        } catch {
          throw new HubError(
            'VALIDATION_FAILED',
            `amount ${req.amount} has more decimals than the currency`,
            {
              issues: [{ path: 'amount', message: 'too many decimal places for the currency' }],
            },
          );
        }
        if (amount <= 0n || amount > due)
          throw new HubError(
            'AMOUNT_OUT_OF_RANGE',
            `amount must be more than 0 and at most ${formatMoney(due)}`,
            {
              due: formatMoney(due),
            },
          );
        const tender_id = newId();
        const now = nowIso();
        this.repo.st.insertTender.run(tender_id, orderId, scopedKey, req.method, Number(amount), now, now);
        this.repo.st.paymentStarted.run(now, orderId);
        this.log(orderId, tender_id, 'start', { amount: amount.toString(), scenario: req.simulate ?? null });
        this.bus.emitTo(device.device_id, 'payment.prompt', {
          order_id: orderId,
          tender_id,
          prompt: 'Present card',
        });
        return { tender_id, fresh: true, amount };
      },
    );
    if (started.tender_id === null) return this.orders.view(orderId);
    if (started.fresh) {
      try {
        await this.terminal.start({
          tenderId: started.tender_id,
          amount: started.amount,
          currency: this.store.config().currency,
          scenario: req.simulate,
        });
      } catch (err) {
        // Unreachable at start: the terminal may or may not have the request; the follow loop asks.
        this.log(orderId, started.tender_id, 'start_failed', { error: String(err) });
      }
    }
    await Promise.race([this.follow(started.tender_id), delay(this.opts.tenderWaitMs)]);
    return this.orders.view(orderId);
  }

  /** Follows one pending tender until the terminal gives a final answer (idempotent per tender). */
  follow(tenderId: string): Promise<void> {
    const existing = this.running.get(tenderId);
    if (existing) return existing;
    const p = this.followLoop(tenderId).finally(() => this.running.delete(tenderId));
    this.running.set(tenderId, p);
    return p;
  }

  private async followLoop(tenderId: string): Promise<void> {
    const t0 = Date.now();
    let cancelled = false;
    let wait = this.opts.pollMs;
    while (!this.stopped) {
      const t = this.repo.tender(tenderId);
      if (!t || t.status !== 'pending') return;
      let result: TerminalResult;
      try {
        const timedOut = Date.now() - t0 > this.opts.terminalTimeoutMs;
        result =
          timedOut && !cancelled
            ? await this.terminal.cancel(tenderId)
            : await this.terminal.status(tenderId);
        if (timedOut) cancelled = true;
      } catch (err) {
        if (!(err instanceof TerminalOfflineError)) throw err;
        this.bus.emitTo(this.orders.row(t.order_id).device_id, 'payment.prompt', {
          order_id: t.order_id,
          tender_id: tenderId,
          prompt: 'Terminal unreachable, please wait',
        });
        await delay(Math.min((wait = Math.min(wait * 2, 1000)), 1000));
        continue;
      }
      if (result.state === 'pending') {
        await delay(wait);
        wait = Math.min(wait * 2, 250);
        continue;
      }
      this.apply(tenderId, result, cancelled);
      return;
    }
  }

  /** Applies a terminal's final answer to a pending tender, completing the order when fully paid. */
  private apply(
    tenderId: string,
    result: Exclude<TerminalResult, { state: 'pending' }>,
    timedOut: boolean,
  ): void {
    const stray = this.tx.run(() => {
      const t = this.repo.tender(tenderId)!;
      if (t.status !== 'pending') return false;
      const o = this.orders.row(t.order_id);
      const cfg = this.store.config();
      const now = nowIso();
      this.log(t.order_id, tenderId, 'result', result);
      // Queued first so the kiosk hears payment.result before order.completed; the view is read after commit.
      this.tx.afterCommit(() =>
        this.bus.emit('event', {
          to: o.device_id,
          name: 'payment.result',
          payload: this.orders.view(t.order_id),
        }),
      );
      let strayCapture = false;
      if (result.state === 'approved') {
        const p = this.repo.payment(t.order_id);
        const captured = BigInt(p.captured_amount) + result.amount;
        this.repo.st.tenderCaptured.run(
          Number(result.amount),
          result.authCode,
          result.pspReference,
          result.cardBrand,
          result.cardLast4,
          now,
          tenderId,
        );
        const full = captured >= BigInt(p.total);
        this.repo.st.paymentCaptured.run(
          Number(captured),
          full ? 'captured' : 'partial_captured',
          t.order_id,
        );
        if (full && isPayable(o.order_status)) this.orders.completeTx(t.order_id, cfg);
        // Money taken for an order that is no longer payable (cancelled meanwhile) goes back.
        if (!isPayable(o.order_status)) strayCapture = true;
      } else {
        const code = failureCode(result.state, timedOut);
        this.repo.st.tenderFailed.run(code, now, tenderId);
        const p = this.repo.payment(t.order_id);
        this.repo.st.paymentStatus.run(
          p.captured_amount > 0 ? 'partial_captured' : result.state === 'declined' ? 'rejected' : 'error',
          t.order_id,
        );
        if (code === 'DECLINED') this.interventions.helpAfterDeclines(t.order_id, o.basket_id, o.device_id);
      }
      enqueueOutbox(this.db, cfg, {
        type: 'payment.attempt',
        key: t.order_id,
        device_id: o.device_id,
        data: { tender_id: tenderId, method: t.method, result: redact(result) },
      });
      return strayCapture;
    });
    if (stray) {
      const t = this.repo.tender(tenderId)!;
      this.reverse(t).catch((err: unknown) =>
        this.log(t.order_id, tenderId, 'stray_capture_reversal_failed', { error: String(err) }),
      );
    }
  }

  // --- void and abort -----------------------------------------------------------------------

  async voidTender(device: PairedClient, orderId: string, tenderId: string): Promise<Order> {
    const o = this.orders.owned(device, orderId);
    if (!isPayable(o.order_status))
      throw new HubError(
        o.order_status === 'cancelled' ? 'ORDER_CANCELLED' : 'ORDER_ALREADY_COMPLETED',
        `order is ${o.order_status}`,
      );
    const t = this.repo.st.tenderOfOrder.get(tenderId, orderId);
    if (!t) throw new HubError('NOT_FOUND', `tender ${tenderId} not found`, { tender_id: tenderId });
    if (t.status !== 'captured') throw new HubError('TENDER_NOT_CAPTURED', `tender is ${t.status}`);
    await this.reverse(t);
    const view = this.orders.view(orderId);
    this.bus.emitTo(device.device_id, 'payment.result', view);
    return view;
  }

  private async reverse(t: TenderRow): Promise<void> {
    const r = await this.terminal.refund(t.tender_id, BigInt(t.amount));
    this.log(t.order_id, t.tender_id, 'void', r);
    if (!r.ok) throw new HubError('VOID_FAILED', r.reason ?? 'the terminal refused the void');
    this.tx.run(() => {
      const cur = this.repo.tender(t.tender_id)!;
      if (cur.status !== 'captured') return;
      this.repo.st.tenderStatus.run('voided', nowIso(), t.tender_id);
      this.repo.st.paymentUncapture.run(t.amount, t.order_id);
      const p = this.repo.payment(t.order_id);
      this.repo.st.paymentStatus.run(
        p.captured_amount > 0 ? 'partial_captured' : 'action_required',
        t.order_id,
      );
      enqueueOutbox(this.db, this.store.config(), {
        type: 'payment.attempt',
        key: t.order_id,
        device_id: null,
        data: {
          tender_id: t.tender_id,
          method: t.method,
          result: { state: 'voided', amount: formatMoney(BigInt(t.amount)) },
        },
      });
    });
  }

  /** Abort payment (§2.5): stop a pending tender, void captured partials, optionally cancel the order. */
  async abort(
    device: PairedClient | null,
    orderId: string,
    req: { cancel_order: boolean; reason: string },
  ): Promise<Order> {
    const o = this.orders.owned(device, orderId);
    if (isPaid(o.order_status))
      throw new HubError('ORDER_ALREADY_COMPLETED', 'a completed order cannot be aborted');
    if (o.order_status === 'cancelled') return this.orders.view(orderId);
    for (const t of this.repo.tenders(orderId, 'pending')) {
      let r: TerminalResult;
      try {
        r = await this.terminal.cancel(t.tender_id);
      } catch (err) {
        if (err instanceof TerminalOfflineError)
          throw new HubError(
            'TERMINAL_UNREACHABLE',
            'the terminal cannot be reached to stop the payment; try again',
          );
        throw err;
      }
      if (r.state === 'pending')
        throw new HubError('TENDER_IN_PROGRESS', 'the terminal is still processing; try again');
      this.apply(t.tender_id, r, false);
    }
    if (isPaid(this.orders.row(orderId).order_status))
      throw new HubError('ORDER_ALREADY_COMPLETED', 'the payment completed before it could be stopped', {
        order: this.orders.view(orderId),
      });
    for (const t of this.repo.tenders(orderId, 'captured')) await this.reverse(t);
    this.tx.run(() => {
      const cur = this.orders.row(orderId);
      if (!isPayable(cur.order_status)) return;
      this.repo.st.paymentStatus.run('abandoned', orderId);
      if (!req.cancel_order) return;
      const cfg = this.store.config();
      const nowS = nowIso();
      const poslog = String(
        nextSequence(this.db, 'poslog', 'store', cfg.poslog_range[0], cfg.poslog_range[1]),
      );
      this.repo.st.cancel.run(nowS, poslog, orderId);
      this.orders.baskets.repo.setState(cur.basket_id, 'active', nowS);
      enqueueOutbox(this.db, cfg, {
        type: 'order.cancelled',
        key: orderId,
        device_id: cur.device_id,
        data: { order_id: orderId, o_id: cur.o_id, transaction_id_poslog: poslog, reason: req.reason },
      });
    });
    const view = this.orders.view(orderId);
    this.bus.emitTo(o.device_id, 'payment.result', view);
    return view;
  }

  /** Aborts orders whose payment session went idle (§9.3); returns the order ids it cancelled. */
  async sweepAbandoned(now = Date.now()): Promise<string[]> {
    const limit = this.opts.paymentSessionTimeoutMs ?? 0;
    if (limit <= 0) return [];
    const cutoff = new Date(now - limit).toISOString();
    const done: string[] = [];
    for (const { order_id } of this.repo.st.idleOrders.all(cutoff, cutoff)) {
      try {
        await this.abort(null, order_id, { cancel_order: true, reason: 'payment_session_timeout' });
        done.push(order_id);
      } catch (err) {
        // A terminal that cannot be reached keeps the order for the next sweep.
        this.log(order_id, null, 'sweep_failed', { error: String(err) });
      }
    }
    if (done.length > 0) this.bus.emitTo('staff', 'orders.abandoned', { order_ids: done });
    return done;
  }

  /** Start-up recovery: ask the terminal about every tender left pending by a previous run. */
  recover(): string[] {
    const pending = this.repo.st.allPending.all();
    for (const p of pending) void this.follow(p.tender_id);
    return pending.map((p) => p.tender_id);
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }
}

function redact(r: TerminalResult): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? formatMoney(v) : v)),
  ) as Record<string, unknown>;
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
