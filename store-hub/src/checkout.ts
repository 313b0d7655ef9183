/**
 * Orders and payments (spec/store.md §2.2, §2.4, §2.5). The rules that protect money:
 *  - a tender row is committed as `pending` before the terminal is asked to charge, so a crash
 *    at any point leaves a record to recover from;
 *  - a terminal result is applied in one transaction; the tender that makes captured = total
 *    also completes the order, draws its POS-log and receipt numbers, stores the receipt and
 *    writes `order.completed` to the outbox — all or nothing;
 *  - on start-up every pending tender is asked about again (`recover`), so an approval the hub
 *    never heard about still completes its order, and a dead one is closed.
 */
import { z } from 'zod';
import type { DeviceRow } from './auth';
import type { Bus } from './bus';
import type { Db } from './db/database';
import { HubError } from './errors';
import { newId, nowIso } from './ids';
import { writeOutbox } from './outbox';
import type { PaymentTerminal, TerminalResult } from './payment/terminal';
import { TerminalOfflineError } from './payment/terminal';
import type { ReceiptCompletion } from './pricing';
import {
  buildReceiptDocument,
  formatMoney,
  parseMoney,
  pricedToJson,
  receiptInputAtCheckout,
} from './pricing';
import type { Sales } from './sales';
import { nextSequence } from './sequences';
import type { StoreConfig } from './store-config';
import { businessDate } from './store-config';
import type { StoreDataCache } from './store-data';

export const createOrderSchema = z.object({
  basket_id: z.string().min(1).max(64),
  basket_version: z.number().int().min(0).optional(),
});
export const tenderSchema = z.object({
  method: z.enum(['card']).default('card'),
  /** Decimal string; default = the amount still due. Less than due = a split tender. */
  amount: z
    .string()
    .regex(/^\d{1,9}(\.\d{1,4})?$/)
    .optional(),
  /** Only with the terminal simulator: approve | decline | timeout | offline | partial | error. */
  simulate: z.string().max(20).optional(),
});
export const abortSchema = z
  .object({ cancel_order: z.boolean().default(true), reason: z.string().max(200).default('aborted') })
  .default({
    cancel_order: true,
    reason: 'aborted',
  });

interface OrderRow {
  order_id: string;
  o_id: number;
  basket_id: string;
  device_id: string;
  order_status: string;
  payment_status: string;
  total: number;
  currency: string;
  transaction_id_poslog: string | null;
  receipt_number: string | null;
  priced: string;
  receipt_input: string | null;
  created_at: string;
  completed_at: string | null;
  cancelled_at: string | null;
  business_date: string | null;
}

interface TenderRow {
  tender_id: string;
  order_id: string;
  idem_key: string | null;
  method: string;
  requested_amount: number;
  amount: number;
  status: string;
  failure_code: string | null;
  psp_reference: string | null;
  auth_code: string | null;
  card_brand: string | null;
  card_last4: string | null;
  created_at: string;
  updated_at: string;
}

export interface CheckoutOptions {
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
  /** The printer of a kiosk's lane (hardware layer), or null: the receipt is then an e-receipt QR. */
  printerFor: (deviceId: string) => ((doc: unknown, jobId: string) => Promise<'printed' | 'failed'>) | null;
}

export class Checkout {
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly store: StoreDataCache,
    private readonly sales: Sales,
    private readonly terminal: PaymentTerminal,
    private readonly bus: Bus,
    private readonly opts: CheckoutOptions,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  private order(orderId: string): OrderRow {
    const o = this.db.prepare(`SELECT * FROM orders WHERE order_id = ?`).get(orderId) as OrderRow | undefined;
    if (!o) throw new HubError(404, 'NOT_FOUND', `order ${orderId} not found`, { order_id: orderId });
    return o;
  }

  private ownedOrder(device: DeviceRow | null, orderId: string): OrderRow {
    const o = this.order(orderId);
    if (device && o.device_id !== device.device_id)
      throw new HubError(404, 'NOT_FOUND', `order ${orderId} not found`, { order_id: orderId });
    return o;
  }

