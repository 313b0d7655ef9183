import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  balances,
  cashUp,
  expectedInDrawer,
  nextShiftStatus,
  sumDenominations,
  TillError,
} from '../../src/modules/shifts/till';

const GBP = [
  '50.00',
  '20.00',
  '10.00',
  '5.00',
  '2.00',
  '1.00',
  '0.50',
  '0.20',
  '0.10',
  '0.05',
  '0.02',
  '0.01',
];
const money = fc.bigInt({ min: 0n, max: 10_000_000n });

describe('till equation (§2.8)', () => {
  it('reproduces the spec worked example: expected 145.30, counted 144.80 → −0.50', () => {
    const m = {
      start: 10000n,
      cashSales: 5730n,
      cashReturns: 1200n,
      paidIn: 0n,
      paidOut: 0n,
      midShiftDrops: 0n,
    };
    expect(expectedInDrawer(m)).toBe(14530n);
    const c = cashUp(m, 4480n, 10000n);
    expect(c.counted).toBe(14480n);
    expect(c.mismatch).toBe(-50n);
    expect(c.hasMismatch).toBe(true);
    expect(balances(m, c, 4480n)).toBe(true);
  });

  it('E1–E3 hold for any movements and any count', () => {
    fc.assert(
      fc.property(
        money,
        money,
        money,
        money,
        money,
        money,
        money,
        money,
        (start, sales, ret, pin, pout, drops, end, removed) => {
          const m = {
            start,
            cashSales: sales,
            cashReturns: ret,
            paidIn: pin,
            paidOut: pout,
            midShiftDrops: drops,
          };
          const c = cashUp(m, end, removed);
          expect(balances(m, c, end)).toBe(true);
          expect(c.counted - c.mismatch).toBe(expectedInDrawer(m));
          expect(c.hasMismatch).toBe(c.counted !== expectedInDrawer(m));
        },
      ),
    );
  });

  it('sums denominations exactly in minor units and refuses unknown ones', () => {
    expect(sumDenominations({ '20.00': 2, '0.10': 3, '0.01': 7 }, GBP)).toBe(4037n);
    expect(sumDenominations({ '20': 1, '0.1': 1 }, GBP)).toBe(2010n);
    expect(() => sumDenominations({ '3.00': 1 }, GBP)).toThrow(TillError);
    expect(() => sumDenominations({ '1.00': 1.5 }, GBP)).toThrow(/whole number/);
    expect(() => sumDenominations({ '1.00': -1 }, GBP)).toThrow(TillError);
  });

  it('denomination sums are additive over any counts', () => {
    const counts = fc.dictionary(fc.constantFrom(...GBP), fc.nat({ max: 10_000 }));
    fc.assert(
      fc.property(counts, counts, (a, b) => {
        const merged: Record<string, number> = { ...a };
        for (const [k, v] of Object.entries(b)) merged[k] = (merged[k] ?? 0) + v;
        expect(sumDenominations(merged, GBP)).toBe(sumDenominations(a, GBP) + sumDenominations(b, GBP));
      }),
    );
  });

  it('a closed shift takes no more events', () => {
    expect(nextShiftStatus('open', 'paid_in')).toBe('open');
    expect(nextShiftStatus('open', 'close')).toBe('closed');
    for (const e of ['paid_in', 'paid_out', 'bank_drop', 'sale', 'refund', 'close'] as const)
      expect(nextShiftStatus('closed', e)).toBeNull();
  });
});
