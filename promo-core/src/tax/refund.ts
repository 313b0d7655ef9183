/**
 * Refund tax (spec/store.md §4.6, Example H): a refund reverses a proportional share of the
 * original line's 4-dp ledger. Shares are taken cumulatively — the reversal after a refund is
 * round4(original × refunded-so-far / whole) and this refund is the difference from the
 * reversal before it — so repeated partial refunds never exceed the original, and refunding the
 * last unit takes exactly the remainder: a full refund reverses the ledger to zero.
 */
import { roundDiv, sum } from '../money';
import { summariseLedger, type LedgerLine, type LedgerSummary } from './engine';
import { TaxError } from './errors';
import { ledgerUnitsPerMinor } from './rounding';
import type { TaxLineResult, TaxRounding } from './types';

type Count = number | bigint;

/** Refund by units: `quantity` of the line's `ofQuantity`, after `alreadyRefunded` earlier. */
export interface RefundByQuantity {
  lineId: string;
  quantity: Count;
  ofQuantity: Count;
  alreadyRefunded?: Count;
}

/** Refund by value (e.g. part of a weighed line): 4-dp amounts of the line's `amount4`. */
export interface RefundByAmount {
  lineId: string;
  amount4: bigint;
  alreadyRefundedAmount4?: bigint;
}

export type RefundLineInput = RefundByQuantity | RefundByAmount;

/** What a refund needs of the original sale: its 4-dp ledger per line and level, and its settings. */
export interface RefundableLedger {
  lines: ReadonlyArray<Pick<TaxLineResult, 'lineId' | 'taxCode' | 'kind' | 'amount4' | 'levels'>>;
  pricesIncludeTax: boolean;
  rounding: TaxRounding;
  currencyExponent: number;
}

export interface RefundTaxInput {
  /** The original order's ledger (a `TaxResult` or `taxLedgerFromPricedBasket`); it is what gets reversed. */
  original: RefundableLedger;
  lines: readonly RefundLineInput[];
  /** Defaults to the original's rounding. */
  rounding?: TaxRounding;
}

/**
 * The refund's ledger and rounded figures. Amounts are positive for a refund of a sale (money
 * going back): `totalAfterTax` is what the shopper gets, `totalTax` the tax reversed.
 */
export type RefundTaxResult = LedgerSummary;

const toBig = (v: Count, what: string, lineId: string): bigint => {
  if (typeof v === 'bigint') return v;
  if (!Number.isSafeInteger(v)) {
    throw new TaxError('TAX_REFUND_INVALID', `${what} of line ${lineId} must be an integer`, {
      lineId,
      [what]: v,
    });
  }
  return BigInt(v);
};

/** Cumulative fraction refunded before and after this refund, as (before, after) / whole. */
function fractionOf(
  line: RefundLineInput,
  amount4: bigint,
): { before: bigint; after: bigint; whole: bigint } {
  if ('quantity' in line) {
    const whole = toBig(line.ofQuantity, 'ofQuantity', line.lineId);
    const q = toBig(line.quantity, 'quantity', line.lineId);
    const before = toBig(line.alreadyRefunded ?? 0, 'alreadyRefunded', line.lineId);
    return { before, after: before + q, whole };
  }
  const before = line.alreadyRefundedAmount4 ?? 0n;
  return { before, after: before + line.amount4, whole: amount4 };
}

/** round4(x × n / d), d > 0. */
const share = (x: bigint, n: bigint, d: bigint): bigint => roundDiv(x * n, d);

export function reverseTax(input: RefundTaxInput): RefundTaxResult {
  const { original } = input;
  const rounding = input.rounding ?? original.rounding;
  const perMinor = ledgerUnitsPerMinor(original.currencyExponent);
  const byId = new Map(original.lines.map((l) => [l.lineId, l]));
  const seen = new Set<string>();
  const ledger = input.lines.map((r): LedgerLine => {
    const line = byId.get(r.lineId);
    if (!line) {
      throw new TaxError('TAX_REFUND_INVALID', `line ${r.lineId} is not in the original order`, {
        lineId: r.lineId,
      });
    }
    if (seen.has(r.lineId)) {
      throw new TaxError('TAX_REFUND_INVALID', `line ${r.lineId} appears twice in one refund`, {
        lineId: r.lineId,
      });
    }
    seen.add(r.lineId);
    const f = fractionOf(r, line.amount4);
    // Amount-based refunds of a return line arrive negative; compare magnitudes.
    const sign = f.whole < 0n ? -1n : 1n;
    const [before, after, whole] = [f.before * sign, f.after * sign, f.whole * sign];
    if (!(0n <= before && before < after && after <= whole)) {
      throw new TaxError(
        'TAX_REFUND_INVALID',
        `refund of line ${r.lineId} must be a non-empty share of what is left of it`,
        { lineId: r.lineId, before: before.toString(), after: after.toString(), whole: whole.toString() },
      );
    }
    const portion = (x: bigint) => share(x, after, whole) - share(x, before, whole);
    const levels = line.levels.map((lv) => ({ ...lv, tax4: portion(lv.tax4) }));
    const tax4 = sum(levels.map((l) => l.tax4));
    const amount4 = portion(line.amount4);
    return {
      lineId: line.lineId,
      taxCode: line.taxCode,
      kind: line.kind,
      amount4,
      levels,
      tax4,
      net4: original.pricesIncludeTax ? amount4 - tax4 : amount4,
      gross4: original.pricesIncludeTax ? amount4 : amount4 + tax4,
    };
  });
  return summariseLedger(ledger, original.pricesIncludeTax, rounding, perMinor);
}