  view(orderId: string): Record<string, unknown> {
    const o = this.order(orderId);
    const p = this.db.prepare(`SELECT * FROM payments WHERE order_id = ?`).get(orderId) as Record<
      string,
      number | string | null
    >;
    const tenders = this.db
      .prepare(`SELECT * FROM tenders WHERE order_id = ? ORDER BY created_at, rowid`)
      .all(orderId) as TenderRow[];
    const receipt = this.db
      .prepare(`SELECT receipt_number, channel, status, text FROM receipts WHERE order_id = ?`)
      .get(orderId) as Record<string, unknown> | undefined;
    const total = BigInt(o.total);
    const captured = BigInt(p.captured_amount as number);
    return {
      order_id: o.order_id,
      o_id: o.o_id,
      basket_id: o.basket_id,
      order_status: o.order_status,
      payment_status: o.payment_status,
      currency: o.currency,
      total: formatMoney(total),
      transaction_id_poslog: o.transaction_id_poslog,
      receipt_number: o.receipt_number,
      created_at: o.created_at,
      completed_at: o.completed_at,
      cancelled_at: o.cancelled_at,
      business_date: o.business_date,
      payment: {
        status: p.status,
        total: formatMoney(total),
        captured_amount: formatMoney(captured),
        due: formatMoney(total - captured),
        tenders: tenders.map((t) => ({
          tender_id: t.tender_id,
          method: t.method,
          status: t.status,
          requested_amount: formatMoney(BigInt(t.requested_amount)),
          amount: formatMoney(BigInt(t.amount)),
          failure_code: t.failure_code,
          card_brand: t.card_brand,
          card_last4: t.card_last4,
          auth_code: t.auth_code,
        })),
      },
      receipt: receipt
        ? {
            ...receipt,
            e_receipt_url: `/v1/orders/${o.order_id}/receipt`,
            qr_value: `kassa:order:${o.order_id}`,
          }
        : null,
    };
  }

  get(device: DeviceRow | null, orderId: string): Record<string, unknown> {
    this.ownedOrder(device, orderId);
    return this.view(orderId);
  }

  /** POST /v1/orders: create the order for a basket; creating again returns the existing order (§2.2). */
  createOrder(
    device: DeviceRow,
    req: z.output<typeof createOrderSchema>,
  ): { created: boolean; order: Record<string, unknown> } {
    const result = this.db
      .transaction(() => {
        const existing = this.db
          .prepare(`SELECT order_id FROM orders WHERE basket_id = ? AND order_status <> 'cancelled'`)
          .get(req.basket_id) as { order_id: string } | undefined;
        const basket = this.sales.get(device, req.basket_id);
        // Creating again returns the basket's open or completed order (§2.2, §9.2). A cancelled
        // order stays as it was; checking its basket out again makes a new order.
        if (existing) return { created: false, order_id: existing.order_id };
        if (basket.state === 'expired') throw new HubError(409, 'BASKET_EXPIRED', 'the basket has expired');
        if (basket.state !== 'active')
          throw new HubError(409, 'BASKET_CHECKED_OUT', 'the basket is already in checkout');
        if (req.basket_version !== undefined && req.basket_version !== basket.version) {
          throw new HubError(
            409,
            'BASKET_VERSION_CONFLICT',
            `basket is at version ${String(basket.version)}, not ${req.basket_version}`,
            {
              current_version: basket.version,
            },
          );
        }
        // Price afresh so the order carries the data version in force now.
        const priced = this.sales.reprice(req.basket_id);
        const fresh = this.sales.view(req.basket_id);
        if (!priced)
          throw new HubError(
            409,
            'PRICING_ERROR',
            'the basket could not be priced; checkout is blocked',
            fresh.pricing_error,
          );
        if (priced.lines.length === 0) throw new HubError(409, 'BASKET_EMPTY', 'the basket has no lines');
        if (priced.requires_approval) {
          const a = fresh.approval as { status: string } | null;
          if (!a || a.status !== 'A')
            throw new HubError(409, 'APPROVAL_REQUIRED', 'an age check must be approved by staff first', {
              session: a,
            });
        }
        const cfg = this.store.config();
        const total = priced.totals.total_after_tax;
        if (total < 0n) throw new HubError(409, 'NEGATIVE_BASKET', 'the basket total is negative');
        if (total === 0n && !cfg.allow_zero_basket_payment)
          throw new HubError(409, 'ZERO_BASKET_NOT_ALLOWED', 'a zero total cannot be paid here');
        const order_id = newId();
        const o_id = nextSequence(this.db, 'o_id', 'store', cfg.o_id_range[0], cfg.o_id_range[1]);
        const now = nowIso();
        this.db
          .prepare(
            `INSERT INTO orders(order_id, o_id, basket_id, device_id, order_status, payment_status, total, currency, priced, receipt_input, created_at)
             VALUES (?, ?, ?, ?, 'created', 'not_captured', ?, ?, ?, ?, ?)`,
          )
          .run(
            order_id,
            o_id,
            req.basket_id,
            device.device_id,
            Number(total),
            cfg.currency,
            JSON.stringify(pricedToJson(priced)),
            receiptInputAtCheckout(priced, {
              orderId: order_id,
              oId: o_id,
              createdAt: now,
              retailerDeviceId: device.retailer_device_id,
            }),
            now,
          );
        this.db
          .prepare(`INSERT INTO payments(order_id, status, total) VALUES (?, 'waiting', ?)`)
          .run(order_id, Number(total));
        this.db
          .prepare(`UPDATE baskets SET state = 'checked_out', updated_at = ? WHERE basket_id = ?`)
          .run(now, req.basket_id);
        if (total === 0n) this.completeTx(order_id, cfg);
        return { created: true, order_id };
      })
      .immediate();
    const order = this.view(result.order_id);
    if (order.order_status === 'completed' || order.order_status === 'verified')
      this.afterCompletion(device.device_id, order);
    return { created: result.created, order };
  }

