/**
 * Orders for staff (spec/store.md §7.2): today in the store's time zone by default, filters
 * (amount range, status, device, number search back 90 days), detail with lines, promotions,
 * tax breakup, tenders, receipt preview, verification history and refunds, lookup by receipt QR,
 * and reprint marked COPY on a chosen lane printer.
 */
import { formatMoney, parseMoney } from '@kassa/promo-core';
import type { Db } from '../../platform/db/database';
import { decodeCursor, encodeCursor } from '../console/cursor';
import { HubError, notFound } from '../../platform/errors';
import type { ConsoleDeps } from '../console/deps';
import type { ConsoleUser } from '../console-auth/service';
import { dayStart } from '../assistance/service';

export const SEARCH_BACK_DAYS = 90;

export interface OrderSummary {
  order_id: string;
  o_id: number;
  receipt_number: string | null;
  order_status: string;
  retailer_device_id: string;
  total: string;
  created_at: string;
  completed_at: string | null;
}

interface Row {
  order_id: string;
  o_id: number;
  receipt_number: string | null;
  order_status: string;
  retailer_device_id: string;
  total: number;
  created_at: string;
  completed_at: string | null;
  device_id: string;
  basket_id: string;
  priced: string;
}

export interface OrderFilter {
  from?: string | undefined;
  to?: string | undefined;
  min?: string | undefined;
  max?: string | undefined;
  status?: string | undefined;
  device?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** Reads a receipt's QR value, an order id, a receipt number or an `o_id`. */
export function parseOrderRef(q: string): { kind: 'id'; id: string } | { kind: 'number'; value: string } {
  const v = q.trim();
  const m = /^kassa:order:(.+)$/.exec(v);
  if (m) return { kind: 'id', id: m[1]! };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v))
    return { kind: 'id', id: v.toLowerCase() };
  return { kind: 'number', value: v };
}

export class OrderReview {
  constructor(private readonly d: ConsoleDeps) {}

  private get db(): Db {
    return this.d.db;
  }

  private money(v: number | bigint): string {
    return formatMoney(BigInt(v), this.d.store.config().currency_exponent);
  }

  private summary(r: Row): OrderSummary {
    return {
      order_id: r.order_id,
      o_id: r.o_id,
      receipt_number: r.receipt_number,
      order_status: r.order_status,
      retailer_device_id: r.retailer_device_id,
      total: this.money(r.total),
      created_at: r.created_at,
      completed_at: r.completed_at,
    };
  }

  private readonly select = `SELECT o.order_id, o.o_id, o.receipt_number, o.order_status, d.retailer_device_id, o.total,
      o.created_at, o.completed_at, o.device_id, o.basket_id, o.priced FROM orders o JOIN devices d USING (device_id)`;

  list(f: OrderFilter, now = new Date()): { orders: OrderSummary[]; next_cursor: string | null } {
    const cfg = this.d.store.config();
    const tz = cfg.timezone;
    const where: string[] = [];
    const args: unknown[] = [];
    // Dates are store-local calendar days; compare instants against the days' UTC bounds.
    const start = f.from ? localDayStart(f.from, tz) : dayStart(now, tz);
    const end = f.to
      ? new Date(localDayStart(f.to, tz).getTime() + 86_400_000)
      : new Date(dayStart(now, tz).getTime() + 86_400_000);
    where.push('o.created_at >= ? AND o.created_at < ?');
    args.push(start.toISOString(), end.toISOString());
    const exp = cfg.currency_exponent;
    if (f.min) {
      where.push('o.total >= ?');
      args.push(Number(parseMoney(f.min, exp)));
    }
    if (f.max) {
      where.push('o.total <= ?');
      args.push(Number(parseMoney(f.max, exp)));
    }
    if (f.status) {
      where.push('o.order_status = ?');
      args.push(f.status);
    }
    if (f.device) {
      where.push('(d.retailer_device_id = ? OR d.device_id = ?)');
      args.push(f.device, f.device);
    }
    const after = decodeCursor(f.cursor, 2);
    if (after) {
      where.push('(o.created_at < ? OR (o.created_at = ? AND o.order_id < ?))');
      args.push(after[0], after[0], after[1]);
    }
    const limit = f.limit ?? 50;
    const rows = this.db
      .prepare(
        `${this.select} WHERE ${where.join(' AND ')} ORDER BY o.created_at DESC, o.order_id DESC LIMIT ?`,
      )
      .all(...args, limit + 1) as Row[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      orders: page.map((r) => this.summary(r)),
      next_cursor: rows.length > limit && last ? encodeCursor([last.created_at, last.order_id]) : null,
    };
  }

