/**
 * Orders (spec/store.md §2.2, §2.4): checkout of a basket into an order, and completion — the
 * numbers, the stored receipt, the expired basket and `order.completed` in the outbox, all in
 * the completing transaction. Notifications and printing follow the commit.
 */
import type { Db } from '../../platform/db/database';
import { nextSequence } from '../../platform/db/sequences';
import type { Tx } from '../../platform/db/tx';
import { HubError } from '../../platform/errors';
import { newId, nowIso } from '../../platform/ids';
import type { Bus } from '../../platform/live/bus';
import { buildOrderSnapshot } from '@kassa/cloud-sync/protocol';
import type { SnapshotInput } from '@kassa/cloud-sync/protocol';
import { enqueueOutbox } from '../../outbox';
import type { Baskets } from '../baskets/service';
import { formatMoney, pricedToJson, receiptInputAtCheckout } from '../catalog/pricing';
import type { StoreConfig } from '../catalog/store-config';
import { businessDate } from '../catalog/store-config';
import type { StoreDataCache } from '../catalog/store-data';
import type { PairedClient } from '../clients/repo';
import { isApproved } from '../interventions/states';
import type { Receipts } from '../receipts/service';
import type { OrderRow } from './repo';
import type { OrderRepo } from './repo';
import type { Order } from './schemas';
import { isPaid, nextOrderStatus } from './states';

