import { resolveScan } from '@kassa/promo-core';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildStoreData } from '../../src/modules/catalog/pricing';
import { FIXTURE } from '../harness';

describe('StoreData barcodes', () => {
  it('charges a GS1 price with currency (AI 393n) only in the store’s own currency', () => {
    const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    const item = { ...doc.items[0], item_id: 'gtin', product_identifier: '5000000049004' };
    const data = buildStoreData({
      store_id: 's',
      timezone: doc.store_config.timezone,
      currency_exponent: 2,
      currency: doc.store_config.currency,
      items: [item],
      categories: [],
      promotions: [],
      tax_rows: doc.tax_table,
      tax_config: doc.store_config.tax,
      barcodes: doc.store_config.barcodes,
      allow_negative_basket: false,
      data_version: 'test',
    });
    const scan = (code: string) =>
      resolveScan(code, 'GS1_128', data.catalog, data.barcodes, {
        now: new Date().toISOString(),
        timezone: data.timezone,
      });
    expect(scan('(01)05000000049004(3932)82600150').ok).toBe(true); // GBP
    const eur = scan('(01)05000000049004(3932)97800150');
    expect(eur.ok).toBe(false);
    expect(!eur.ok && eur.error.code).toBe('CURRENCY_MISMATCH');
  });
});
