/**
 * Shifts and cash (spec/store.md §2.8, §7.5): open with a counted float, paid in / paid out,
 * bank drops, close with counted denominations (what stays in the drawer and what goes to the
 * bank), expected vs counted by the till equation (./till.ts), variance recorded, the cash
 * report per register and business date, the drawer opened on cash events, and
 * shift.started / shift.ended in the outbox in the same transaction as the change.
 */
import { formatMoney, parseDecimal, parseMoney, roundDiv } from '@kassa/promo-core';
import { decodeCursor, encodeCursor } from '../console/cursor';
import { HubError, notFound } from '../../platform/errors';
import { newId, nowIso } from '../../platform/ids';
import { enqueueOutbox } from '../../outbox';
import { businessDate } from '../catalog/store-config';
import type { ConsoleDeps } from '../console/deps';
import type { ConsoleSettings } from '../console/settings';
import type { ConsoleUser } from '../console-auth/service';
import type { DeviceAdmin } from '../device-admin/service';
import type { DenominationCounts, DrawerMovements } from './till';
import { cashUp, expectedInDrawer, sumDenominations, TillError } from './till';

interface ShiftRow {
  shift_id: string;
  store_shift_id: number;
  device_id: string;
  retailer_device_id: string;
  staff_user_id: string;
  worker_id: string;
  status: 'open' | 'closed';
  business_date: string;
  start_time: string;
  end_time: string | null;
  start_amount: number;
  cash_sales: number;
  cash_tax: number;
  cash_returns: number;
  cash_activity_count: number;
  transaction_count: number;
  paid_in: number;
  paid_out: number;
  bank_drops: number;
  counted: number | null;
  mismatch: number | null;
  removed_amount: number | null;
  end_amount: number | null;
}

export interface ShiftView {
  shift_id: string;
  store_shift_id: number;
  device_id: string;
  retailer_device_id: string;
  status: 'open' | 'closed';
  start_time: string;
  end_time: string | null;
  start_amount: string;
  cash_sales: string;
  cash_returns: string;
  paid_in: string;
  paid_out: string;
  bank_drops: string;
  expected: string;
  counted: string | null;
  mismatch: string | null;
  movements: { kind: string; amount: string; reason: string; at: string }[];
}

export class Shifts {
  constructor(
    private readonly d: ConsoleDeps,
    private readonly settings: ConsoleSettings,
    private readonly devices: DeviceAdmin,
  ) {}

  private get cfg() {
    return this.d.store.config();
  }
  private money(v: number | bigint): string {
    return formatMoney(BigInt(v), this.cfg.currency_exponent);
  }

  private row(shiftId: string): ShiftRow {
    const r = this.d.db
      .prepare<[string], ShiftRow>(
        `SELECT s.*, d.retailer_device_id FROM shifts s JOIN devices d USING (device_id) WHERE s.shift_id = ?`,
      )
      .get(shiftId);
    if (!r) throw notFound('shift', shiftId);
    return r;
  }

  registers(): { device_id: string; retailer_device_id: string; name: string }[] {
    return this.d.db
      .prepare(
        `SELECT device_id, retailer_device_id, name FROM devices WHERE revoked_at IS NULL AND kind IN ('self_checkout', 'cashier', 'mpos') ORDER BY retailer_device_id`,
      )
      .all() as { device_id: string; retailer_device_id: string; name: string }[];
  }

  current(deviceId: string): ShiftView | null {
    const r = this.d.db
      .prepare<[string], { shift_id: string }>(
        `SELECT shift_id FROM shifts WHERE device_id = ? AND status = 'open'`,
      )
      .get(deviceId);
    return r ? this.view(r.shift_id) : null;
  }

  /** The open shift that pays out a cash refund: the given register's, or the only open one. */
  openShiftFor(deviceId: string | undefined): { shift_id: string } {
    const rows = this.d.db
      .prepare<[], { shift_id: string; device_id: string }>(
        `SELECT shift_id, device_id FROM shifts WHERE status = 'open'`,
      )
      .all()
      .filter((r) => deviceId === undefined || r.device_id === deviceId);
    if (rows.length !== 1)
      throw new HubError(
        'NO_ACTIVE_SHIFT',
        deviceId
          ? 'that register has no open shift'
          : 'open a shift on the register paying out the cash (or name the register)',
      );
    return rows[0]!;
  }

  registerOf(shiftId: string): string | null {
    return (
      this.d.db
        .prepare<[string], { device_id: string }>(`SELECT device_id FROM shifts WHERE shift_id = ?`)
        .get(shiftId)?.device_id ?? null
    );
  }