export class Orders {
  readonly repo: OrderRepo;

  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
    private readonly store: StoreDataCache,
    readonly baskets: Baskets,
    private readonly bus: Bus,
    repo: OrderRepo,
    private readonly receipts: Receipts,
  ) {
    this.repo = repo;
  }

  row(orderId: string): OrderRow {
    const o = this.repo.order(orderId);
    if (!o) throw new HubError('NOT_FOUND', `order ${orderId} not found`, { order_id: orderId });
    return o;
  }

  owned(device: PairedClient | null, orderId: string): OrderRow {
    const o = this.row(orderId);
    if (device && o.device_id !== device.device_id)
      throw new HubError('NOT_FOUND', `order ${orderId} not found`, { order_id: orderId });
    return o;
  }

  view(orderId: string): Order {
    const o = this.row(orderId);
    const p = this.repo.payment(orderId);
    const total = BigInt(o.total);
    const captured = BigInt(p.captured_amount);
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
        tenders: this.repo.tenders(orderId).map((t) => ({
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
      receipt: this.receipts.view(orderId),
    };
  }

  get(device: PairedClient | null, orderId: string): Order {
    this.owned(device, orderId);
    return this.view(orderId);
  }

  /** POST /v1/orders: create the order for a basket; creating again returns the existing order (§2.2). */
  createOrder(
    device: PairedClient,
    req: { basket_id: string; basket_version?: number | undefined },
  ): { created: boolean; order: Order } {
    return this.tx.run(() => {
      const existing = this.repo.st.openForBasket.get(req.basket_id);
      const basket = this.baskets.get(device, req.basket_id);
      // Creating again returns the basket's open or completed order (§2.2, §9.2). A cancelled
      // order stays as it was; checking its basket out again makes a new order.
      if (existing) return { created: false, order: this.view(existing.order_id) };
      if (basket.state === 'expired') throw new HubError('BASKET_EXPIRED', 'the basket has expired');
      if (basket.state !== 'active')
        throw new HubError('BASKET_CHECKED_OUT', 'the basket is already in checkout');
      if (req.basket_version !== undefined && req.basket_version !== basket.version)
        throw new HubError(
          'BASKET_VERSION_CONFLICT',
          `basket is at version ${String(basket.version)}, not ${req.basket_version}`,
          { current_version: basket.version },
        );
      // Price afresh so the order carries the data version in force now.
      const priced = this.baskets.reprice(req.basket_id);
      const fresh = this.baskets.view(req.basket_id);
      if (!priced)
        throw new HubError(
          'PRICING_ERROR',
          'the basket could not be priced; checkout is blocked',
          fresh.pricing_error,
        );
      if (priced.lines.length === 0) throw new HubError('BASKET_EMPTY', 'the basket has no lines');
      if (priced.requires_approval && !isApproved(fresh.approval?.status))
        throw new HubError('APPROVAL_REQUIRED', 'an age check must be approved by staff first', {
          session: fresh.approval,
        });
      const cfg = this.store.config();
      const total = priced.totals.total_after_tax;
      if (total < 0n) throw new HubError('NEGATIVE_BASKET', 'the basket total is negative');
      if (total === 0n && !cfg.allow_zero_basket_payment)
        throw new HubError('ZERO_BASKET_NOT_ALLOWED', 'a zero total cannot be paid here');
      const order_id = newId();
      const o_id = nextSequence(this.db, 'o_id', 'store', cfg.o_id_range[0], cfg.o_id_range[1]);
      const now = nowIso();
      this.repo.st.insertOrder.run(
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
      this.repo.st.insertPayment.run(order_id, Number(total));
      this.baskets.repo.setState(req.basket_id, 'checked_out', now);
      if (total === 0n) this.completeTx(order_id, cfg);
      return { created: true, order: this.view(order_id) };
    });
  }

  /**
   * §2.2 completion steps 2–9 inside the caller's transaction: status, numbers, basket expired,
   * receipt stored, order.completed in the outbox. Kiosk, staff and printer hear after commit.
   */
  completeTx(orderId: string, cfg: StoreConfig): void {
    const o = this.row(orderId);
    const now = new Date();
    const nowS = now.toISOString();
    const bdate = businessDate(now, cfg);
    const poslog = String(nextSequence(this.db, 'poslog', 'store', cfg.poslog_range[0], cfg.poslog_range[1]));
    const rseq = nextSequence(this.db, 'receipt', 'store', 1, 999_999_999);
    const receipt_number = `${cfg.receipt_prefix || cfg.retailer_store_id}-${String(rseq).padStart(6, '0')}`;
    const status = nextOrderStatus(o.order_status, 'pay_in_full');
    if (status === null) throw new Error(`order ${orderId} is ${o.order_status}; it cannot complete`);
    const final = cfg.auto_verification ? nextOrderStatus(status, 'verify')! : status;
    const payment_status = cfg.demo ? 'captured_demo_mode' : 'captured_live_mode';
    this.repo.st.complete.run(final, payment_status, poslog, receipt_number, nowS, bdate, orderId);
    this.repo.st.paymentCompleted.run(nowS, orderId);
    this.baskets.repo.expire(o.basket_id, nowS);
    const tenders = this.repo.tenders(orderId, 'captured');
    this.receipts.storeTx(o, cfg, {
      receiptNumber: receipt_number,
      transactionIdPoslog: poslog,
      completedAt: nowS,
      tenders: tenders.map((t) => ({
        method: t.method,
        amount: BigInt(t.amount),
        cardBrand: t.card_brand,
        cardLast4: t.card_last4,
        authCode: t.auth_code,
      })),
    });
    const orderFacts = {
      order_id: orderId,
      o_id: o.o_id,
      transaction_id_poslog: poslog,
      receipt_number,
      store_id: cfg.store_id,
      device_id: o.device_id,
      order_status: final,
      payment_status,
      created_at: o.created_at,
      completed_at: nowS,
      business_date: bdate,
    };
    const tenderFacts = tenders.map((t) => ({
      tender_id: t.tender_id,
      method: t.method,
      amount: formatMoney(BigInt(t.amount)),
      status: t.status,
      auth_code: t.auth_code,
      card_brand: t.card_brand,
      card_last4: t.card_last4,
      psp_reference: t.psp_reference,
    }));
    enqueueOutbox(
      this.db,
      cfg,
      {
        type: 'order.completed',
        key: orderId,
        device_id: o.device_id,
        data: this.snapshot(o, cfg, orderFacts, tenderFacts),
      },
      now,
    );
    this.tx.faultPoint('order.completed');
    // §2.2 step 10, after the commit: tell the kiosk and staff (the printer is queued by storeTx).
    this.tx.afterCommit(() => {
      const view = this.view(orderId);
      this.bus.emit('event', { to: o.device_id, name: 'order.completed', payload: view });
      this.bus.emit('event', {
        to: 'staff',
        name: 'order.completed',
        payload: { order_id: orderId, o_id: o.o_id, total: view.total },
      });
    });
  }

  /**
   * The §6.4 order snapshot HQ expects (cloud-sync's protocol builder, validated there). A paid
   * order must complete even if the snapshot cannot be built, so a failure is logged and the
   * event carries the hub's own summary instead (HQ then dead-letters it, visibly).
   */
  private snapshot(
    o: OrderRow,
    cfg: StoreConfig,
    order: Omit<SnapshotInput['order'], 'retailer_id'>,
    tenders: SnapshotInput['tenders'],
  ): unknown {
    const priced = JSON.parse(o.priced) as SnapshotInput['priced'] & { evaluation_time?: string };
    try {
      const lines = this.baskets.repo.lines(o.basket_id).map((l) => {
        const { merge_key: _mk, ...line } = l as typeof l & { merge_key?: string };
        return line;
      });
      return buildOrderSnapshot({
        order: {
          ...order,
          retailer_id: cfg.retailer_id,
          retailer_device_id: this.repo.st.retailerDeviceId.get(o.device_id)?.retailer_device_id ?? null,
          demo: cfg.demo,
        },
        priced,
        currency: cfg.currency,
        tenders,
        // What priceBasket was given at checkout, for HQ's re-pricing audit.
        basket: {
          ...this.baskets.basketInput(o.basket_id, lines),
          ...(priced.evaluation_time ? { evaluation_time: priced.evaluation_time } : {}),
        },
      });
    } catch (err) {
      this.repo.log(o.order_id, null, 'order_snapshot_failed', JSON.stringify({ error: String(err) }));
      return {
        order,
        totals: priced.totals ?? null,
        items: priced.lines ?? [],
        tax_breakup: priced.tax_breakup ?? [],
        payment: { status: 'captured', total: formatMoney(BigInt(o.total)), tenders },
      };
    }
  }

  isPaid(orderId: string): boolean {
    return isPaid(this.row(orderId).order_status);
  }
}
