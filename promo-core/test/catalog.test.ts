import { describe, expect, it } from 'vitest';
import { CatalogIndex, lookupGtin, parseItem } from '@kassa/promo-core';

const wire = {
  items: [
    {
      item_id: 'soap',
      product_identifier: '036000291452',
      additional_barcodes: ['4006381333931'],
      retailer_product_id: 'SKU-SOAP',
      item_name: 'Soap',
      names: { fr: 'Savon', de: 'Seife' },
      base_price: '2.49',
      category_ids: ['cat-hygiene'],
      tax_code: 'STD',
    },
    {
      item_id: 'beer',
      product_identifier: '5000000000017',
      base_price: '1.80',
      selling_price: '1.50',
      category_ids: ['cat-beer'],
      tax_code: 'STD',
    },
    { item_id: 'gone', product_identifier: '5000000000024', base_price: '1.00', soft_deleted: true },
    { item_id: 'broken', product_identifier: 'X', base_price: 'abc' },
    { item_id: 'too-precise', product_identifier: 'Y', base_price: '1.234' },
    { item_id: 'clash', product_identifier: '036000291452', base_price: '3.00' },
    { item_id: 'cheese', product_identifier: '2812345', base_price: '0', unit_of_measure: 'kg' },
  ],
  categories: [
    { category_id: 'cat-drinks', name: 'Drinks', retailer_category_id: 'D' },
    { category_id: 'cat-alcohol', parent_id: 'cat-drinks', name: 'Alcohol', requires_approval: true },
    { category_id: 'cat-beer', parent_id: 'cat-alcohol', name: 'Beer', retailer_category_id: 'BEER' },
    { category_id: 'cat-hygiene', name: 'Hygiene', excluded_from_promotions: true },
  ],
  catalog_identifiers: [{ code: 'QR-FOUNTAIN', item_ids: ['soap', 'beer'] }],
};

describe('catalogue index', () => {
  const { index, issues } = CatalogIndex.build(wire);

  it('reports bad items and code clashes instead of indexing them', () => {
    const messages = issues.map((i) => `${i.index}:${i.path}:${i.message}`);
    expect(messages.some((m) => m.startsWith('3:base_price'))).toBe(true);
    expect(messages.some((m) => m.startsWith('4:') && m.includes('more than 2 decimal places'))).toBe(true);
    expect(messages.some((m) => m.includes('already used by soap'))).toBe(true);
    expect(messages.some((m) => m.startsWith('6:price_per_unit_measure'))).toBe(true);
    expect(index.getItem('broken')).toBeUndefined();
    expect(index.size).toBe(3); // soap, beer, clash (gone is soft-deleted)
  });

  it('normalises money to minor units and defaults the selling price', () => {
    const soap = index.getItem('soap')!;
    expect(soap.base_price).toBe(249n);
    expect(soap.selling_price).toBe(249n);
    expect(index.getItem('beer')!.selling_price).toBe(150n);
    expect(soap.names.fr).toBe('Savon');
  });

  it('finds an item by primary code, additional barcode, GTIN forms and retailer id', () => {
    expect(index.lookupExact('036000291452')?.item.item_id).toBe('soap');
    expect(index.lookupExact('4006381333931')).toMatchObject({ match: 'additional_barcode' });
    expect(lookupGtin(index, '0036000291452')?.item_id).toBe('soap');
    expect(lookupGtin(index, '00036000291452')?.item_id).toBe('soap');
    expect(index.lookupRetailerProductId('SKU-SOAP')?.item_id).toBe('soap');
    expect(index.lookupExact('5000000000024')).toBeUndefined();
  });

  it('lists the items behind a catalogue identifier in HQ order', () => {
    expect(index.lookupCatalogIdentifier('QR-FOUNTAIN')?.map((i) => i.item_id)).toEqual(['soap', 'beer']);
  });

  it('derives promotion categories by depth and inherits restrictions from ancestors', () => {
    const beer = index.getItem('beer')!;
    expect(index.promoCategoriesOf(beer)).toEqual([
      { name: 'c1', value: 'D' },
      { name: 'c2', value: 'cat-alcohol' },
      { name: 'c3', value: 'BEER' },
    ]);
    expect(index.requiresApproval(beer)).toBe(true);
    expect(index.excludedFromPromotions(beer)).toBe(false);
    expect(index.excludedFromPromotions(index.getItem('soap')!)).toBe(true);
  });

  it('validates one item without throwing', () => {
    expect(parseItem({ item_id: 'x' }).ok).toBe(false);
    const ok = parseItem({ item_id: 'x', product_identifier: '1', base_price: '100' }, 0);
    expect(ok.ok && ok.item.base_price).toBe(100n);
  });

  it('indexes a large catalogue (the 100,000-item figure is in the bench)', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({
      item_id: `i${i}`,
      product_identifier: String(2_000_000_000_000 + i),
      base_price: '1.00',
    }));
    const big = CatalogIndex.build({ items }).index;
    expect(big.size).toBe(20_000);
    expect(big.lookupExact('2000000019999')?.item.item_id).toBe('i19999');
  });
});