  private movements(r: ShiftRow): DrawerMovements {
    const sales = this.cashSales(r);
    return {
      start: BigInt(r.start_amount),
      cashSales: sales.amount,
      cashReturns: BigInt(r.cash_returns),
      paidIn: BigInt(r.paid_in),
      paidOut: BigInt(r.paid_out),
      midShiftDrops: BigInt(r.bank_drops),
    };
  }

  /** Cash tenders of orders completed on the register during the shift, and their share of tax (§2.8). */
  private cashSales(r: ShiftRow): { amount: bigint; tax: bigint; count: number; orders: number } {
    const rows = this.d.db
      .prepare<[string, string, string], { cash: number; total: number; priced: string }>(
        `SELECT SUM(t.amount) AS cash, o.total, o.priced FROM orders o JOIN tenders t ON t.order_id = o.order_id
         WHERE o.device_id = ? AND o.completed_at >= ? AND o.completed_at <= ? AND t.status = 'captured' AND t.method = 'cash'
         GROUP BY o.order_id`,
      )
      .all(r.device_id, r.start_time, r.end_time ?? '9999');
    const orders = this.d.db
      .prepare<[string, string, string], { n: number }>(
        `SELECT COUNT(*) AS n FROM orders WHERE device_id = ? AND completed_at >= ? AND completed_at <= ?`,
      )
      .get(r.device_id, r.start_time, r.end_time ?? '9999')!.n;
    let amount = 0n;
    let tax = 0n;
    for (const x of rows) {
      const cash = BigInt(x.cash);
      amount += cash;
      const totalTax = parseDecimal(
        (JSON.parse(x.priced) as { totals?: { total_tax?: string } }).totals?.total_tax ?? '0',
        this.cfg.currency_exponent,
      );
      if (x.total > 0) tax += roundDiv(totalTax * cash, BigInt(x.total));
    }
    return { amount, tax, count: rows.length, orders };
  }

  view(shiftId: string): ShiftView {
    const r = this.row(shiftId);
    const m = this.movements(r);
    const moves = this.d.db
      .prepare<[string], { kind: string; amount: number; reason: string; at: string }>(
        `SELECT kind, amount, reason, at FROM shift_movements WHERE shift_id = ? ORDER BY at`,
      )
      .all(shiftId);
    return {
      shift_id: r.shift_id,
      store_shift_id: r.store_shift_id,
      device_id: r.device_id,
      retailer_device_id: r.retailer_device_id,
      status: r.status,
      start_time: r.start_time,
      end_time: r.end_time,
      start_amount: this.money(r.start_amount),
      cash_sales: this.money(m.cashSales),
      cash_returns: this.money(r.cash_returns),
      paid_in: this.money(r.paid_in),
      paid_out: this.money(r.paid_out),
      bank_drops: this.money(r.bank_drops),
      expected: this.money(expectedInDrawer(m)),
      counted: r.counted === null ? null : this.money(r.counted),
      mismatch: r.mismatch === null ? null : this.money(r.mismatch),
      movements: moves.map((x) => ({ ...x, amount: this.money(x.amount) })),
    };
  }

  private sum(counts: DenominationCounts): bigint {
    try {
      return sumDenominations(counts, this.settings.denominations(), this.cfg.currency_exponent);
    } catch (err) {
      if (err instanceof TillError) throw new HubError('DENOMINATION_MISMATCH', err.message, err.details);
      throw err;
    }
  }

  open(staff: ConsoleUser, deviceId: string, float: DenominationCounts): ShiftView {
    const worker = staff.retailer_staff_id?.trim();
    if (!worker)
      throw new HubError(
        'WORKER_ID_REQUIRED',
        'a shift needs the staff member’s worker id (retailer_staff_id)',
      );
    const cfg = this.cfg;
    const start = this.sum(float);
    const id = this.d.tx.run(() => {
      const dev = this.registers().find((r) => r.device_id === deviceId);
      if (!dev) throw notFound('register', deviceId);
      if (this.d.db.prepare(`SELECT 1 FROM shifts WHERE device_id = ? AND status = 'open'`).get(deviceId))
        throw new HubError(
          'SHIFT_ALREADY_OPEN',
          `register ${dev.retailer_device_id} already has an open shift`,
        );
      const n =
        (this.d.db
          .prepare<[string], { n: number | null }>(
            `SELECT MAX(store_shift_id) AS n FROM shifts WHERE device_id = ?`,
          )
          .get(deviceId)!.n ?? 0) + 1;
      const shift_id = newId();
      const now = new Date();
      this.d.db
        .prepare(
          `INSERT INTO shifts(shift_id, store_shift_id, device_id, staff_user_id, worker_id, status, business_date, start_time, start_amount, start_denominations)
           VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`,
        )
        .run(
          shift_id,
          n,
          deviceId,
          staff.user_id,
          worker,
          businessDate(now, cfg),
          now.toISOString(),
          Number(start),
          JSON.stringify(float),
        );
      this.d.audit.write({
        staff,
        device: { device_id: deviceId, label: dev.retailer_device_id },
        action: 'shift.open',
        subject: shift_id,
        what: `opened shift ${n} on ${dev.retailer_device_id} with ${this.money(start)}`,
      });
      enqueueOutbox(this.d.db, cfg, {
        type: 'shift.started',
        key: shift_id,
        device_id: deviceId,
        data: this.eventData(shift_id),
      });
      this.d.tx.afterCommit(() => void this.devices.kickDrawer(deviceId).catch(() => undefined));
      return shift_id;
    });
    return this.view(id);
  }

