/**
 * checkSplit (staff's own split of a card refund), over the whole input space: any tenders with
 * any amounts already taken back, any requested parts (known, unknown and repeated tenders,
 * cash, zero and huge amounts), any refund amount, cash allowed or not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequestedPart, TenderCapacity } from '../src/modules/refunds/split';
import { checkSplit, splitRefund, tenderLeft } from '../src/modules/refunds/split';

const money = fc.oneof(fc.bigInt({ min: 0n, max: 2_000n }), fc.bigInt({ min: 0n, max: 10n ** 15n }));
const tendersArb = fc
  .array(fc.record({ paid: money, used: money }), { minLength: 0, maxLength: 4 })
  .map((ts) => ts.map((t, i): TenderCapacity => ({ tenderId: `t${i}`, paid: t.paid, used: t.used })));
const partArb = fc.record({
  tenderId: fc.oneof(fc.constantFrom('t0', 't1', 't2', 't3', 'stranger'), fc.constant(null)),
  amount: money,
});

describe('checkSplit', () => {
  it('accepts exactly the splits that fit, and then pays exactly them', () => {
    fc.assert(
      fc.property(
        tendersArb,
        fc.array(partArb, { maxLength: 6 }),
        money,
        fc.boolean(),
        (tenders, requested: RequestedPart[], amount, cashAllowed) => {
          const r = checkSplit(amount, requested, tenders, cashAllowed);
          const ids = requested.map((p) => p.tenderId);
          const fits =
            new Set(ids).size === ids.length &&
            requested.reduce((a, p) => a + p.amount, 0n) === amount &&
            requested.every((p) => {
              if (p.amount === 0n) return true;
              if (p.tenderId === null) return cashAllowed;
              const t = tenders.find((x) => x.tenderId === p.tenderId);
              return t !== undefined && p.amount <= tenderLeft(t);
            });
          expect(r.ok).toBe(fits);
          if (!r.ok) {
            expect(r.problems.length).toBeGreaterThan(0);
            return;
          }
          // Exactly the non-zero parts asked for, cards in the order given, cash last.
          const asked = requested.filter((p) => p.amount > 0n);
          const cards = asked.filter((p) => p.tenderId !== null);
          const cash = asked.filter((p) => p.tenderId === null);
          expect(r.parts.map((p) => [p.tenderId, p.amount])).toEqual(
            [...cards, ...cash].map((p) => [p.tenderId, p.amount]),
          );
          expect(r.parts.every((p) => (p.method === 'cash') === (p.tenderId === null))).toBe(true);
          expect(r.parts.reduce((a, p) => a + p.amount, 0n)).toBe(amount);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('names the sum problem with both figures whenever the parts do not add up', () => {
    fc.assert(
      fc.property(tendersArb, fc.array(partArb, { maxLength: 6 }), money, (tenders, requested, amount) => {
        const seen = new Set<string | null>();
        const sum = requested
          .filter((p) => !seen.has(p.tenderId) && seen.add(p.tenderId))
          .reduce((a, p) => a + p.amount, 0n);
        const r = checkSplit(amount, requested, tenders, true);
        const sumProblem = r.ok ? undefined : r.problems.find((p) => p.kind === 'sum');
        if (sum === amount) expect(sumProblem).toBeUndefined();
        else expect(sumProblem).toEqual({ kind: 'sum', sum, amount });
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts the default largest-first plan as a chosen split', () => {
    fc.assert(
      fc.property(tendersArb, money, fc.boolean(), (tenders, amount, cash) => {
        const plan = splitRefund(amount, 'card', tenders, cash);
        if (!plan.ok || plan.parts.length === 0) return;
        const back = checkSplit(
          amount,
          plan.parts.map((p) => ({ tenderId: p.tenderId, amount: p.amount })),
          tenders,
          cash,
        );
        expect(back).toEqual({ ok: true, parts: plan.parts });
      }),
      { numRuns: 2000 },
    );
  });
});
