/**
 * From the pricing pipeline's `PricedBasket` plus the order's own facts (numbers, times,
 * tenders) to the receipt's `CompletedOrderInput`, so every caller maps the two the same way.
 * Line discounts are the item-level promotions; basket-level promotions and manual discounts
 * are summed per promotion / discount into the summary (spec §5.3 "basket-level promotions:
 * title and amount each").
 */
import type { PricedBasket } from '../pricing/types';
import type { CompletedOrderInput, ReceiptLineDiscount, ReceiptLineInput } from './types';

export type ReceiptOrderFacts = Omit<
  CompletedOrderInput,
  | 'lines'
  | 'basketDiscounts'
  | 'pricesIncludeTax'
  | 'totals'
  | 'taxBreakup'
  | 'currencyExponent'
  | 'taxExemption'
  | 'type'
> & {
  type?: CompletedOrderInput['type'];
  /** How the exemption is printed; defaults to the programme recorded by pricing. */
  taxExemption?: CompletedOrderInput['taxExemption'];
};

export function receiptOrderFromPricedBasket(
  priced: PricedBasket,
  facts: ReceiptOrderFacts,
): CompletedOrderInput {
  const lines = priced.lines.map((l): ReceiptLineInput => {
    const discounts: ReceiptLineDiscount[] = l.promotions
      .filter((p) => p.level === 'item' && p.discount !== 0n)
      .map((p) => ({
        label: p.title || p.promo_id_retailer || p.promo_id,
        promoId: p.promo_id,
        amount: p.discount,
      }));
    return {
      lineId: l.line_id,
      name: l.item_name,
      productCode: l.retailer_product_id ?? l.product_identifier,
      kind: l.kind,
      quantity: l.quantity,
      unitOfMeasure: l.unit_of_measure,
      ...(l.weight_g !== null && l.unit_of_measure !== 'each' && { measuredQuantity: l.weight_g }),
      unitPrice: l.unit_price,
      ...(l.measure_price !== null && { measurePrice: l.measure_price }),
      ...(l.base_price > l.unit_price && l.weight_g === null && { originalUnitPrice: l.base_price }),
      grossAmount: l.gross,
      discounts,
      amount: l.gross - l.item_discount,
      isReturn: l.is_return_item,
      parentLineId: l.parent_line_id,
      taxCode: l.tax.tax_code,
    };
  });

  const basket = new Map<string, ReceiptLineDiscount>();
  for (const l of priced.lines) {
    for (const d of l.basket_discounts) {
      const key = `${d.source}:${d.id}`;
      const seen = basket.get(key);
      if (seen) seen.amount += d.amount;
      else basket.set(key, { label: d.label || d.id, promoId: d.id, amount: d.amount });
    }
  }

  const t = priced.totals;
  const exemption = priced.tax_exemption;
  return {
    ...facts,
    type: facts.type ?? 'order',
    currencyExponent: priced.currency_exponent,
    lines,
    basketDiscounts: [...basket.values()].filter((d) => d.amount !== 0n),
    pricesIncludeTax: priced.prices_include_tax,
    totals: {
      subtotal: t.total_gross,
      totalDiscount: t.total_discount,
      totalTax: t.total_tax,
      totalExclTax: t.total_excl_tax,
      totalAfterTax: t.total_after_tax,
      totalSavings: t.total_savings,
    },
    taxBreakup: priced.tax_breakup.map((r) => ({
      taxLevel: r.tax_level,
      retailerTaxLevelId: r.retailer_tax_level_id,
      taxPercent: r.tax_percent,
      taxableAmount: r.taxable_amount,
      taxAmount: r.tax_amount,
    })),
    taxExemption:
      facts.taxExemption !== undefined
        ? facts.taxExemption
        : exemption
          ? {
              ...(exemption.label !== undefined && { label: exemption.label }),
              ...(exemption.reference !== undefined && { reference: exemption.reference }),
              ...(exemption.programId !== undefined && { programId: exemption.programId }),
            }
          : null,
  };
}
