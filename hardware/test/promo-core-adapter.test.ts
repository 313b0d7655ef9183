import { buildReceipt, type CompletedOrderInput } from '@kassa/promo-core';
import { describe, expect, it } from 'vitest';
import { EscPosParser, printableFromDocument, renderReceipt, type PaperItem } from '../src/index';

const order: CompletedOrderInput = {
  type: 'order',
  orderId: '7d9c1a52-3f7e-4b8e-9a41-0c2f5d6e7a10',
  oId: 100234,
  transactionIdPoslog: '000412',
  receiptNumber: 'LDN01.SAL.K1.000412',
  createdAt: '2025-06-02T11:58:00Z',
  completedAt: '2025-06-02T12:01:30Z',
  device: { retailerDeviceId: 'K1' },
  lines: [
    {
      lineId: '1',
      name: 'Milk 1L',
      quantity: 1,
      unitPrice: 120n,
      grossAmount: 120n,
      discounts: [],
      amount: 120n,
      taxCode: 'ZERO',
    },
    {
      lineId: '2',
      name: 'Water',
      quantity: 2,
      unitPrice: 100n,
      grossAmount: 200n,
      discounts: [],
      amount: 200n,
      taxCode: 'STD',
    },
  ],
  basketDiscounts: [],
  pricesIncludeTax: true,
  totals: { subtotal: 320n, totalDiscount: 0n, totalTax: 33n, totalExclTax: 287n, totalAfterTax: 320n },
  taxBreakup: [
    { taxLevel: 'VAT', retailerTaxLevelId: 'VAT', taxPercent: '20.00', taxableAmount: 200n, taxAmount: 33n },
  ],
  tenders: [{ method: 'CASH', amount: 320n, cashTendered: 500n, changeGiven: 180n }],
};

const config = {
  store: { name: 'Kassa Market', addressLines: ['1 High Street'] },
  timezone: 'Europe/London',
  currencySign: '£',
};

describe("promo-core's receipt document on paper", () => {
  it.each([32, 42, 48] as const)('prints the order receipt at %i columns', (columns) => {
    const doc = buildReceipt(order, config);
    const items: PaperItem[] = new EscPosParser()
      .push(renderReceipt(printableFromDocument(doc), { columns }))
      .flatMap((e) => (e.type === 'paper' ? [e.item] : []));
    const lines = items.flatMap((i) => (i.type === 'text' ? [i.text] : []));
    expect(lines).toContain('Kassa Market');
    expect(lines.some((l) => /^TOTAL +£3\.20$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('Milk 1L'))).toBe(true);
    expect(items.filter((i) => i.type === 'qr')).toMatchObject([{ data: doc.meta.qr }]);
    expect(items.some((i) => i.type === 'barcode')).toBe(true);
    for (const i of items) if (i.type === 'text') expect(i.raw.length).toBeLessThanOrEqual(columns);
  });
});
