import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeTax,
  reverseTax,
  type TaxInput,
  type TaxLevel,
  type TaxRounding,
  type RefundByQuantity,
} from '../src/index';

const sumOf = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

/** A table of 1–4 codes with 1–3 levels each; rates are whole basis points from 0 to 30 %. */
const tableArb = fc
  .array(
    fc.array(
      fc.integer({ min: 0, max: 3000 }).map((bp) => BigInt(bp) * 100n),
      { minLength: 1, maxLength: 3 },
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((codes) =>
    codes.flatMap((rates, c) =>
      rates.map((ratePpm, l): TaxLevel => ({
        taxCode: `C${c}`,
        taxLevel: `L${l}`,
        // Levels shared across codes (like STATE/CITY) so rows merge across codes.
        retailerTaxLevelId: `L${l}`,
        ratePpm,
      })),
    ),
  );

const roundingArb: fc.Arbitrary<TaxRounding> = fc.record({
  mode: fc.constantFrom('half_up' as const, 'half_even' as const, 'down' as const),
  unit: fc.constantFrom('breakup_row' as const, 'line' as const, 'basket' as const),
});

/** Amounts mostly in whole minor units (as prices are), sometimes 4-dp allocations; some returns. */
const amountArb = fc.oneof(
  fc.integer({ min: -50_000, max: 500_000 }).map((cents) => BigInt(cents) * 100n),
  fc.integer({ min: -5_000_000, max: 50_000_000 }).map(BigInt),
);

const inputArb: fc.Arbitrary<TaxInput> = tableArb.chain((taxTable) => {
  const codes = [...new Set(taxTable.map((l) => l.taxCode))];
  return fc.record({
    pricesIncludeTax: fc.boolean(),
    rounding: roundingArb,
    taxTable: fc.constant(taxTable),
    exemption: fc.oneof(
      fc.constant(null),
      fc.constant({ exemptTaxCodes: 'ALL' as const }),
      fc.subarray(codes).map((c) => ({ exemptTaxCodes: c })),
    ),
    lines: fc
      .array(fc.record({ amount4: amountArb, taxCode: fc.constantFrom(...codes) }), { maxLength: 12 })
      .map((ls) => ls.map((l, i) => ({ ...l, lineId: String(i + 1) }))),
  });
});

describe('tax engine properties', () => {
  it('breakup rows and line shares each sum to the total tax; totals add up exactly', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = computeTax(input);
        expect(sumOf(r.breakup.map((b) => b.taxMinor))).toBe(r.totalTax);
        expect(sumOf(r.lines.map((l) => l.taxMinor))).toBe(r.totalTax);
        expect(sumOf(r.breakup.map((b) => b.tax4))).toBe(r.totalTax4);
        expect(r.totalExclTax + r.totalTax).toBe(r.totalAfterTax);
        for (const l of r.lines) {
          expect(l.net4 + l.tax4).toBe(l.gross4);
          expect(l.netMinor + l.taxMinor).toBe(l.grossMinor);
          expect(input.pricesIncludeTax ? l.gross4 : l.net4).toBe(l.amount4);
        }
        // The rounded total is within half a minor unit per rounded part of the exact 4-dp sum.
        const parts =
          input.rounding!.unit === 'basket'
            ? 1
            : input.rounding!.unit === 'line'
              ? r.lines.reduce((n, l) => n + l.levels.length, 0)
              : r.breakup.length;
        const drift = r.totalTax * 100n - r.totalTax4;
        expect(drift < 0n ? -drift : drift).toBeLessThanOrEqual(BigInt(Math.max(parts, 1)) * 100n);
      }),
      { numRuns: 400 },
    );
  });

  it('inclusive multi-level tax is A·p/(100+P) per level within half a ledger unit', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = computeTax({ ...input, pricesIncludeTax: true, exemption: null });
        for (const l of r.lines) {
          const P = sumOf(l.levels.map((v) => v.ratePpm));
          for (const v of l.levels) {
            // |tax4 − A·p/(1e6+P)| ≤ 1/2  ⇔  |2·tax4·(1e6+P) − 2·A·p| ≤ (1e6+P)
            const d = 2n * v.tax4 * (1_000_000n + P) - 2n * l.amount4 * v.ratePpm;
            expect(d < 0n ? -d : d).toBeLessThanOrEqual(1_000_000n + P);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a sale and its return line cancel out exactly', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const mirrored = computeTax({
          ...input,
          lines: input.lines.flatMap((l) => [l, { ...l, lineId: `${l.lineId}-r`, amount4: -l.amount4 }]),
        });
        expect(mirrored.totalTax).toBe(0n);
        expect(mirrored.totalAfterTax).toBe(0n);
        const alone = computeTax(input);
        const returned = computeTax({
          ...input,
          lines: input.lines.map((l) => ({ ...l, amount4: -l.amount4 })),
        });
        expect(returned.totalTax).toBe(-alone.totalTax);
      }),
      { numRuns: 300 },
    );
  });

  it('a full refund reverses the ledger to zero; partial refunds never exceed the original', () => {
    const caseArb = inputArb.chain((input) =>
      fc.record({
        input: fc.constant(input),
        // Per line: a quantity and how it is split over successive refunds.
        splits: fc.array(
          fc.integer({ min: 1, max: 7 }).chain((qty) =>
            fc.array(fc.integer({ min: 1, max: qty }), { minLength: 1, maxLength: qty }).map((steps) => {
              const parts: number[] = [];
              let left = qty;
              for (const s of steps) {
                if (left === 0) break;
                const q = Math.min(s, left);
                parts.push(q);
                left -= q;
              }
              if (left > 0) parts.push(left);
              return { qty, parts };
            }),
          ),
          { minLength: input.lines.length, maxLength: input.lines.length },
        ),
      }),
    );
    fc.assert(
      fc.property(caseArb, ({ input, splits }) => {
        const sale = computeTax(input);
        sale.lines.forEach((line, i) => {
          const { qty, parts } = splits[i]!;
          let done = 0;
          const levelTotals = line.levels.map(() => 0n);
          let amount = 0n;
          for (const q of parts) {
            const refundLine: RefundByQuantity = {
              lineId: line.lineId,
              quantity: q,
              ofQuantity: qty,
              alreadyRefunded: done,
            };
            const r = reverseTax({ original: sale, lines: [refundLine] });
            const rl = r.lines[0]!;
            rl.levels.forEach((v, k) => (levelTotals[k]! += v.tax4));
            amount += rl.amount4;
            done += q;
            // Never more than the original, on every level and on the amount.
            line.levels.forEach((v, k) => {
              const abs = (x: bigint) => (x < 0n ? -x : x);
              expect(abs(levelTotals[k]!)).toBeLessThanOrEqual(abs(v.tax4));
              expect(levelTotals[k]! * v.tax4).toBeGreaterThanOrEqual(0n);
            });
          }
          expect(levelTotals).toEqual(line.levels.map((v) => v.tax4));
          expect(amount).toBe(line.amount4);
        });
        if (sale.lines.length > 0) {
          const all = reverseTax({
            original: sale,
            lines: sale.lines.map((l) => ({ lineId: l.lineId, quantity: 1, ofQuantity: 1 })),
          });
          expect(all.totalTax).toBe(sale.totalTax);
          expect(all.totalAfterTax).toBe(sale.totalAfterTax);
          expect(all.breakup.map((b) => b.taxMinor)).toEqual(sale.breakup.map((b) => b.taxMinor));
        }
      }),
      { numRuns: 200 },
    );
  });
});
