/**
 * An adapter above both the tax engine and basket pricing (it lived in tax/, which made
 * tax → pricing → tax an import cycle). The tax ledger of a priced basket (as the hub stores it with the order) in the shape
 * `reverseTax` takes, so refunds reverse exactly what the sale recorded (spec §4.6). The
 * basket does not carry the store's rounding setting, so the caller passes it (the store
 * config at the time of the refund; the spec keeps it fixed per store).
 */
import { parseDecimal } from '../money';
import type { RefundableLedger, TaxRounding } from '../tax';
import type { PricedBasket } from './types';

export function taxLedgerFromPricedBasket(
  priced: Pick<PricedBasket, 'lines' | 'prices_include_tax' | 'currency_exponent'>,
  rounding: TaxRounding,
): RefundableLedger {
  return {
    pricesIncludeTax: priced.prices_include_tax,
    rounding,
    currencyExponent: priced.currency_exponent,
    lines: priced.lines.map((l) => ({
      lineId: l.line_id,
      taxCode: l.tax.tax_code,
      kind: l.kind,
      amount4: l.tax.amount4,
      levels: l.tax.levels.map((lv) => {
        const ratePpm = parseDecimal(lv.tax_percent, 4);
        return {
          taxCode: l.tax.tax_code ?? '',
          taxLevel: lv.tax_level,
          retailerTaxLevelId: lv.retailer_tax_level_id,
          ratePpm,
          tableRatePpm: ratePpm,
          exempt: lv.exempt,
          tax4: lv.tax4,
        };
      }),
    })),
  };
}
