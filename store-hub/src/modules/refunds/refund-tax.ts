/**
 * Refund money and tax from an order's stored priced basket (the canonical JSON promo-core's
 * `pricedBasketToJson` wrote at checkout). Money per line follows `refundValue`; tax is
 * promo-core's `reverseTax` over the sale's own 4-dp ledger (spec §4.6), so the refund reverses
 * exactly what the sale recorded.
 */
import type { RefundableLedger, TaxRounding } from '@kassa/promo-core';
import { parseDecimal, reverseTax } from '@kassa/promo-core';
import type { LineRefundState, PaidLine } from './refundable';
import { refundValue } from './refundable';

/** The parts of the canonical priced-basket JSON a refund reads. */
export interface StoredPricedLine {
  line_id: string;
  kind: string;
  item_name: string;
  quantity: number;
  is_return_item: boolean;
  payable: string;
  tax: {
    tax_code: string | null;
    amount4: string;
    tax: string;
    levels: {
      retailer_tax_level_id: string;
      tax_level: string;
      tax_percent: string;
      exempt: boolean;
      tax4: string;
    }[];
  };
}
export interface StoredPriced {
  currency_exponent: number;
  prices_include_tax: boolean;
  lines: StoredPricedLine[];
}

/** Per line: what the shopper paid, tax included. */
export function paidLines(priced: StoredPriced): PaidLine[] {
  const exp = priced.currency_exponent;
  return priced.lines.map((l) => {
    const payable = parseDecimal(l.payable, exp);
    const tax = parseDecimal(l.tax.tax, exp);
    return {
      lineId: l.line_id,
      name: l.item_name,
      quantity: l.quantity,
      // Exclusive stores add the line's share of the rounded tax on top of the payable amount.
      paid: priced.prices_include_tax ? payable : payable + tax,
      tax,
      refundable: !l.is_return_item && payable > 0n,
    };
  });
}

export function ledgerOf(priced: StoredPriced, rounding: TaxRounding): RefundableLedger {
  return {
    pricesIncludeTax: priced.prices_include_tax,
    rounding,
    currencyExponent: priced.currency_exponent,
    lines: priced.lines.map((l) => ({
      lineId: l.line_id,
      taxCode: l.tax.tax_code,
      kind: l.kind as RefundableLedger['lines'][number]['kind'],
      amount4: parseDecimal(l.tax.amount4, 4),
      levels: l.tax.levels.map((lv) => {
        const ratePpm = parseDecimal(lv.tax_percent, 4);
        return {
          taxCode: l.tax.tax_code ?? '',
          taxLevel: lv.tax_level,
          retailerTaxLevelId: lv.retailer_tax_level_id,
          ratePpm,
          tableRatePpm: ratePpm,
          exempt: lv.exempt,
          tax4: parseDecimal(lv.tax4, 4),
        };
      }),
    })),
  };
}

export interface RefundLineRequest {
  lineId: string;
  quantity: number;
}

export interface PlannedRefundLine {
  lineId: string;
  name: string;
  quantity: number;
  amount: bigint;
  taxAmount: bigint;
}

export interface PlannedRefund {
  lines: PlannedRefundLine[];
  amount: bigint;
  taxAmount: bigint;
  breakup: { retailerTaxLevelId: string; taxLevel: string; taxPercent: string; taxAmount: bigint }[];
}

/** Plans a refund of some units of some lines given what is already refunded or in progress. */
export function planRefund(
  priced: StoredPriced,
  rounding: TaxRounding,
  requests: readonly RefundLineRequest[],
  stateOf: (lineId: string) => LineRefundState,
): PlannedRefund {
  const paid = new Map(paidLines(priced).map((l) => [l.lineId, l]));
  const lines = requests.map((r) => {
    const line = paid.get(r.lineId);
    if (!line) throw new RefundLineUnknown(r.lineId);
    const st = stateOf(r.lineId);
    return { r, line, st, amount: refundValue(line, st, r.quantity) };
  });
  const tax = reverseTax({
    original: ledgerOf(priced, rounding),
    lines: lines.map(({ r, line, st }) => ({
      lineId: r.lineId,
      quantity: r.quantity,
      ofQuantity: line.quantity,
      alreadyRefunded: st.refundedQuantity + st.processingQuantity,
    })),
  });
  const taxBy = new Map(tax.lines.map((l) => [l.lineId, l.taxMinor]));
  return {
    lines: lines.map(({ r, line, amount }) => ({
      lineId: r.lineId,
      name: line.name,
      quantity: r.quantity,
      amount,
      taxAmount: taxBy.get(r.lineId) ?? 0n,
    })),
    amount: lines.reduce((s, l) => s + l.amount, 0n),
    taxAmount: tax.totalTax,
    breakup: tax.breakup.map((b) => ({
      retailerTaxLevelId: b.retailerTaxLevelId,
      taxLevel: b.taxLevel,
      taxPercent: b.taxPercent,
      taxAmount: b.taxMinor,
    })),
  };
}

export class RefundLineUnknown extends Error {
  readonly code = 'REFUND_LINE_UNKNOWN';
  constructor(readonly lineId: string) {
    super(`line ${lineId} is not on this order`);
  }
}
