import type { Db } from '../../platform/db/database';
import type { PaymentStatus, TenderStatus } from '../payments/schemas';
import type { OrderStatus } from './schemas';

export interface OrderRow {
  order_id: string;
  o_id: number;
  basket_id: string;
  device_id: string;
  order_status: OrderStatus;
  payment_status: 'not_captured' | 'captured_live_mode' | 'captured_demo_mode';
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

export interface PaymentRow {
  order_id: string;
  status: PaymentStatus;
  total: number;
  captured_amount: number;
  started_at: string | null;
  completed_at: string | null;
}

export interface TenderRow {
  tender_id: string;
  order_id: string;
  idem_key: string | null;
  method: string;
  requested_amount: number;
  amount: number;
  status: TenderStatus;
  failure_code: string | null;
  psp_reference: string | null;
  auth_code: string | null;
  card_brand: string | null;
  card_last4: string | null;
  created_at: string;
  updated_at: string;
}

/** Orders, payments and tenders: the rows money depends on, with statements prepared once. */
export class OrderRepo {
  readonly st;

  constructor(db: Db) {
    this.st = {
      order: db.prepare<[string], OrderRow>(`SELECT * FROM orders WHERE order_id = ?`),
      openForBasket: db.prepare<[string], { order_id: string }>(
        `SELECT order_id FROM orders WHERE basket_id = ? AND order_status <> 'cancelled'`,
      ),
      insertOrder: db.prepare(
        `INSERT INTO orders(order_id, o_id, basket_id, device_id, order_status, payment_status, total, currency, priced, receipt_input, created_at)
         VALUES (?, ?, ?, ?, 'created', 'not_captured', ?, ?, ?, ?, ?)`,
      ),
      complete: db.prepare(
        `UPDATE orders SET order_status = ?, payment_status = ?, transaction_id_poslog = ?, receipt_number = ?, completed_at = ?, business_date = ? WHERE order_id = ? AND order_status = 'created'`,
      ),
      cancel: db.prepare(
        `UPDATE orders SET order_status = 'cancelled', cancelled_at = ?, transaction_id_poslog = ? WHERE order_id = ?`,
      ),
      payment: db.prepare<[string], PaymentRow>(`SELECT * FROM payments WHERE order_id = ?`),
      insertPayment: db.prepare(`INSERT INTO payments(order_id, status, total) VALUES (?, 'waiting', ?)`),
      paymentStatus: db.prepare(`UPDATE payments SET status = ? WHERE order_id = ?`),
      paymentCaptured: db.prepare(`UPDATE payments SET captured_amount = ?, status = ? WHERE order_id = ?`),
      paymentCompleted: db.prepare(
        `UPDATE payments SET status = 'captured', completed_at = ? WHERE order_id = ?`,
      ),
      paymentStarted: db.prepare(
        `UPDATE payments SET status = 'pending', started_at = COALESCE(started_at, ?) WHERE order_id = ?`,
      ),
      paymentUncapture: db.prepare(
        `UPDATE payments SET captured_amount = captured_amount - ? WHERE order_id = ?`,
      ),
      tender: db.prepare<[string], TenderRow>(`SELECT * FROM tenders WHERE tender_id = ?`),
      tenderOfOrder: db.prepare<[string, string], TenderRow>(
        `SELECT * FROM tenders WHERE tender_id = ? AND order_id = ?`,
      ),
      tenderByKey: db.prepare<[string], { tender_id: string; order_id: string }>(
        `SELECT tender_id, order_id FROM tenders WHERE idem_key = ?`,
      ),
      tenders: db.prepare<[string], TenderRow>(
        `SELECT * FROM tenders WHERE order_id = ? ORDER BY created_at, rowid`,
      ),
      tendersIn: db.prepare<[string, string], TenderRow>(
        `SELECT * FROM tenders WHERE order_id = ? AND status = ? ORDER BY created_at, rowid`,
      ),
      allPending: db.prepare<[], { tender_id: string }>(
        `SELECT tender_id FROM tenders WHERE status = 'pending'`,
      ),
      insertTender: db.prepare(
        `INSERT INTO tenders(tender_id, order_id, idem_key, method, requested_amount, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
      ),
      tenderCaptured: db.prepare(
        `UPDATE tenders SET status = 'captured', amount = ?, auth_code = ?, psp_reference = ?, card_brand = ?, card_last4 = ?, updated_at = ? WHERE tender_id = ?`,
      ),
      tenderFailed: db.prepare(
        `UPDATE tenders SET status = 'failed', failure_code = ?, updated_at = ? WHERE tender_id = ?`,
      ),
      tenderStatus: db.prepare(`UPDATE tenders SET status = ?, updated_at = ? WHERE tender_id = ?`),
      idleOrders: db.prepare<[string, string], { order_id: string }>(
        `SELECT o.order_id FROM orders o
         WHERE o.order_status = 'created' AND o.created_at < ?
           AND NOT EXISTS (SELECT 1 FROM tenders t WHERE t.order_id = o.order_id AND (t.status = 'pending' OR t.updated_at >= ?))`,
      ),
      retailerDeviceId: db.prepare<[string], { retailer_device_id: string }>(
        `SELECT retailer_device_id FROM devices WHERE device_id = ?`,
      ),
      log: db.prepare(
        `INSERT INTO payment_log(order_id, tender_id, at, event, detail) VALUES (?, ?, ?, ?, ?)`,
      ),
    };
  }

  order(orderId: string): OrderRow | undefined {
    return this.st.order.get(orderId);
  }
  payment(orderId: string): PaymentRow {
    return this.st.payment.get(orderId)!;
  }
  tenders(orderId: string, status?: TenderStatus): TenderRow[] {
    return status ? this.st.tendersIn.all(orderId, status) : this.st.tenders.all(orderId);
  }
  tender(tenderId: string): TenderRow | undefined {
    return this.st.tender.get(tenderId);
  }
  /** Append-only log of every terminal request and answer (P9). */
  log(orderId: string, tenderId: string | null, event: string, detail: string): void {
    this.st.log.run(orderId, tenderId, new Date().toISOString(), event, detail);
  }
}
