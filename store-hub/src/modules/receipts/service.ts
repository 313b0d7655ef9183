/**
 * Receipts (spec/store.md §5): built inside the completing transaction from promo-core's
 * receipt model, stored with the order, printed on the lane printer only after the commit,
 * and reprinted as a COPY on request. The QR value is `kassa:order:{id}` on paper and in the API.
 */
import type { Db } from '../../platform/db/database';
import type { Tx } from '../../platform/db/tx';
import { HubError } from '../../platform/errors';
import { newId, nowIso } from '../../platform/ids';
import { bigintToString } from '../../platform/json';
import type { Bus } from '../../platform/live/bus';
import type { ReceiptCompletion } from '../catalog/pricing';
import { buildReceiptDocument, formatMoney } from '../catalog/pricing';
import type { StoreConfig } from '../catalog/store-config';
import type { OrderRepo, OrderRow } from '../orders/repo';
import type { ReceiptView } from './schemas';
import { orderQrValue } from './schemas';

export type PrintFn = (doc: unknown, jobId: string) => Promise<'printed' | 'failed'>;
/** The printer of a client's lane (hardware layer), or null: the receipt is then an e-receipt QR. */
export type PrinterFor = (deviceId: string) => PrintFn | null;

interface ReceiptRow {
  receipt_number: string;
  channel: 'print' | 'e_receipt';
  status: string;
  text: string;
  document: string;
}

export class Receipts {
  private readonly st;
  private copies = 0;

  constructor(
    db: Db,
    private readonly tx: Tx,
    private readonly bus: Bus,
    private readonly orders: OrderRepo,
    private readonly printerFor: PrinterFor,
  ) {
    this.st = {
      get: db.prepare<[string], ReceiptRow>(
        `SELECT receipt_number, channel, status, text, document FROM receipts WHERE order_id = ?`,
      ),
      insert: db.prepare(
        `INSERT INTO receipts(receipt_id, order_id, receipt_number, document, text, channel, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
      ),
      status: db.prepare(`UPDATE receipts SET status = ? WHERE order_id = ?`),
    };
  }

  view(orderId: string): ReceiptView | null {
    const r = this.st.get.get(orderId);
    if (!r) return null;
    return {
      receipt_number: r.receipt_number,
      channel: r.channel,
      status: r.status,
      text: r.text,
      e_receipt_url: `/v1/orders/${orderId}/receipt`,
      qr_value: orderQrValue(orderId),
    };
  }

  /** Inside the completing transaction: build and store the receipt; print after the commit. */
  storeTx(o: OrderRow, cfg: StoreConfig, done: ReceiptCompletion): void {
    const receipt = this.build(o, cfg, done);
    const print = this.printerFor(o.device_id);
    this.st.insert.run(
      newId(),
      o.order_id,
      done.receiptNumber,
      JSON.stringify(receipt.document),
      receipt.text,
      print ? 'print' : 'e_receipt',
      nowIso(),
    );
    if (print) this.tx.afterCommit(() => this.print(o.device_id, o.order_id, print, false));
  }

  /** POST …/receipts: print again as a COPY when the lane has a printer, else the e-receipt. */
  deliver(
    deviceId: string,
    orderId: string,
  ): { channel: 'print' | 'e_receipt'; copy?: boolean; receipt: ReceiptView } {
    const receipt = this.view(orderId);
    if (!receipt) throw new HubError('ORDER_NOT_COMPLETED', 'receipts exist for completed orders only');
    const print = this.printerFor(deviceId);
    if (!print) return { channel: 'e_receipt', receipt };
    this.tx.afterCommit(() => this.print(deviceId, orderId, print, true));
    return { channel: 'print', copy: true, receipt };
  }

  private print(deviceId: string, orderId: string, print: PrintFn, copy: boolean): void {
    const r = this.st.get.get(orderId);
    if (!r) return;
    const doc = JSON.parse(r.document) as Record<string, unknown>;
    // The job id is the receipt number: a retried print of the same receipt prints nothing twice.
    // A requested copy is a new job of its own.
    const jobId = copy ? `${r.receipt_number}-copy-${++this.copies}-${Date.now()}` : r.receipt_number;
    const setStatus = (status: 'printed' | 'failed'): void => {
      if (!copy) this.st.status.run(status, orderId);
      this.bus.emitTo(deviceId, 'receipt.status', {
        order_id: orderId,
        status,
        ...(copy ? { copy: true } : {}),
      });
    };
    print(copy ? { ...doc, copy: true } : doc, jobId).then(setStatus, () => setStatus('failed'));
  }

  /**
   * The receipt document from promo-core's receipt model. A receipt-model failure must not
   * block a paid order from completing (money is captured), so it falls back to a plain text
   * slip and records why.
   */
  private build(o: OrderRow, cfg: StoreConfig, done: ReceiptCompletion): { document: unknown; text: string } {
    if (o.receipt_input) {
      try {
        return buildReceiptDocument(o.receipt_input, done, {
          ...cfg,
          // One QR value everywhere: the API's qr_value, unless the store configures its own.
          receipt: {
            qrContent: 'receipt_url',
            receiptUrlTemplate: orderQrValue('{order_id}'),
            ...((cfg.receipt as Record<string, unknown> | undefined) ?? {}),
          },
        });
      } catch (err) {
        this.orders.log(
          o.order_id,
          null,
          'receipt_model_failed',
          JSON.stringify({ error: String(err) }, bigintToString),
        );
      }
    }
    const pricedJson = JSON.parse(o.priced) as Record<string, unknown>;
    const facts = { receipt_number: done.receiptNumber, o_id: o.o_id, completed_at: done.completedAt };
    return {
      document: { kind: 'hub_fallback', order: facts, basket: pricedJson },
      text: fallbackText(cfg, facts, pricedJson, done.tenders),
    };
  }
}

function fallbackText(
  cfg: StoreConfig,
  order: { receipt_number: string; o_id: number; completed_at: string },
  priced: Record<string, unknown>,
  tenders: ReceiptCompletion['tenders'],
): string {
  const lines = ((priced.lines ?? []) as { item_name: string; quantity: number; payable: string }[]).map(
    (l) =>
      `${l.item_name.slice(0, 26).padEnd(26)} ${String(l.quantity).padStart(3)} ${String(l.payable).padStart(10)}`,
  );
  const totals = (priced.totals ?? {}) as Record<string, string>;
  return [
    cfg.name,
    cfg.address,
    `Receipt ${order.receipt_number}   Order ${order.o_id}`,
    order.completed_at,
    '-'.repeat(41),
    ...lines,
    '-'.repeat(41),
    `TOTAL ${String(totals.total_after_tax ?? '').padStart(35)}`,
    `of which tax ${String(totals.total_tax ?? '').padStart(27)}`,
    ...tenders.map(
      (t) => `${t.cardBrand ?? t.method} ****${t.cardLast4 ?? ''} ${formatMoney(t.amount).padStart(20)}`,
    ),
  ].join('\n');
}
