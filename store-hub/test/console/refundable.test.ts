import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LineRefundState, PaidLine } from '../../src/modules/refunds/refundable';
import {
  holdsProcessing,
  NO_REFUNDS,
  nextRefundStatus,
  RefundAmountError,
  refundableLine,
  refundMode,
  refundValue,
} from '../../src/modules/refunds/refundable';

const line = (quantity: number, paid: bigint, tax = 0n): PaidLine => ({
  lineId: 'l1',
  name: 'Item',
  quantity,
  paid,
  tax,
  refundable: true,
});

/** Applies a sequence of refunds (some failing) and returns the amounts paid out. */
function run(
  l: PaidLine,
  steps: Array<{ q: number; fails: boolean }>,
): { paid: bigint[]; state: LineRefundState } {
  let state: LineRefundState = { ...NO_REFUNDS };
  const paid: bigint[] = [];
  for (const s of steps) {
    const left = refundableLine(l, state).refundableQuantity;
    if (left === 0) break;
    const q = Math.min(s.q, left);
    const v = refundValue(l, state, q);
    if (!s.fails) {
      state = {
        ...state,
        refundedQuantity: state.refundedQuantity + q,
        refundedAmount: state.refundedAmount + v,
      };
      paid.push(v);
    }
  }
  return { paid, state };
}

describe('refundable amounts (§2.6 R2/R3, §7.4)', () => {
  it('splits 10.00 over 3 units as 3.33, 3.34, 3.33 and the total reconciles', () => {
    const l = line(3, 1000n);
    const r = run(l, [
      { q: 1, fails: false },
      { q: 1, fails: false },
      { q: 1, fails: false },
    ]);
    expect(r.paid).toEqual([333n, 334n, 333n]);
    expect(refundableLine(l, r.state).refundableQuantity).toBe(0);
    expect(refundableLine(l, r.state).refundableAmount).toBe(0n);
  });

  it('shows paid, refunded, in progress and refundable per line', () => {
    const r = refundableLine(line(4, 1000n, 167n), {
      refundedQuantity: 1,
      processingQuantity: 1,
      refundedAmount: 250n,
      processingAmount: 250n,
    });
    expect(r).toMatchObject({ refundableQuantity: 2, refundableAmount: 500n, unitPaid: 250n, unitTax: 42n });
  });

  it('refuses more units than are left', () => {
    expect(() => refundValue(line(2, 500n), NO_REFUNDS, 3)).toThrow(RefundAmountError);
    expect(() => refundValue(line(2, 500n), { ...NO_REFUNDS, processingQuantity: 2 }, 1)).toThrow(
      /0 unit\(s\) left/,
    );
    expect(() => refundValue({ ...line(2, 500n), refundable: false }, NO_REFUNDS, 1)).toThrow();
  });

  it('never negative, never above paid, and a full sequence sums to exactly what was paid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.bigInt({ min: 0n, max: 5_000_000n }),
        fc.array(fc.record({ q: fc.integer({ min: 1, max: 50 }), fails: fc.boolean() }), { maxLength: 60 }),
        (qty, paid, steps) => {
          const l = line(qty, paid);
          const { paid: amounts, state } = run(l, [...steps, { q: qty, fails: false }]);
          let total = 0n;
          for (const a of amounts) {
            expect(a >= 0n).toBe(true);
            total += a;
            expect(total <= paid).toBe(true);
          }
          expect(state.refundedQuantity).toBe(qty);
          expect(total).toBe(paid);
        },
      ),
    );
  });

  it('refundable never exceeds what is left, whatever is in progress', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.nat({ max: 20 }),
        fc.nat({ max: 20 }),
        (qty, paid, a, b) => {
          const refunded = Math.min(a, qty);
          const processing = Math.min(b, qty - refunded);
          const l = line(qty, paid);
          const st = {
            refundedQuantity: refunded,
            processingQuantity: processing,
            refundedAmount: (paid * BigInt(refunded)) / BigInt(qty),
            processingAmount: (paid * BigInt(processing)) / BigInt(qty),
          };
          const r = refundableLine(l, st);
          expect(r.refundableQuantity).toBe(qty - refunded - processing);
          expect(r.refundableAmount >= 0n).toBe(true);
          expect(r.refundableAmount + st.refundedAmount + st.processingAmount <= paid).toBe(true);
        },
      ),
    );
  });

  it('mode F only when every refundable unit is taken', () => {
    const lines = [refundableLine(line(2, 200n)), refundableLine({ ...line(1, 100n), lineId: 'l2' })];
    expect(
      refundMode(
        lines,
        new Map([
          ['l1', 2],
          ['l2', 1],
        ]),
      ),
    ).toBe('F');
    expect(refundMode(lines, new Map([['l1', 1]]))).toBe('P');
  });

  it('refund status machine', () => {
    expect(nextRefundStatus('CREATED', 'submit')).toBe('PROCESSING');
    expect(nextRefundStatus('PROCESSING', 'approved')).toBe('REFUNDED');
    expect(nextRefundStatus('PROCESSING', 'declined')).toBe('PSP_FAILED');
    expect(nextRefundStatus('REFUNDED', 'declined')).toBeNull();
    expect(holdsProcessing('PROCESSING')).toBe(true);
    expect(holdsProcessing('PSP_FAILED')).toBe(false);
  });
});
