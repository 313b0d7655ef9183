/**
 * Issue 10, item by item: each defect of GS1 element-string reading as a direct test (the same
 * facts are conformance cases in conformance/barcode/bc-gs1-element-strings.json), plus how a
 * per-kg item scanned without a weight reaches priceBasket.
 */
import { describe, expect, it } from 'vitest';
import {
  CatalogIndex,
  barcodeConfigSchema,
  parseStoreTaxConfig,
  parseTaxTable,
  priceBasket,
  resolveScan,
  sanitiseScan,
} from '@kassa/promo-core';
import type { ScanOutcome, StoreData, Symbology } from '@kassa/promo-core';

const GS = '\u001d';
const SALMON = '0105012345678931'; // 24.00 per kg
const YOGHURT = '0109501101530003'; // 0.80 each

const { index } = CatalogIndex.build({
  items: [
    { item_id: 'yoghurt', product_identifier: '9501101530003', base_price: '0.80', tax_code: 'ZERO' },
    {
      item_id: 'salmon',
      product_identifier: '5012345678931',
      base_price: '24.00',
      unit_of_measure: 'kg',
      price_per_unit_measure: '24.00',
      tax_code: 'ZERO',
    },
  ],
});
const config = barcodeConfigSchema.parse({ currency: 'EUR' });
const ctx = { now: '2025-06-02T12:00:00Z' };
const scan = (code: string, sym: Symbology | null = 'GS1_128'): ScanOutcome =>
  resolveScan(code, sym, index, config, ctx);
const code = (o: ScanOutcome): string => (o.ok ? `item ${o.resolution.item.item_id}` : o.error.code);
const linePrice = (o: ScanOutcome): bigint | undefined => (o.ok ? o.resolution.line_price : undefined);