  movement(
    staff: ConsoleUser,
    shiftId: string,
    kind: 'paid_in' | 'paid_out' | 'bank_drop',
    amountText: string,
    reason: string,
  ): ShiftView {
    const amount = parseMoney(amountText, this.cfg.currency_exponent);
    if (amount <= 0n)
      throw new HubError('VALIDATION_FAILED', 'an amount above zero is needed', { field: 'amount' });
    this.d.tx.run(() => {
      const r = this.row(shiftId);
      if (r.status !== 'open') throw new HubError('SHIFT_CLOSED', 'this shift is closed');
      if (kind !== 'paid_in' && amount > expectedInDrawer(this.movements(r)))
        throw new HubError('CASH_UP_UNBALANCED', 'there is not that much cash in the drawer', {
          expected: this.money(expectedInDrawer(this.movements(r))),
        });
      const col = kind === 'paid_in' ? 'paid_in' : kind === 'paid_out' ? 'paid_out' : 'bank_drops';
      // Atomic increments (§2.8: the original's read-modify-write lost updates).
      this.d.db
        .prepare(`UPDATE shifts SET ${col} = ${col} + ? WHERE shift_id = ?`)
        .run(Number(amount), shiftId);
      this.d.db
        .prepare(
          `INSERT INTO shift_movements(movement_id, shift_id, kind, amount, reason, staff_user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(newId(), shiftId, kind, Number(amount), reason, staff.user_id, nowIso());
      this.d.audit.write({
        staff,
        device: { device_id: r.device_id, label: r.retailer_device_id },
        action: `cash.${kind}`,
        subject: shiftId,
        what: `${kind.replace('_', ' ')} ${this.money(amount)} on ${r.retailer_device_id}`,
        why: reason,
      });
      this.d.tx.afterCommit(() => void this.devices.kickDrawer(r.device_id).catch(() => undefined));
    });
    return this.view(shiftId);
  }

  /** Inside a refund's completing transaction: a cash refund paid out of this shift's drawer. */
  cashRefundTx(shiftId: string, amount: bigint, refundId: string, staff: ConsoleUser): void {
    this.d.db
      .prepare(
        `UPDATE shifts SET cash_returns = cash_returns + ?, cash_activity_count = cash_activity_count + 1, transaction_count = transaction_count + 1 WHERE shift_id = ? AND status = 'open'`,
      )
      .run(Number(amount), shiftId);
    this.d.db
      .prepare(
        `INSERT INTO shift_movements(movement_id, shift_id, kind, amount, reason, staff_user_id, at) VALUES (?, ?, 'cash_refund', ?, ?, ?, ?)`,
      )
      .run(newId(), shiftId, Number(amount), `refund ${refundId}`, staff.user_id, nowIso());
  }

  close(
    staff: ConsoleUser,
    shiftId: string,
    endDenoms: DenominationCounts,
    removedDenoms: DenominationCounts,
  ): ShiftView {
    const end = this.sum(endDenoms);
    const removed = this.sum(removedDenoms);
    const cfg = this.cfg;
    this.d.tx.run(() => {
      const r = this.row(shiftId);
      if (r.status !== 'open') throw new HubError('SHIFT_CLOSED', 'this shift is already closed');
      const endTime = nowIso();
      // Recount from the shift's own links at close (guards against missed increments).
      const sales = this.cashSales({ ...r, end_time: endTime });
      const refunds = this.d.db
        .prepare<[string], { n: number; cash: number | null }>(
          `SELECT COUNT(*) AS n, SUM(CASE WHEN method = 'cash' THEN amount END) AS cash FROM refunds WHERE shift_id = ? AND status = 'REFUNDED'`,
        )
        .get(shiftId)!;
      const m: DrawerMovements = {
        ...this.movements(r),
        cashSales: sales.amount,
        cashReturns: BigInt(refunds.cash ?? 0),
      };
      const c = cashUp(m, end, removed);
      this.d.db
        .prepare(
          `UPDATE shifts SET status = 'closed', end_time = ?, cash_sales = ?, cash_tax = ?, cash_returns = ?, cash_activity_count = ?, transaction_count = ?,
             expected = ?, end_amount = ?, end_denominations = ?, removed_amount = ?, removed_denominations = ?, counted = ?, mismatch = ?, has_mismatch = ?
           WHERE shift_id = ? AND status = 'open'`,
        )
        .run(
          endTime,
          Number(sales.amount),
          Number(sales.tax),
          Number(m.cashReturns),
          sales.count + refunds.n,
          sales.orders + refunds.n,
          Number(c.expected),
          Number(c.endShiftAmount),
          JSON.stringify(endDenoms),
          Number(c.removedShiftAmount),
          JSON.stringify(removedDenoms),
          Number(c.counted),
          Number(c.mismatch),
          c.hasMismatch ? 1 : 0,
          shiftId,
        );
      this.d.audit.write({
        staff,
        device: { device_id: r.device_id, label: r.retailer_device_id },
        action: 'shift.close',
        subject: shiftId,
        what: `closed shift ${r.store_shift_id} on ${r.retailer_device_id}: expected ${this.money(c.expected)}, counted ${this.money(c.counted)}, variance ${this.money(c.mismatch)}`,
      });
      enqueueOutbox(this.d.db, cfg, {
        type: 'shift.ended',
        key: shiftId,
        device_id: r.device_id,
        data: this.eventData(shiftId),
      });
      this.d.tx.afterCommit(() => void this.devices.kickDrawer(r.device_id).catch(() => undefined));
    });
    return this.view(shiftId);
  }

  /** Shift record plus the first consumer's legacy payload (§2.8, amounts as decimal strings). */
  private eventData(shiftId: string): unknown {
    const r = this.row(shiftId);
    const cfg = this.cfg;
    return {
      shift: this.view(shiftId),
      legacy: {
        shiftId: r.store_shift_id,
        register: r.retailer_device_id,
        storeId: cfg.retailer_store_id,
        workerId: r.worker_id,
        currency: cfg.currency,
        transactionCount: r.transaction_count,
        startTimestamp: r.start_time,
        closeTimestamp: r.end_time,
        startingAmount: this.money(r.start_amount),
        bankDrop: this.money(BigInt(r.bank_drops) + BigInt(r.removed_amount ?? 0)),
        tenderDeclarationAmount: r.counted === null ? null : this.money(r.counted),
      },
    };
  }

  /** §7.5: per register and business date. */
  /** Closed shifts summed per register and business date, in (date, register) order, one page at a time. */
  cashReport(q: {
    date: string;
    to?: string | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
  }) {
    const cfg = this.cfg;
    const limit = q.limit ?? 50;
    const after = decodeCursor(q.cursor, 3);
    const all = this.d.db
      .prepare<
        unknown[],
        {
          device_id: string;
          retailer_device_id: string;
          business_date: string;
          shift_count: number;
          cash_activity_count: number;
          transaction_count: number;
          cash_sales: number;
          cash_tax: number;
          cash_returns: number;
          mismatch: number;
          bank_drops: number;
        }
      >(
        `SELECT s.device_id, d.retailer_device_id, s.business_date, COUNT(*) AS shift_count, SUM(s.cash_activity_count) AS cash_activity_count,
                SUM(s.transaction_count) AS transaction_count, SUM(s.cash_sales) AS cash_sales, SUM(s.cash_tax) AS cash_tax,
                SUM(s.cash_returns) AS cash_returns, SUM(COALESCE(s.mismatch, 0)) AS mismatch,
                SUM(s.bank_drops + COALESCE(s.removed_amount, 0)) AS bank_drops
         FROM shifts s JOIN devices d USING (device_id) WHERE s.business_date BETWEEN ? AND ? AND s.status = 'closed'
         GROUP BY s.business_date, s.device_id
         ${after ? 'HAVING (s.business_date, d.retailer_device_id, s.device_id) > (?, ?, ?)' : ''}
         ORDER BY s.business_date, d.retailer_device_id, s.device_id LIMIT ?`,
      )
      .all(q.date, q.to ?? q.date, ...(after ?? []), limit + 1);
    const rows = all.slice(0, limit);
    const last = rows.at(-1);
    const next_cursor =
      all.length > limit && last
        ? encodeCursor([last.business_date, last.retailer_device_id, last.device_id])
        : null;
    return {
      next_cursor,
      rows: rows.map((r) => ({
        register: `${cfg.retailer_store_id}-${r.retailer_device_id}`,
        business_date: r.business_date,
        shift_count: r.shift_count,
        cash_activity_count: r.cash_activity_count,
        transaction_count: r.transaction_count,
        cash_sales: this.money(r.cash_sales),
        cash_tax: this.money(r.cash_tax),
        cash_returns: this.money(r.cash_returns),
        mismatch: this.money(r.mismatch),
        bank_drops: this.money(r.bank_drops),
      })),
    };
  }
}