  /** An order by QR value, id, receipt number or order number (numbers reach back 90 days: o_id wraps). */
  lookup(q: string, now = new Date()): OrderSummary {
    const ref = parseOrderRef(q);
    let row: Row | undefined;
    if (ref.kind === 'id')
      row = this.db.prepare(`${this.select} WHERE o.order_id = ?`).get(ref.id) as Row | undefined;
    else {
      const since = new Date(now.getTime() - SEARCH_BACK_DAYS * 86_400_000).toISOString();
      row = this.db
        .prepare(
          `${this.select} WHERE (o.receipt_number = ? OR CAST(o.o_id AS TEXT) = ? OR o.transaction_id_poslog = ?) AND o.created_at >= ? ORDER BY o.created_at DESC LIMIT 1`,
        )
        .get(ref.value, ref.value, ref.value, since) as Row | undefined;
    }
    if (!row) throw notFound('order', q);
    return this.summary(row);
  }

  row(orderId: string): Row {
    const row = this.db.prepare(`${this.select} WHERE o.order_id = ?`).get(orderId) as Row | undefined;
    if (!row) throw notFound('order', orderId);
    return row;
  }

  detail(orderId: string) {
    const r = this.row(orderId);
    const priced = JSON.parse(r.priced) as {
      lines?: {
        line_id: string;
        item_name: string;
        quantity: number;
        unit_price: string;
        payable: string;
        tax: { tax: string };
        promotions: { title: string; discount: string }[];
        basket_discounts: { label: string; amount: string }[];
      }[];
      promotions?: { title: string; discount: string }[];
      tax_breakup?: { tax_level: string; tax_percent: string; taxable_amount: string; tax_amount: string }[];
    };
    const tenders = this.db
      .prepare<
        [string],
        {
          method: string;
          amount: number;
          status: string;
          card_brand: string | null;
          card_last4: string | null;
        }
      >(
        `SELECT method, amount, status, card_brand, card_last4 FROM tenders WHERE order_id = ? ORDER BY created_at`,
      )
      .all(orderId);
    const receipt = this.db
      .prepare<[string], { text: string }>(`SELECT text FROM receipts WHERE order_id = ?`)
      .get(orderId);
    return {
      ...this.summary(r),
      lines: (priced.lines ?? []).map((l) => ({
        line_id: l.line_id,
        item_name: l.item_name,
        quantity: l.quantity,
        unit_price: l.unit_price,
        payable: l.payable,
        tax: l.tax.tax,
        promotions: [
          ...l.promotions.map((p) => ({ title: p.title, discount: p.discount })),
          ...(l.basket_discounts ?? []).map((b) => ({ title: b.label, discount: b.amount })),
        ],
      })),
      promotions: (priced.promotions ?? []).map((p) => ({ title: p.title, discount: p.discount })),
      tax_breakup: (priced.tax_breakup ?? []).map((t) => ({
        tax_level: t.tax_level,
        tax_percent: t.tax_percent,
        taxable_amount: t.taxable_amount,
        tax_amount: t.tax_amount,
      })),
      tenders: tenders.map((t) => ({ ...t, amount: this.money(t.amount) })),
      receipt_text: receipt?.text ?? null,
      verifications: this.verifications(orderId),
      printers: this.printers(),
    };
  }

  verifications(orderId: string): { outcome: string; reason: string | null; staff: string; at: string }[] {
    return this.db
      .prepare<[string], { outcome: string; reason: string | null; staff: string | null; at: string }>(
        `SELECT v.outcome, v.reason, u.username AS staff, v.at FROM order_verifications v LEFT JOIN staff_users u ON u.user_id = v.staff_user_id
         WHERE v.order_id = ? ORDER BY v.at`,
      )
      .all(orderId)
      .map((v) => ({ ...v, staff: v.staff ?? 'auto' }));
  }

  /** Lanes whose printer can take a reprint. */
  printers(): { device_id: string; name: string }[] {
    return (
      this.db
        .prepare(
          `SELECT device_id, retailer_device_id, name FROM devices WHERE revoked_at IS NULL ORDER BY retailer_device_id`,
        )
        .all() as {
        device_id: string;
        retailer_device_id: string;
        name: string;
      }[]
    )
      .filter((d) => this.d.printerFor(d.device_id) !== null)
      .map((d) => ({ device_id: d.device_id, name: `${d.retailer_device_id} ${d.name}` }));
  }

  reprint(
    staff: ConsoleUser,
    orderId: string,
    printerDeviceId: string,
  ): { printed: boolean; printer: string } {
    this.row(orderId);
    const printer = this.printers().find((p) => p.device_id === printerDeviceId);
    if (!printer) throw new HubError('NO_PRINTER', 'that device has no receipt printer attached');
    return this.d.tx.run(() => {
      const r = this.d.receipts.deliver(printerDeviceId, orderId);
      this.d.audit.write({
        staff,
        device: { device_id: printerDeviceId, label: printer.name },
        action: 'receipt.reprint',
        subject: orderId,
        what: 'reprinted the receipt as COPY',
      });
      return { printed: r.channel === 'print', printer: printer.name };
    });
  }
}

/** The UTC instant where a store-local calendar date (YYYY-MM-DD) begins. */
export function localDayStart(date: string, timeZone: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new HubError('VALIDATION_FAILED', 'dates are YYYY-MM-DD', { date });
  // Noon UTC of that date is inside the local day for every real offset (±14 h); step back to its start.
  return dayStart(new Date(`${date}T12:00:00Z`), timeZone);
}
