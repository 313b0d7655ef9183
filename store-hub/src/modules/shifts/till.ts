/**
 * The till equation of spec/store.md §2.8 as pure functions over bigint minor units.
 *
 * Kassa's drawer also sees paid in / paid out and mid-shift bank drops (§7.5 lists bank drops
 * on the cash report); they extend E1 the obvious way: everything that went into the drawer
 * minus everything that left it is what should be there at close.
 *
 *   expected = start + cash_sales + paid_in − cash_returns − paid_out − mid_shift_drops
 *   (E1) counted = expected + mismatch
 *   (E2) counted = end_shift_amount + removed_shift_amount (the closing bank drop)
 *   (E3) Σ end_denominations = end_shift_amount
 *
 * At close staff count every denomination twice over: what stays in the drawer and what goes to
 * the bank. Counted is the sum of both, so E2 and E3 hold by construction and the mismatch is
 * the one free figure.
 */
import { parseMoney } from '@kassa/promo-core';

export interface DrawerMovements {
  start: bigint;
  cashSales: bigint;
  cashReturns: bigint;
  paidIn: bigint;
  paidOut: bigint;
  /** Bank drops taken during the shift (before the close). */
  midShiftDrops: bigint;
}

export const expectedInDrawer = (m: DrawerMovements): bigint =>
  m.start + m.cashSales + m.paidIn - m.cashReturns - m.paidOut - m.midShiftDrops;

/** Denomination value (decimal string, e.g. "0.50") → count of notes or coins. */
export type DenominationCounts = Record<string, number>;

export class TillError extends Error {
  constructor(
    readonly code: 'DENOMINATION_UNKNOWN' | 'DENOMINATION_COUNT_INVALID' | 'DENOMINATION_MISMATCH',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Σ count × value, refusing denominations the store does not have and non-integer counts. */
export function sumDenominations(
  counts: DenominationCounts,
  storeDenominations: readonly string[],
  exponent = 2,
): bigint {
  const known = new Map(storeDenominations.map((d) => [normaliseDenomination(d, exponent), d]));
  let total = 0n;
  for (const [denomination, count] of Object.entries(counts)) {
    const key = normaliseDenomination(denomination, exponent);
    if (key === null || !known.has(key)) {
      throw new TillError('DENOMINATION_UNKNOWN', `${denomination} is not one of the store's denominations`, {
        denomination,
      });
    }
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new TillError(
        'DENOMINATION_COUNT_INVALID',
        `the count of ${denomination} must be a whole number`,
        {
          denomination,
          count,
        },
      );
    }
    total += BigInt(count) * BigInt(key);
  }
  return total;
}

function normaliseDenomination(d: string, exponent: number): string | null {
  try {
    const v = parseMoney(d, exponent);
    return v > 0n ? v.toString() : null;
  } catch {
    return null;
  }
}

export interface CashUp {
  expected: bigint;
  counted: bigint;
  endShiftAmount: bigint;
  removedShiftAmount: bigint;
  /** counted − expected: negative = short, positive = over. */
  mismatch: bigint;
  hasMismatch: boolean;
}

/** The close of a shift from what is left in the drawer and what goes to the bank. */
export function cashUp(m: DrawerMovements, endShiftAmount: bigint, removedShiftAmount: bigint): CashUp {
  const expected = expectedInDrawer(m);
  const counted = endShiftAmount + removedShiftAmount;
  const mismatch = counted - expected;
  return { expected, counted, endShiftAmount, removedShiftAmount, mismatch, hasMismatch: mismatch !== 0n };
}

/** The spec's three equations, as a check over a recorded close (used by tests and on read). */
export function balances(m: DrawerMovements, c: CashUp, endDenominationsSum: bigint): boolean {
  const e1 = c.counted === expectedInDrawer(m) + c.mismatch;
  const e2 = c.counted === c.endShiftAmount + c.removedShiftAmount;
  const e3 = endDenominationsSum === c.endShiftAmount;
  return e1 && e2 && e3;
}

/** Shift states (§2.8): one open shift per device; a closed shift never reopens. */
export type ShiftStatus = 'open' | 'closed';
export type ShiftEvent = 'paid_in' | 'paid_out' | 'bank_drop' | 'sale' | 'refund' | 'close';

export function nextShiftStatus(status: ShiftStatus, event: ShiftEvent): ShiftStatus | null {
  if (status === 'closed') return null;
  return event === 'close' ? 'closed' : 'open';
}