  // --- tenders ------------------------------------------------------------------------------

  async startTender(
    device: DeviceRow,
    orderId: string,
    req: z.output<typeof tenderSchema>,
    idemKey: string | null,
  ): Promise<Record<string, unknown>> {
    if (req.simulate !== undefined && !this.terminal.scenarios.includes(req.simulate)) {
      throw new HubError(
        422,
        'SIMULATION_UNAVAILABLE',
        `the ${this.terminal.name} terminal has no scenario "${req.simulate}"`,
        {
          scenarios: this.terminal.scenarios,
        },
      );
    }
    const started = this.db
      .transaction(() => {
        if (idemKey) {
          const t = this.db
            .prepare(`SELECT tender_id, order_id FROM tenders WHERE idem_key = ?`)
            .get(`${device.device_id}:${idemKey}`) as { tender_id: string; order_id: string } | undefined;
          if (t) return { tender_id: t.tender_id, fresh: false };
        }
        const o = this.ownedOrder(device, orderId);
        if (o.order_status === 'completed' || o.order_status === 'verified')
          return { tender_id: null, fresh: false }; // P2
        if (o.order_status !== 'created')
          throw new HubError(409, 'ORDER_NOT_PAYABLE', `order is ${o.order_status}`);
        const pending = this.db
          .prepare(`SELECT tender_id FROM tenders WHERE order_id = ? AND status = 'pending'`)
          .get(orderId) as { tender_id: string } | undefined;
        if (pending)
          throw new HubError(
            409,
            'TENDER_IN_PROGRESS',
            'a tender is already in progress for this order',
            pending,
          );
        const p = this.db
          .prepare(`SELECT total, captured_amount FROM payments WHERE order_id = ?`)
          .get(orderId) as { total: number; captured_amount: number };
        const due = BigInt(p.total) - BigInt(p.captured_amount);
        const amount = req.amount === undefined ? due : parseMoney(req.amount);
        if (amount <= 0n || amount > due)
          throw new HubError(
            422,
            'AMOUNT_OUT_OF_RANGE',
            `amount must be more than 0 and at most ${formatMoney(due)}`,
            { due: formatMoney(due) },
          );
        const tender_id = newId();
        const now = nowIso();
        this.db
          .prepare(
            `INSERT INTO tenders(tender_id, order_id, idem_key, method, requested_amount, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
          )
          .run(
            tender_id,
            orderId,
            idemKey ? `${device.device_id}:${idemKey}` : null,
            req.method,
            Number(amount),
            now,
            now,
          );
        this.db
          .prepare(
            `UPDATE payments SET status = 'pending', started_at = COALESCE(started_at, ?) WHERE order_id = ?`,
          )
          .run(now, orderId);
        this.log(orderId, tender_id, 'start', { amount: amount.toString(), scenario: req.simulate ?? null });
        return { tender_id, fresh: true, amount };
      })
      .immediate();
    if (started.tender_id === null) return this.view(orderId);
    if (started.fresh && 'amount' in started) {
      this.bus.emitTo(device.device_id, 'payment.prompt', {
        order_id: orderId,
        tender_id: started.tender_id,
        prompt: 'Present card',
      });
      try {
        await this.terminal.start({
          tenderId: started.tender_id,
          amount: started.amount!,
          currency: this.store.config().currency,
          scenario: req.simulate,
        });
      } catch (err) {
        // Unreachable at start: the terminal may or may not have the request; the follow loop asks.
        this.log(orderId, started.tender_id, 'start_failed', { error: String(err) });
      }
    }
    const follow = this.follow(started.tender_id);
    await Promise.race([follow, delay(this.opts.tenderWaitMs)]);
    return this.view(orderId);
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
      const t = this.db.prepare(`SELECT * FROM tenders WHERE tender_id = ?`).get(tenderId) as
        TenderRow | undefined;
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
        this.bus.emitTo(this.order(t.order_id).device_id, 'payment.prompt', {
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
    const out = this.db
      .transaction(() => {
        const t = this.db.prepare(`SELECT * FROM tenders WHERE tender_id = ?`).get(tenderId) as TenderRow;
        if (t.status !== 'pending') return null;
        const o = this.order(t.order_id);
        const cfg = this.store.config();
        const now = nowIso();
        this.log(t.order_id, tenderId, 'result', result);
        let completed = false;
        let strayCapture = false;
        let staffHelp: Record<string, unknown> | null = null;
        if (result.state === 'approved') {
          const p = this.db
            .prepare(`SELECT total, captured_amount FROM payments WHERE order_id = ?`)
            .get(t.order_id) as { total: number; captured_amount: number };
          const captured = BigInt(p.captured_amount) + result.amount;
          this.db
            .prepare(
              `UPDATE tenders SET status = 'captured', amount = ?, auth_code = ?, psp_reference = ?, card_brand = ?, card_last4 = ?, updated_at = ? WHERE tender_id = ?`,
            )
            .run(
              Number(result.amount),
              result.authCode,
              result.pspReference,
              result.cardBrand,
              result.cardLast4,
              now,
              tenderId,
            );
          const full = captured >= BigInt(p.total);
          this.db
            .prepare(`UPDATE payments SET captured_amount = ?, status = ? WHERE order_id = ?`)
            .run(Number(captured), full ? 'captured' : 'partial_captured', t.order_id);
          if (full && o.order_status === 'created') {
            this.completeTx(t.order_id, cfg);
            completed = true;
          }
          // Money taken for an order that is no longer payable (cancelled meanwhile) goes back.
          if (o.order_status !== 'created') strayCapture = true;
        } else {
          const code =
            result.state === 'declined'
              ? 'DECLINED'
              : result.state === 'cancelled'
                ? timedOut
                  ? 'TERMINAL_TIMEOUT'
                  : 'CANCELLED'
                : result.state === 'unknown'
                  ? 'NOT_STARTED'
                  : 'TERMINAL_ERROR';
          this.db
            .prepare(
              `UPDATE tenders SET status = 'failed', failure_code = ?, updated_at = ? WHERE tender_id = ?`,
            )
            .run(code, now, tenderId);
          const p = this.db
            .prepare(`SELECT captured_amount FROM payments WHERE order_id = ?`)
            .get(t.order_id) as { captured_amount: number };
          this.db
            .prepare(`UPDATE payments SET status = ? WHERE order_id = ?`)
            .run(
              p.captured_amount > 0 ? 'partial_captured' : result.state === 'declined' ? 'rejected' : 'error',
              t.order_id,
            );
          if (code === 'DECLINED') staffHelp = this.helpAfterDeclines(t.order_id, o.basket_id, o.device_id);
        }
        writeOutbox(
          this.db,
          'payment.attempt',
          t.order_id,
          { tender_id: tenderId, method: t.method, result: redact(result) },
          {
            store_id: cfg.store_id,
            device_id: o.device_id,
            business_date: businessDate(new Date(), cfg),
          },
        );
        return { device_id: o.device_id, order_id: t.order_id, completed, strayCapture, staffHelp };
      })
      .immediate();
    if (!out) return;
    if (out.staffHelp) this.bus.emitTo('staff', 'intervention.created', out.staffHelp);
    if (out.strayCapture) {
      const t = this.db.prepare(`SELECT * FROM tenders WHERE tender_id = ?`).get(tenderId) as TenderRow;
      this.reverse(t).catch((err: unknown) =>
        this.log(t.order_id, tenderId, 'stray_capture_reversal_failed', { error: String(err) }),
      );
    }
    const view = this.view(out.order_id);
    this.bus.emitTo(out.device_id, 'payment.result', view);
    if (out.completed) this.afterCompletion(out.device_id, view);
  }

  /**
   * §2.2 completion steps 2–9 inside the caller's transaction: status, numbers, basket expired,
   * receipt stored, order.completed in the outbox.
   */
  private completeTx(orderId: string, cfg: StoreConfig): void {
    const o = this.order(orderId);
    const now = new Date();
    const nowS = now.toISOString();
    const bdate = businessDate(now, cfg);
    const poslog = nextSequence(this.db, 'poslog', 'store', cfg.poslog_range[0], cfg.poslog_range[1]);
    const rseq = nextSequence(this.db, 'receipt', 'store', 1, 999_999_999);
    const receipt_number = `${cfg.receipt_prefix || cfg.retailer_store_id}-${String(rseq).padStart(6, '0')}`;
    const status = cfg.auto_verification ? 'verified' : 'completed';
    const payment_status = cfg.demo ? 'captured_demo_mode' : 'captured_live_mode';
    this.db
      .prepare(
        `UPDATE orders SET order_status = ?, payment_status = ?, transaction_id_poslog = ?, receipt_number = ?, completed_at = ?, business_date = ? WHERE order_id = ? AND order_status = 'created'`,
      )
      .run(status, payment_status, String(poslog), receipt_number, nowS, bdate, orderId);
    this.db
      .prepare(`UPDATE payments SET status = 'captured', completed_at = ? WHERE order_id = ?`)
      .run(nowS, orderId);
    this.db
      .prepare(`UPDATE baskets SET state = 'expired', expired_at = ?, updated_at = ? WHERE basket_id = ?`)
      .run(nowS, nowS, o.basket_id);
    const tenders = this.db
      .prepare(
        `SELECT tender_id, method, amount, status, auth_code, card_brand, card_last4, psp_reference FROM tenders WHERE order_id = ? AND status = 'captured'`,
      )
      .all(orderId) as Record<string, unknown>[];
    const pricedJson = JSON.parse(o.priced) as Record<string, unknown>;
    const orderFacts = {
      order_id: orderId,
      o_id: o.o_id,
      transaction_id_poslog: String(poslog),
      receipt_number,
      store_id: cfg.store_id,
      device_id: o.device_id,
      order_status: status,
      payment_status,
      created_at: o.created_at,
      completed_at: nowS,
      business_date: bdate,
    };
    const receipt = this.receipt(o, cfg, {
      receiptNumber: receipt_number,
      transactionIdPoslog: String(poslog),
      completedAt: nowS,
      tenders: tenders.map((t) => ({
        method: String(t.method),
        amount: BigInt(t.amount as number),
        cardBrand: (t.card_brand as string | null) ?? null,
        cardLast4: (t.card_last4 as string | null) ?? null,
        authCode: (t.auth_code as string | null) ?? null,
      })),
    });
    this.db
      .prepare(
        `INSERT INTO receipts(receipt_id, order_id, receipt_number, document, text, channel, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(
        newId(),
        orderId,
        receipt_number,
        JSON.stringify(receipt.document),
        receipt.text,
        this.opts.printerFor(o.device_id) ? 'print' : 'e_receipt',
        nowS,
      );
    writeOutbox(
      this.db,
      'order.completed',
      orderId,
      {
        order: orderFacts,
        totals: (pricedJson as { totals?: unknown }).totals ?? null,
        items: (pricedJson as { lines?: unknown }).lines ?? [],
        tax_breakup: (pricedJson as { tax_breakup?: unknown }).tax_breakup ?? [],
        payment: {
          status: 'captured',
          total: formatMoney(BigInt(o.total)),
          tenders: tenders.map((t) => ({ ...t, amount: formatMoney(BigInt(t.amount as number)) })),
        },
      },
      { store_id: cfg.store_id, device_id: o.device_id, business_date: bdate },
    );
  }

  /**
   * The receipt document from promo-core's receipt model. A receipt-model failure must not
   * block a paid order from completing (money is captured), so it falls back to a plain text
   * slip and records why.
   */
  private receipt(
    o: OrderRow,
    cfg: StoreConfig,
    done: ReceiptCompletion,
  ): { document: unknown; text: string } {
    if (o.receipt_input) {
      try {
        return buildReceiptDocument(o.receipt_input, done, cfg);
      } catch (err) {
        this.log(o.order_id, null, 'receipt_model_failed', { error: String(err) });
      }
    }
    const pricedJson = JSON.parse(o.priced) as Record<string, unknown>;
    const facts = { receipt_number: done.receiptNumber, o_id: o.o_id, completed_at: done.completedAt };
    const tenders = done.tenders.map((t) => ({
      method: t.method,
      card_brand: t.cardBrand,
      card_last4: t.cardLast4,
      amount: Number(t.amount),
    }));
    return {
      document: { kind: 'hub_fallback', order: facts, basket: pricedJson },
      text: receiptText(cfg, facts, pricedJson, tenders),
    };
  }

  /** Post-payment tasks outside the transaction (§2.2 step 10): notify, print. */
  private afterCompletion(deviceId: string, order: Record<string, unknown>): void {
    this.bus.emitTo(deviceId, 'order.completed', order);
    this.bus.emitTo('staff', 'order.completed', {
      order_id: order.order_id,
      o_id: order.o_id,
      total: order.total,
    });
    const print = this.opts.printerFor(deviceId);
    if (print) {
      const r = this.db
        .prepare(`SELECT document, receipt_number FROM receipts WHERE order_id = ?`)
        .get(order.order_id) as {
        document: string;
        receipt_number: string;
      };
      const setStatus = (status: string): void => {
        this.db.prepare(`UPDATE receipts SET status = ? WHERE order_id = ?`).run(status, order.order_id);
        this.bus.emitTo(deviceId, 'receipt.status', { order_id: order.order_id, status });
      };
      print(JSON.parse(r.document), r.receipt_number).then(setStatus, () => setStatus('failed'));
    }
  }

  // --- void and abort -----------------------------------------------------------------------

  async voidTender(device: DeviceRow, orderId: string, tenderId: string): Promise<Record<string, unknown>> {
    const o = this.ownedOrder(device, orderId);
    if (o.order_status !== 'created')
      throw new HubError(
        409,
        o.order_status === 'cancelled' ? 'ORDER_CANCELLED' : 'ORDER_ALREADY_COMPLETED',
        `order is ${o.order_status}`,
      );
    const t = this.db
      .prepare(`SELECT * FROM tenders WHERE tender_id = ? AND order_id = ?`)
      .get(tenderId, orderId) as TenderRow | undefined;
    if (!t) throw new HubError(404, 'NOT_FOUND', `tender ${tenderId} not found`);
    if (t.status !== 'captured') throw new HubError(409, 'TENDER_NOT_CAPTURED', `tender is ${t.status}`);
    await this.reverse(t);
    this.bus.emitTo(device.device_id, 'payment.result', this.view(orderId));
    return this.view(orderId);
  }

  private async reverse(t: TenderRow): Promise<void> {
    const r = await this.terminal.refund(t.tender_id, BigInt(t.amount));
    this.db
      .transaction(() => {
        this.log(t.order_id, t.tender_id, 'void', r);
        if (!r.ok) throw new HubError(502, 'VOID_FAILED', r.reason ?? 'the terminal refused the void');
        const cur = this.db.prepare(`SELECT status FROM tenders WHERE tender_id = ?`).get(t.tender_id) as {
          status: string;
        };
        if (cur.status !== 'captured') return;
        this.db
          .prepare(`UPDATE tenders SET status = 'voided', updated_at = ? WHERE tender_id = ?`)
          .run(nowIso(), t.tender_id);
        this.db
          .prepare(`UPDATE payments SET captured_amount = captured_amount - ? WHERE order_id = ?`)
          .run(t.amount, t.order_id);
        const p = this.db
          .prepare(`SELECT captured_amount FROM payments WHERE order_id = ?`)
          .get(t.order_id) as { captured_amount: number };
        this.db
          .prepare(`UPDATE payments SET status = ? WHERE order_id = ?`)
          .run(p.captured_amount > 0 ? 'partial_captured' : 'action_required', t.order_id);
        const cfg = this.store.config();
        writeOutbox(
          this.db,
          'payment.attempt',
          t.order_id,
          {
            tender_id: t.tender_id,
            method: t.method,
            result: { state: 'voided', amount: formatMoney(BigInt(t.amount)) },
          },
          {
            store_id: cfg.store_id,
            device_id: null,
            business_date: businessDate(new Date(), cfg),
          },
        );
      })
      .immediate();
  }

  /** Abort payment (§2.5): stop a pending tender, void captured partials, optionally cancel the order. */
  async abort(
    device: DeviceRow | null,
    orderId: string,
    req: z.output<typeof abortSchema>,
  ): Promise<Record<string, unknown>> {
    const o = this.ownedOrder(device, orderId);
    if (o.order_status === 'completed' || o.order_status === 'verified')
      throw new HubError(409, 'ORDER_ALREADY_COMPLETED', 'a completed order cannot be aborted');
    if (o.order_status === 'cancelled') return this.view(orderId);
    const pending = this.db
      .prepare(`SELECT * FROM tenders WHERE order_id = ? AND status = 'pending'`)
      .all(orderId) as TenderRow[];
    for (const t of pending) {
      let r: TerminalResult;
      try {
        r = await this.terminal.cancel(t.tender_id);
      } catch (err) {
        if (err instanceof TerminalOfflineError)
          throw new HubError(
            503,
            'TERMINAL_UNREACHABLE',
            'the terminal cannot be reached to stop the payment; try again',
          );
        throw err;
      }
      if (r.state === 'pending')
        throw new HubError(409, 'TENDER_IN_PROGRESS', 'the terminal is still processing; try again');
      this.apply(t.tender_id, r, false);
    }
    const now = this.order(orderId);
    if (now.order_status !== 'created') {
      if (now.order_status === 'completed' || now.order_status === 'verified')
        throw new HubError(
          409,
          'ORDER_ALREADY_COMPLETED',
          'the payment completed before it could be stopped',
          { order: this.view(orderId) },
        );
    }
    for (const t of this.db
      .prepare(`SELECT * FROM tenders WHERE order_id = ? AND status = 'captured'`)
      .all(orderId) as TenderRow[])
      await this.reverse(t);
    this.db
      .transaction(() => {
        const cur = this.order(orderId);
        if (cur.order_status !== 'created') return;
        this.db.prepare(`UPDATE payments SET status = 'abandoned' WHERE order_id = ?`).run(orderId);
        if (req.cancel_order) {
          const cfg = this.store.config();
          const nowS = nowIso();
          const poslog = nextSequence(this.db, 'poslog', 'store', cfg.poslog_range[0], cfg.poslog_range[1]);
          this.db
            .prepare(
              `UPDATE orders SET order_status = 'cancelled', cancelled_at = ?, transaction_id_poslog = ? WHERE order_id = ?`,
            )
            .run(nowS, String(poslog), orderId);
          this.db
            .prepare(`UPDATE baskets SET state = 'active', updated_at = ? WHERE basket_id = ?`)
            .run(nowS, cur.basket_id);
          writeOutbox(
            this.db,
            'order.cancelled',
            orderId,
            { order_id: orderId, o_id: cur.o_id, transaction_id_poslog: String(poslog), reason: req.reason },
            {
              store_id: cfg.store_id,
              device_id: cur.device_id,
              business_date: businessDate(new Date(), cfg),
            },
          );
        }
      })
      .immediate();
    const view = this.view(orderId);
    this.bus.emitTo(o.device_id, 'payment.result', view);
    return view;
  }

  /** §9.3: after the third declined card on one order, call staff (once). */
  private helpAfterDeclines(
    orderId: string,
    basketId: string,
    deviceId: string,
  ): Record<string, unknown> | null {
    const n = (
      this.db
        .prepare(`SELECT COUNT(*) AS n FROM tenders WHERE order_id = ? AND failure_code = 'DECLINED'`)
        .get(orderId) as { n: number }
    ).n;
    if (n !== 3) return null;
    const id = newId();
    this.db
      .prepare(
        `INSERT INTO interventions(intervention_id, basket_id, device_id, kind, status, reason, created_at) VALUES (?, ?, ?, 'help', 'P', ?, ?)`,
      )
      .run(id, basketId, deviceId, 'three declined card payments', nowIso());
    return this.db.prepare(`SELECT * FROM interventions WHERE intervention_id = ?`).get(id) as Record<
      string,
      unknown
    >;
  }

  /** Aborts orders whose payment session went idle (§9.3); returns the order ids it cancelled. */
  async sweepAbandoned(now = Date.now()): Promise<string[]> {
    const limit = this.opts.paymentSessionTimeoutMs ?? 0;
    if (limit <= 0) return [];
    const cutoff = new Date(now - limit).toISOString();
    const idle = this.db
      .prepare(
        `SELECT o.order_id FROM orders o
         WHERE o.order_status = 'created' AND o.created_at < ?
           AND NOT EXISTS (SELECT 1 FROM tenders t WHERE t.order_id = o.order_id AND (t.status = 'pending' OR t.updated_at >= ?))`,
      )
      .all(cutoff, cutoff) as { order_id: string }[];
    const done: string[] = [];
    for (const { order_id } of idle) {
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
    const pending = this.db.prepare(`SELECT tender_id FROM tenders WHERE status = 'pending'`).all() as {
      tender_id: string;
    }[];
    for (const p of pending) void this.follow(p.tender_id);
    return pending.map((p) => p.tender_id);
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  private log(orderId: string, tenderId: string | null, event: string, detail: unknown): void {
    this.db
      .prepare(`INSERT INTO payment_log(order_id, tender_id, at, event, detail) VALUES (?, ?, ?, ?, ?)`)
      .run(
        orderId,
        tenderId,
        nowIso(),
        event,
        JSON.stringify(detail, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
      );
  }
}

function redact(r: TerminalResult): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? formatMoney(v) : v)),
  ) as Record<string, unknown>;
}

function receiptText(
  cfg: StoreConfig,
  order: Record<string, unknown>,
  priced: Record<string, unknown>,
  tenders: Record<string, unknown>[],
): string {
  const lines = ((priced.lines ?? []) as { item_name: string; quantity: number; payable: string }[]).map(
    (l) =>
      `${l.item_name.slice(0, 26).padEnd(26)} ${String(l.quantity).padStart(3)} ${String(l.payable).padStart(10)}`,
  );
  const totals = (priced.totals ?? {}) as Record<string, string>;
  return [
    cfg.name,
    cfg.address,
    `Receipt ${String(order.receipt_number)}   Order ${String(order.o_id)}`,
    String(order.completed_at),
    '-'.repeat(41),
    ...lines,
    '-'.repeat(41),
    `TOTAL ${String(totals.total_after_tax ?? '').padStart(35)}`,
    `of which tax ${String(totals.total_tax ?? '').padStart(27)}`,
    ...tenders.map(
      (t) =>
        `${String(t.card_brand ?? t.method)} ****${String(t.card_last4 ?? '')} ${formatMoney(BigInt(t.amount as number)).padStart(20)}`,
    ),
  ].join('\n');
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