describe('issue 10: GS1 element strings', () => {
  it('1. a repeated AI with two values is refused; the same value twice is read once', () => {
    expect(code(scan(`${YOGHURT}17250101` + '17271231'))).toBe('GS1_REPEATED_AI');
    const same = scan(`${YOGHURT}17250630` + '17250630');
    expect(same.ok && same.resolution.expiry).toBe('2025-06-30');
    expect(code(scan(`${SALMON}3102000125` + '3103001250'))).toBe('GS1_CONFLICTING_AI');
  });

  it('2. a truncated or garbled AI refuses the scan instead of being dropped', () => {
    expect(code(scan(`${SALMON}392`))).toBe('GS1_TRUNCATED');
    expect(code(scan(`${SALMON}310`))).toBe('GS1_TRUNCATED');
    expect(code(scan(`${SALMON}392X799`))).toBe('GS1_UNKNOWN_AI');
  });

  it('3. a weight of zero, or under half a gram, is refused like a zero-weight variable-measure EAN', () => {
    expect(code(scan(`${SALMON}3103000000`))).toBe('ZERO_WEIGHT');
    expect(code(scan(`${SALMON}3105000046`))).toBe('ZERO_WEIGHT');
    const vm = resolveScan(
      '2812345000007',
      'EAN13',
      CatalogIndex.build({
        items: [
          {
            item_id: 'c',
            product_identifier: '2812345',
            base_price: '1',
            unit_of_measure: 'kg',
            price_per_unit_measure: '1',
          },
        ],
      }).index,
      barcodeConfigSchema.parse({
        variable_measure_layouts: [{ prefix: '28', item_digits: 5, value_kind: 'weight_g', value_digits: 5 }],
      }),
      ctx,
    );
    expect(code(vm)).toBe('ZERO_WEIGHT');
  });

  it("4. a price with ISO currency (393n) is charged in the store's currency only", () => {
    expect(linePrice(scan(`${SALMON}3103000333` + '3932978799'))).toBe(799n);
    expect(code(scan(`${SALMON}3103000333` + '3932840799'))).toBe('CURRENCY_MISMATCH');
    const noCurrency = resolveScan(
      `${SALMON}3103000333` + '3932978799',
      'GS1_128',
      index,
      barcodeConfigSchema.parse({}),
      ctx,
    );
    expect(code(noCurrency)).toBe('CURRENCY_MISMATCH');
    expect(code(scan(`${SALMON}3103000333` + '392307995'))).toBe('PRICE_PRECISION');
  });

  it('5. expiry date and time (7003) refuses expired goods to the minute', () => {
    expect(code(scan(`${YOGHURT}70032001011200`))).toBe('EXPIRED');
    expect(code(scan(`${YOGHURT}70032506021159`))).toBe('EXPIRED');
    const ok = scan(`${YOGHURT}70032506021200`);
    expect(ok.ok && ok.resolution.expiry_time).toBe('2025-06-02T12:00');
    // Store-local: 12:00 UTC is 14:00 in Paris in June.
    const paris = resolveScan(`${YOGHURT}70032506021359`, 'GS1_128', index, config, {
      ...ctx,
      timezone: 'Europe/Paris',
    });
    expect(code(paris)).toBe('EXPIRED');
  });

  it('6. the 310n family is read from the table: 3106 is no AI', () => {
    expect(code(scan(`${SALMON}3106001250`))).toBe('GS1_UNKNOWN_AI');
    expect(linePrice(scan(`${SALMON}3105125000`))).toBe(3000n);
  });

  it('7. ]J1 (GS1 DotCode), ]e0, ]d2, ]Q3 and ]C1 are GS1 symbologies', () => {
    for (const [aim, sym] of [
      [']J1', 'GS1_DOTCODE'],
      [']e0', 'DATABAR'],
      [']d2', 'DATAMATRIX'],
      [']Q3', 'GS1_QR'],
      [']C1', 'GS1_128'],
    ] as const) {
      expect(sanitiseScan(`${aim}${YOGHURT}17250630`)).toMatchObject({ symbology: sym, gs1: true });
      const o = scan(`${aim}${YOGHURT}17250630`, null);
      expect(o.ok && [o.resolution.symbology, o.resolution.expiry]).toEqual([sym, '2025-06-30']);
    }
  });

  it('8. a missing separator after a variable-length AI is refused, not read as an empty AI', () => {
    expect(code(scan(`${SALMON}3103001250` + '21ABCDEFGHIJKLMN39224722'))).toBe('GS1_MISSING_SEPARATOR');
    expect(linePrice(scan(`${SALMON}3103001250` + `21ABCDEFGHIJKLMN${GS}39224722`))).toBe(4722n);
  });

  it('9. a per-kg item scanned by its GTIN alone asks for a weight, and priceBasket prices the scale weight', () => {
    const o = scan(SALMON);
    expect(code(o)).toBe('WEIGHT_REQUIRED');
    expect(!o.ok && o.needs_weight?.item.item_id).toBe('salmon');
    expect(code(scan('5012345678931', 'EAN13'))).toBe('WEIGHT_REQUIRED');
    const store: StoreData = {
      store_id: 's',
      timezone: 'UTC',
      catalog: index,
      promotions: null,
      tax: {
        config: parseStoreTaxConfig({ prices_include_tax: true }),
        table: parseTaxTable([
          { tax_code: 'ZERO', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '0.00' },
        ]),
      },
      barcodes: config,
    };
    const pb = priceBasket(
      {
        basket_id: 'b',
        evaluation_time: ctx.now,
        lines: [
          { line_id: 'weighed', scanned_code: SALMON, symbology: 'GS1_128', weight_g: 500 },
          { line_id: 'unweighed', scanned_code: SALMON, symbology: 'GS1_128' },
        ],
      },
      store,
    );
    expect(pb.lines.map((l) => [l.line_id, l.gross])).toEqual([['weighed', 1200n]]);
    expect(pb.refusals.map((r) => [r.line_id, r.code])).toEqual([['unweighed', 'WEIGHT_REQUIRED']]);
  });

  it('10. DataBar through a keyboard wedge: 01 + GTIN-14 as 16 bare digits is read as (01)', () => {
    expect(code(scan(YOGHURT, null))).toBe('item yoghurt');
    expect(code(scan('0109501101530004', null))).toBe('BAD_CHECK_DIGIT');
  });
});
