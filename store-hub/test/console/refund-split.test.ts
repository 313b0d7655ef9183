import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TenderCapacity } from '../../src/modules/refunds/split';
import { splitRefund, tenderLeft } from '../../src/modules/refunds/split';

const tenders = fc.array(fc.bigInt({ min: 1n, max: 100_000n }), { minLength: 1, maxLength: 4 });
/** A refund step: an amount, whether its parts fail at the terminal (and are released), cash allowed. */
const steps = fc.array(
  fc.record({ amount: fc.bigInt({ min: 0n, max: 150_000n }), fails: fc.boolean(), cash: fc.boolean() }),
  { minLength: 1, maxLength: 12 },
);

describe('refund split across card tenders (largest first, then cash)', () => {
  it('never takes more back from a tender than it paid, and pays exactly the amount or refuses', () => {
    fc.assert(
      fc.property(tenders, steps, (paid, seq) => {
        const ts: TenderCapacity[] = paid.map((p, i) => ({ tenderId: `t${i}`, paid: p, used: 0n }));
        for (const s of seq) {
          const capacity = ts.reduce((a, t) => a + tenderLeft(t), 0n);
          const r = splitRefund(s.amount, 'card', ts, s.cash);
          if (!r.ok) {
            // Refused only when the cards cannot take it and cash is not allowed.
            expect(s.cash).toBe(false);
            expect(r.cardsCanTake).toBe(capacity);
            expect(capacity < s.amount).toBe(true);
            continue;
          }
          const cards = r.parts.filter((p) => p.method === 'card');
          const cash = r.parts.filter((p) => p.method === 'cash');
          expect(r.parts.reduce((a, p) => a + p.amount, 0n)).toBe(s.amount);
          expect(r.parts.every((p) => p.amount > 0n)).toBe(true);
          expect(cash.length).toBeLessThanOrEqual(1);
          // Cash only for what the cards could not take.
          expect(cash[0]?.amount ?? 0n).toBe(s.amount > capacity ? s.amount - capacity : 0n);
          // Each tender at most once; largest remaining first; every part but the last empties its tender.
          expect(new Set(cards.map((p) => p.tenderId)).size).toBe(cards.length);
          const lefts = cards.map((p) => tenderLeft(ts.find((t) => t.tenderId === p.tenderId)!));
          for (let i = 1; i < lefts.length; i++) expect(lefts[i - 1]! >= lefts[i]!).toBe(true);
          if (cards.length > 0) {
            const untouched = ts.filter((t) => !cards.some((p) => p.tenderId === t.tenderId));
            expect(untouched.every((t) => tenderLeft(t) <= lefts[0]!)).toBe(true);
          }
          cards.slice(0, -1).forEach((p, i) => expect(p.amount).toBe(lefts[i]));
          for (const p of cards) {
            const t = ts.find((x) => x.tenderId === p.tenderId)!;
            expect(p.amount <= tenderLeft(t)).toBe(true);
            // A failed refund releases what it held (R5); a completed one keeps it.
            if (!s.fails) t.used += p.amount;
          }
          for (const t of ts) {
            expect(t.used <= t.paid).toBe(true);
            expect(t.used >= 0n).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('ties go to the tender paid first; cash refunds use no card', () => {
    const ts = [
      { tenderId: 'a', paid: 500n, used: 0n },
      { tenderId: 'b', paid: 500n, used: 0n },
    ];
    expect(splitRefund(700n, 'card', ts, false)).toEqual({
      ok: true,
      parts: [
        { method: 'card', tenderId: 'a', amount: 500n },
        { method: 'card', tenderId: 'b', amount: 200n },
      ],
    });
    expect(splitRefund(700n, 'cash', ts, true)).toEqual({
      ok: true,
      parts: [{ method: 'cash', tenderId: null, amount: 700n }],
    });
    expect(splitRefund(1200n, 'card', ts, false)).toEqual({ ok: false, cardsCanTake: 1000n });
  });
});
