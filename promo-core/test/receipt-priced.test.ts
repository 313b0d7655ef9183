import { describe, expect, it } from 'vitest';
import {
  CatalogIndex,
  barcodeConfigSchema,
  buildReceipt,
  createPromotionSet,
  parseStoreTaxConfig,
  parseTaxTable,
  priceBasket,
  receiptOrderFromPricedBasket,
  renderReceiptText,
  reverseTax,
  receiptTaxRows,
  taxLedgerFromPricedBasket,
  type StoreData,
} from '@kassa/promo-core';
import { group, promo } from './support/promotions';

/** One item-level promotion in the shape of spec/promotions.md §3 ("Meal deal": 0.50 off the sandwich). */
const mealDeal = promo({
  id: 'MEAL',
  title: 'Meal deal',
  discount_type: 'v',
  discount_type_strategy: 'e',
  discount_value: '0.50',
  discount_value_on: 'f',
  groups: [group('g1', 1, ['1000000000009'])],
});

const store: StoreData = {
  store_id: 'store-1',
  timezone: 'UTC',
  catalog: CatalogIndex.build({
    items: [
      {
        item_id: 'sandwich',
        product_identifier: '1000000000009',
        base_price: '3.50',
        tax_code: 'STD',
        item_name: 'Club sandwich',
      },
      {
        item_id: 'milk',
        product_identifier: '1000000000016',
        base_price: '1.20',
        tax_code: 'ZERO',
        item_name: 'Milk 1L',
      },
      {
        item_id: 'water',
        product_identifier: '1000000000023',
        base_price: '1.00',
        tax_code: 'STD',
        item_name: 'Water',
      },
      {
        item_id: 'cheese',
        product_identifier: '2812345',
        base_price: '18.90',
        price_per_unit_measure: '18.90',
        unit_of_measure: 'kg',
        tax_code: 'ZERO',
        item_name: 'Cheddar',
      },
    ],
  }).index,
  promotions: createPromotionSet([mealDeal]),
  tax: {
    config: parseStoreTaxConfig({ prices_include_tax: true }),
    table: parseTaxTable([
      { tax_code: 'STD', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '20.00' },
      { tax_code: 'ZERO', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '0.00' },
    ]),
  },
  barcodes: barcodeConfigSchema.parse({
    variable_measure_layouts: [{ prefix: '28', item_digits: 5, value_kind: 'weight_g', value_digits: 5 }],
  }),
};

describe('receipt from a priced basket (priceBasket → receiptOrderFromPricedBasket → buildReceipt)', () => {
  it('carries promotions, weighed lines, basket discounts and the engine totals onto paper', () => {
    const priced = priceBasket(
      {
        basket_id: 'b-1',
        evaluation_time: '2025-06-02T12:00:00Z',
        basket_discounts: [{ id: 'STAFF', label: 'Staff discount', amount: '1.00' }],
        lines: [
          { line_id: 's', scanned_code: '1000000000009' },
          { line_id: 'm', item_id: 'milk' },
          { line_id: 'w', item_id: 'water', quantity: 2 },
          { line_id: 'c', item_id: 'cheese', weight_g: 348 },
        ],
      },
      store,
    );
    expect(priced.refusals).toEqual([]);
    const order = receiptOrderFromPricedBasket(priced, {
      orderId: 'o-1',
      oId: 100001,
      transactionIdPoslog: '000001',
      receiptNumber: 'S1.SAL.K1.000001',
      createdAt: '2025-06-02T12:00:00Z',
      completedAt: '2025-06-02T12:03:00Z',
      device: { retailerDeviceId: 'K1' },
      tenders: [{ method: 'CARD_TERMINAL', amount: priced.totals.total_after_tax }],
    });
    expect(order.lines.find((l) => l.lineId === 's')!.discounts).toEqual([
      { label: 'Meal deal', promoId: 'MEAL', amount: 50n },
    ]);
    expect(order.basketDiscounts).toEqual([{ label: 'Staff discount', promoId: 'STAFF', amount: 100n }]);

    const lines = renderReceiptText(buildReceipt(order, { store: { name: 'Kassa' }, timezone: 'UTC' }), {
      width: 42,
    });
    const find = (s: string) => lines.find((l) => l.trimStart().startsWith(s));
    const money = (v: bigint) => (Number(v) / 100).toFixed(2);
    // 3.50 + 1.20 + 2.00 + 6.58 = 13.28, less 0.50 meal deal and 1.00 staff discount = 11.78
    expect(find('Subtotal')).toMatch(/ 13\.28$/);
    expect(find('Meal deal')).toMatch(/ -0\.50$/);
    expect(find('Staff discount')).toMatch(/ -1\.00$/);
    expect(money(priced.totals.total_after_tax)).toBe('11.78');
    expect(find('TOTAL')).toMatch(/ 11\.78$/);
    expect(find('of which VAT')).toMatch(
      new RegExp(` ${money(priced.totals.total_tax).replace('.', '\\.')}$`),
    );
    expect(find('0.348 kg')).toBe('  0.348 kg x 18.90/kg');
    expect(find('Card')).toMatch(/ 11\.78$/);
  });
});

describe('refund from a priced basket (spec §4.4 Example H through the pipeline)', () => {
  it('reverses 0.1667 then 0.1666 of the water line and prints 0.17 each time', () => {
    const priced = priceBasket(
      {
        basket_id: 'b-2',
        evaluation_time: '2025-06-02T12:00:00Z',
        lines: [
          { line_id: 's', scanned_code: '1000000000009' },
          { line_id: 'm', item_id: 'milk' },
          { line_id: 'w', item_id: 'water', quantity: 2 },
        ],
      },
      store,
    );
    expect(priced.totals.total_tax).toBe(83n);
    const ledger = taxLedgerFromPricedBasket(priced, store.tax.config.rounding);
    const first = reverseTax({ original: ledger, lines: [{ lineId: 'w', quantity: 1, ofQuantity: 2 }] });
    const second = reverseTax({
      original: ledger,
      lines: [{ lineId: 'w', quantity: 1, ofQuantity: 2, alreadyRefunded: 1 }],
    });
    expect([first.lines[0]!.tax4, second.lines[0]!.tax4]).toEqual([1667n, 1666n]);
    expect([first.totalTax, second.totalTax]).toEqual([17n, 17n]);
    expect(first.totalAfterTax + second.totalAfterTax).toBe(200n);
    expect(receiptTaxRows(first)).toEqual([
      {
        taxLevel: 'VAT',
        retailerTaxLevelId: 'VAT',
        taxPercent: '20.00',
        taxableAmount: 100n,
        taxAmount: 17n,
      },
    ]);
  });
});
