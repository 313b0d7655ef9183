/**
 * The §6.4 snapshot built from a real promo-core priced basket validates as order.completed,
 * and keeps the hub's exact totals.
 */
import {
  CatalogIndex,
  barcodeConfigSchema,
  parseStoreTaxConfig,
  parseTaxTable,
  priceBasket,
  pricedBasketToJson,
} from '@kassa/promo-core';
import type { StoreData } from '@kassa/promo-core';
import { describe, expect, it } from 'vitest';
import type { PricedBasketJson } from '../../src/protocol';
import { buildOrderSnapshot, decodeEvent, parseMinor, storeEventsTopic } from '../../src/protocol';
import { envelope, STORE_A } from '../support/events';

const store: StoreData = {
  store_id: STORE_A,
  timezone: 'Europe/Paris',
  catalog: CatalogIndex.build({
    items: [
      { item_id: 'milk', product_identifier: '1000000000016', base_price: '1.20', tax_code: 'RED' },
      { item_id: 'wine', product_identifier: '1000000000078', base_price: '8.00', tax_code: 'STD' },
      {
        item_id: 'cheese',
        product_identifier: '2812345',
        base_price: '18.90',
        price_per_unit_measure: '18.90',
        unit_of_measure: 'kg',
        tax_code: 'RED',
      },
    ],
  }).index,
  promotions: null,
  tax: {
    config: parseStoreTaxConfig({ prices_include_tax: true }),
    table: parseTaxTable([
      { tax_code: 'STD', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '20.00' },
      { tax_code: 'RED', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '5.50' },
    ]),
  },
  barcodes: barcodeConfigSchema.parse({
    variable_measure_layouts: [{ prefix: '28', item_digits: 5, value_kind: 'weight_g', value_digits: 5 }],
  }),
  data_version: 'hub:7',
};

describe('buildOrderSnapshot', () => {
  it('turns a priced basket into an order.completed that HQ accepts, totals unchanged', () => {
    const basket = {
      basket_id: 'b-1',
      evaluation_time: '2026-03-01T10:00:00Z',
      lines: [
        { line_id: 'l1', item_id: 'milk', quantity: 3 },
        { line_id: 'l2', item_id: 'wine', quantity: 1 },
        { line_id: 'l3', item_id: 'cheese', weight_g: 250 },
      ],
    };
    const priced = JSON.parse(pricedBasketToJson(priceBasket(basket, store))) as PricedBasketJson;
    expect(priced.lines).toHaveLength(3);
    const snap = buildOrderSnapshot({
      order: {
        order_id: 'o-1',
        o_id: 100001,
        transaction_id_poslog: '17',
        receipt_number: 'T001-000017',
        store_id: STORE_A,
        device_id: 'dev-1',
        order_status: 'completed',
        payment_status: 'captured_live_mode',
        created_at: '2026-03-01T10:00:00.000Z',
        completed_at: '2026-03-01T10:01:00.000Z',
        business_date: '2026-03-01',
      },
      priced,
      currency: 'EUR',
      basket,
      tenders: [
        {
          tender_id: 't-1',
          method: 'card',
          amount: priced.totals.total_after_tax,
          status: 'captured',
          card_brand: 'VISA',
          card_last4: '4242',
        },
      ],
    });
    const r = decodeEvent(envelope('order.completed', 'o-1', snap), { topic: storeEventsTopic(STORE_A) });
    expect(r.ok, JSON.stringify(!r.ok && r.reason)).toBe(true);
    expect(snap.totals.total_after_tax).toBe(priced.totals.total_after_tax);
    expect(snap.payment.captured_amount).toBe(priced.totals.total_after_tax);
    const lineSum = snap.items.reduce((s, i) => s + parseMinor(i.pricing.total_payable_price), 0n);
    expect(lineSum).toBe(parseMinor(priced.totals.total_after_discount));
    expect(snap.items[2]?.quantity).toBe(250);
    expect(snap.items[0]?.taxes_applied[0]?.tax_percent).toBe('5.50');
  });
});
