import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CatalogIndex,
  barcodeConfigSchema,
  expandUpcE,
  gs1DateToIso,
  gtinCheckDigit,
  hasValidCheckDigit,
  luhnCheckDigit,
  parseRtc,
  priceCheckDigit,
  resolveScan,
  sanitiseScan,
} from '@kassa/promo-core';
import { runConformance } from '../src/conformance/runner';

const { index } = CatalogIndex.build({
  items: [
    {
      item_id: 'milk',
      product_identifier: '5012345678900',
      retailer_product_id: 'MILK-1',
      base_price: '1.20',
    },
    { item_id: 'cola', product_identifier: '042100005264', base_price: '0.99' },
    { item_id: 'tea', product_identifier: '4000000000006', base_price: '2.00' },
    { item_id: 'coffee', product_identifier: '4000000000013', base_price: '2.50' },
  ],
  catalog_identifiers: [
    { code: 'FOUNTAIN', item_ids: ['tea', 'coffee'] },
    { code: 'ONLY-TEA', item_ids: ['tea'] },
  ],
});
const ctx = { now: '2025-06-02T12:00:00Z' };
const config = barcodeConfigSchema.parse({
  staff_badge_patterns: ['^STAFF-\\d{4}$'],
  match_retailer_product_id: true,
});

describe('GTIN check digits', () => {
  it('accepts every code built with its own check digit and rejects any single-digit change', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{7,13}$/),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (data, pos, delta) => {
          const code = data + String(gtinCheckDigit(data));
          expect(hasValidCheckDigit(code)).toBe(true);
          const i = pos % code.length;
          const changed = code.slice(0, i) + String((Number(code[i]) + delta) % 10) + code.slice(i + 1);
          expect(hasValidCheckDigit(changed)).toBe(false);
        },
      ),
    );
  });

  it('expands UPC-E by its last digit rule', () => {
    expect(expandUpcE('04252614')).toBe('042100005264');
    expect(expandUpcE('01234531')).toBe('012300000451');
    expect(expandUpcE('01234565')).toBe('012345000065');
    expect(expandUpcE('425261')).toBe('042100005264');
    expect(expandUpcE('21234567')).toBeNull();
  });

  it('computes GS1 price check digits and Luhn digits from published examples', () => {
    expect(priceCheckDigit('2875')).toBe(9);
    expect(priceCheckDigit('14685')).toBe(6);
    expect(luhnCheckDigit('7992739871')).toBe(3);
  });
});

describe('scan sanitising', () => {
  it('drops CR/LF and control characters, keeps GS, strips AIM identifiers and digit-group spaces', () => {
    expect(sanitiseScan('5012345678900\r\n').code).toBe('5012345678900');
    expect(sanitiseScan(' 5 012345 678900 ').code).toBe('5012345678900');
    expect(sanitiseScan(']C101050123456789001725')).toMatchObject({ symbology: 'GS1_128', gs1: true });
    expect(sanitiseScan('\u001d0105012345678900\u001d10AB').code).toBe('0105012345678900\u001d10AB');
    expect(sanitiseScan('HELLO WORLD').code).toBe('HELLO WORLD');
  });
});

describe('resolveScan', () => {
  const scan = (code: string, sym: Parameters<typeof resolveScan>[1] = null) =>
    resolveScan(code, sym, index, config, ctx);

  it('names every refusal', () => {
    expect(scan('STAFF-0042')).toMatchObject({ ok: false, error: { code: 'STAFF_BADGE_SCANNED' } });
    expect(scan('FOUNTAIN')).toMatchObject({ ok: false, error: { code: 'CHOICE_REQUIRED' } });
    expect(scan('nothing')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_BARCODE' } });
    expect(scan('5012345678901', 'EAN13')).toMatchObject({ ok: false, error: { code: 'BAD_CHECK_DIGIT' } });
    expect(scan('50123456789', 'EAN13')).toMatchObject({ ok: false, error: { code: 'MALFORMED' } });
  });

  it('offers the choice list for a multi-item code and resolves a single-item one', () => {
    const out = scan('FOUNTAIN');
    expect(!out.ok && out.choice?.items.map((i) => i.item_id)).toEqual(['tea', 'coffee']);
    expect(scan('ONLY-TEA')).toMatchObject({ ok: true, resolution: { rule: 'catalog_identifier' } });
  });

  it('matches retailer product ids only when the store enables it', () => {
    expect(scan('MILK-1')).toMatchObject({ ok: true, resolution: { rule: 'retailer_product_id' } });
    const off = barcodeConfigSchema.parse({});
    expect(resolveScan('MILK-1', null, index, off, ctx).ok).toBe(false);
  });

  it('reads a markdown label and refuses one with a wrong Luhn digit', () => {
    const body = '1' + '05012345678900' + '00099';
    const label = `MP1${'05012345678900'}A00099${luhnCheckDigit(body)}`;
    expect(parseRtc(label)).toMatchObject({
      ok: true,
      label: { barcode: '5012345678900', kind: 'absolute_price', value: 99 },
    });
    expect(scan(label)).toMatchObject({
      ok: true,
      resolution: { unit_price: 99n, price_source: 'markdown' },
    });
  });

  it('uses the GS1 century window and reads day 00 as the end of the month', () => {
    expect(gs1DateToIso('240200', 2025)).toBe('2024-02-29');
    expect(gs1DateToIso('990101', 2025)).toBe('1999-01-01');
    expect(gs1DateToIso('740101', 2025)).toBe('2074-01-01');
    expect(gs1DateToIso('250231', 2025)).toBeNull();
  });
});

describe('barcode conformance cases', () => {
  it('all pass through the public runner', () => {
    const report = runConformance([new URL('../conformance/barcode', import.meta.url).pathname]);
    expect(report.failures).toEqual([]);
    expect(report.passed).toBeGreaterThan(60);
  });
});
