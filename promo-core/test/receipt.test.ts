import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildReceipt,
  computeTax,
  formatReceiptNumber,
  formatStoreDateTime,
  parseDecimal,
  qrPayload,
  receiptCheckDigit,
  receiptDocumentSchema,
  receiptTaxRows,
  renderReceiptText,
  ReceiptError,
  ReceiptNumberError,
  type CompletedOrderInput,
  type ReceiptLineInput,
  type StoreReceiptConfigInput,
  type TaxLevel,
} from '../src/index';

const WIDTHS = [32, 42, 48] as const;
const lvl = (taxCode: string, id: string, pct: string): TaxLevel => ({
  taxCode,
  taxLevel: id,
  retailerTaxLevelId: id,
  ratePpm: parseDecimal(pct, 4),
});

const config: StoreReceiptConfigInput = {
  store: {
    name: 'Kassa Market',
    addressLines: ['1 High Street', 'London N1 1AA'],
    taxRegistrationHeader: 'VAT No.',
    taxRegistrationNumber: 'GB123456789',
  },
  timezone: 'Europe/London',
  currencySign: '£',
  footer: { returnPolicy: 'Returns within 30 days with this receipt.' },
};

const LONG_NAME = 'Chicken and smoked bacon club sandwich on malted bread';
const itemLine = (
  lineId: string,
  name: string,
  quantity: number,
  unitPrice: bigint,
  taxCode: string,
  discount?: { label: string; amount: bigint },
): ReceiptLineInput => ({
  lineId,
  name,
  quantity,
  unitPrice,
  grossAmount: unitPrice * BigInt(quantity),
  discounts: discount ? [discount] : [],
  amount: unitPrice * BigInt(quantity) - (discount?.amount ?? 0n),
  taxCode,
});

/** Example A of store.md §4.4 as a completed order, its tax taken from the real engine. */
function exampleA(): CompletedOrderInput {
  const lines = [
    itemLine('1', LONG_NAME, 1, 350n, 'STD', { label: 'Meal deal', amount: 50n }),
    itemLine('2', 'Milk 1L', 1, 120n, 'ZERO'),
    itemLine('3', 'Water', 2, 100n, 'STD'),
  ];
  const tax = computeTax({
    pricesIncludeTax: true,
    taxTable: [lvl('STD', 'VAT', '20.00'), lvl('ZERO', 'VAT', '0.00')],
    lines: lines.map((l) => ({ lineId: l.lineId, amount4: l.amount * 100n, taxCode: l.taxCode })),
  });
  return {
    type: 'order',
    orderId: '7d9c1a52-3f7e-4b8e-9a41-0c2f5d6e7a10',
    oId: 100234,
    transactionIdPoslog: '000412',
    receiptNumber: 'LDN01.SAL.K1.000412',
    createdAt: '2025-06-02T11:58:00Z',
    completedAt: '2025-06-02T12:01:30Z',
    device: { retailerDeviceId: 'K1' },
    lines,
    basketDiscounts: [],
    pricesIncludeTax: true,
    totals: {
      subtotal: 670n,
      totalDiscount: 50n,
      totalTax: tax.totalTax,
      totalExclTax: tax.totalExclTax,
      totalAfterTax: tax.totalAfterTax,
    },
    taxBreakup: receiptTaxRows(tax),
    tenders: [{ method: 'CASH', amount: 620n, cashTendered: 1000n, changeGiven: 380n }],
  };
}

const findLine = (lines: string[], start: string) => lines.find((l) => l.trimStart().startsWith(start));

describe('buildReceipt + renderReceiptText: an inclusive order (Example A)', () => {
  const doc = buildReceipt(exampleA(), config);

  it('is a valid, JSON-serialisable document', () => {
    expect(receiptDocumentSchema.parse(doc)).toEqual(doc);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(doc.meta).toMatchObject({
      type: 'order',
      total: '6.20',
      qr: '7d9c1a52-3f7e-4b8e-9a41-0c2f5d6e7a10',
    });
  });

  for (const width of WIDTHS) {
    it(`reads right at ${width} columns`, () => {
      const lines = renderReceiptText(doc, { width });
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(width);

      // The total, right-aligned at the edge, then "of which VAT" (spec §4.7 inclusive layout).
      const total = findLine(lines, 'TOTAL')!;
      expect(total).toMatch(/^TOTAL +£6\.20$/);
      expect(total.length).toBe(width);
      const ofWhich = lines.indexOf(findLine(lines, 'of which VAT')!);
      expect(lines[ofWhich]).toMatch(/ 0\.83$/);
      expect(ofWhich).toBeGreaterThan(lines.indexOf(total));

      // Tax table: only the non-zero row.
      expect(findLine(lines, 'VAT 20%')).toMatch(/^VAT 20% +5\.00 +0\.83$/);
      expect(findLine(lines, 'VAT 0%')).toBeUndefined();
      expect(findLine(lines, 'Total excl. VAT')).toMatch(/ 5\.37$/);

      // Cash and change.
      expect(findLine(lines, 'Cash tendered')).toMatch(/ 10\.00$/);
      expect(findLine(lines, 'CHANGE')).toMatch(/^CHANGE +3\.80$/);

      // The long name wraps, keeps every word, and its amount sits at the right edge.
      const start = lines.findIndex((l) => l.startsWith('Chicken'));
      const block = lines.slice(start, start + 4).join(' ');
      for (const word of LONG_NAME.split(' ')) expect(block).toContain(word);
      expect(lines.some((l) => l.length === width && l.endsWith(' 3.50'))).toBe(true);
      expect(findLine(lines, 'Meal deal')).toMatch(/ -0\.50$/);
      expect(findLine(lines, '2 x 1.00')).toBeDefined();

      // Numbers and header.
      expect(findLine(lines, 'Order no.')).toMatch(/ 100234$/);
      expect(findLine(lines, 'Trans.')).toMatch(/ K1-000412$/);
      expect(findLine(lines, 'Date')).toMatch(/ 02\/06\/2025 13:01$/);
      expect(lines.some((l) => l.includes('VAT No. GB123456789'))).toBe(true);
    });
  }

  it('prints a statement instead of the table when the breakup is off', () => {
    const lines = renderReceiptText(
      buildReceipt(exampleA(), { ...config, showTaxBreakup: false, vatStatement: 'VAT 20% included' }),
      { width: 42 },
    );
    expect(lines).toContain('VAT 20% included');
    expect(findLine(lines, 'VAT 20%  ')).toBeUndefined();
  });

  it('marks a reprint as a copy and prints tax marks next to lines when asked', () => {
    const lines = renderReceiptText(
      buildReceipt(
        { ...exampleA(), copy: true },
        { ...config, showVatTypeOnLines: true, taxMarks: { STD: 'A' } },
      ),
      { width: 32 },
    );
    expect(lines.some((l) => l.trim() === '*** COPY ***')).toBe(true);
    expect(findLine(lines, 'Milk 1L')).toMatch(/ 1\.20 ZERO$/);
    expect(lines.some((l) => / 3\.50 A$/.test(l))).toBe(true);
  });
});

describe('exclusive stores, exemptions, refunds, gifts', () => {
  const US = [
    lvl('GEN', 'STATE', '6.25'),
    lvl('GEN', 'CITY', '2.00'),
    lvl('FOOD', 'STATE', '0.00'),
    lvl('FOOD', 'CITY', '1.00'),
  ];
  function exampleC(): CompletedOrderInput {
    const lines = [
      itemLine('1', 'T-shirt', 1, 2000n, 'GEN', { label: '10% off tops', amount: 200n }),
      itemLine('2', 'Snack', 2, 349n, 'FOOD'),
    ];
    const tax = computeTax({
      pricesIncludeTax: false,
      taxTable: US,
      lines: lines.map((l) => ({ lineId: l.lineId, amount4: l.amount * 100n, taxCode: l.taxCode })),
    });
    return {
      ...exampleA(),
      lines,
      pricesIncludeTax: false,
      totals: {
        subtotal: 2698n,
        totalDiscount: 200n,
        totalTax: tax.totalTax,
        totalExclTax: tax.totalExclTax,
        totalAfterTax: tax.totalAfterTax,
      },
      taxBreakup: receiptTaxRows(tax),
      tenders: [
        { method: 'CARD_TERMINAL', amount: tax.totalAfterTax, card: { brand: 'VISA', last4: '4242' } },
      ],
    };
  }

  it('prints the subtotal, each tax row, then the total (spec §4.7)', () => {
    for (const width of WIDTHS) {
      const lines = renderReceiptText(buildReceipt(exampleC(), { ...config, currencySign: '$' }), { width });
      const at = (s: string) => lines.findIndex((l) => l.startsWith(s));
      expect(lines[at('Total excl. Tax')]).toMatch(/ 24\.98$/);
      expect(lines[at('STATE 6.25%')]).toMatch(/ 1\.13$/);
      expect(lines[at('CITY 2%')]).toMatch(/ 0\.36$/);
      expect(lines[at('CITY 1%')]).toMatch(/ 0\.07$/);
      expect(at('STATE 0%')).toBe(-1);
      expect(lines[at('TOTAL')]).toMatch(/^TOTAL +\$26\.54$/);
      expect(at('Total excl. Tax')).toBeLessThan(at('STATE 6.25%'));
      expect(at('CITY 1%')).toBeLessThan(at('TOTAL'));
      expect(lines.some((l) => l.includes('VISA **** 4242'))).toBe(true);
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(width);
    }
  });

  it('prints the exemption programme and reference (Example G)', () => {
    const order: CompletedOrderInput = {
      ...exampleC(),
      totals: {
        subtotal: 14000n,
        totalDiscount: 0n,
        totalTax: 0n,
        totalExclTax: 14000n,
        totalAfterTax: 14000n,
      },
      lines: [itemLine('1', 'Jacket', 1, 10000n, 'GEN'), itemLine('2', 'Shoes', 1, 4000n, 'GEN')],
      taxBreakup: [
        {
          taxLevel: 'TAX',
          retailerTaxLevelId: 'TAX',
          taxPercent: '0.00',
          taxableAmount: 14000n,
          taxAmount: 0n,
        },
      ],
      taxExemption: { label: 'Diplomatic exemption', reference: 'CERT-991' },
    };
    const lines = renderReceiptText(buildReceipt(order, config), { width: 42 });
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain(
      'Tax exemption: Diplomatic exemption ref. CERT-991',
    );
    expect(findLine(lines, 'TOTAL')).toMatch(/£140\.00$/);
  });

  it('a refund receipt names the original order and the tax reversed', () => {
    const order: CompletedOrderInput = {
      ...exampleA(),
      type: 'refund',
      receiptNumber: 'LDN01.REF.K1.000415',
      lines: [itemLine('3', 'Water', 1, 100n, 'STD')],
      totals: { subtotal: 100n, totalDiscount: 0n, totalTax: 17n, totalExclTax: 83n, totalAfterTax: 100n },
      taxBreakup: [
        {
          taxLevel: 'VAT',
          retailerTaxLevelId: 'VAT',
          taxPercent: '20.00',
          taxableAmount: 100n,
          taxAmount: 17n,
        },
      ],
      tenders: [{ method: 'CASH', amount: 100n }],
      refund: {
        refundId: 'rf-1',
        refundPoslog: '000415',
        originalOrderNumber: '100234',
        originalDate: '2025-06-02T12:01:30Z',
        reason: 'Damaged',
        staffId: 'S-17',
      },
    };
    const lines = renderReceiptText(buildReceipt(order, config), { width: 32 });
    expect(lines.some((l) => l.trim() === 'REFUND')).toBe(true);
    expect(findLine(lines, 'Original order')).toMatch(/ 100234$/);
    expect(findLine(lines, 'REFUND TOTAL')).toMatch(/£1\.00$/);
    expect(findLine(lines, 'of which VAT reversed')).toMatch(/ 0\.17$/);
    expect(findLine(lines, 'You saved')).toBeUndefined();
  });

  it('a gift receipt shows no prices', () => {
    const doc = buildReceipt({ ...exampleA(), type: 'gift' }, config);
    const lines = renderReceiptText(doc, { width: 42 });
    expect(lines.some((l) => l.trim() === 'GIFT RECEIPT')).toBe(true);
    expect(lines.join('\n')).not.toMatch(/\d+\.\d\d\b(?!\/)/);
    expect(findLine(lines, 'TOTAL')).toBeUndefined();
  });

  it('a payment-failed slip shows the attempted amount and the reference', () => {
    const doc = buildReceipt(
      {
        ...exampleA(),
        type: 'payment_failed',
        paymentFailure: { attemptedAmount: 620n, sessionReference: 'PSP-88' },
      },
      config,
    );
    const lines = renderReceiptText(doc, { width: 32 });
    expect(findLine(lines, 'Amount attempted')).toMatch(/ 6\.20$/);
    expect(lines.join('\n')).toContain('Payment reference: PSP-88');
    expect(doc.sections.some((s) => s.name === 'items')).toBe(false);
  });

  it('rejects an invalid configuration with a structured error', () => {
    expect(() => buildReceipt(exampleA(), { ...config, qrContent: 'barcode' } as never)).toThrow(
      ReceiptError,
    );
    try {
      buildReceipt(exampleA(), { ...config, timezone: 'Mars/Olympus' });
      expect.unreachable();
    } catch (e) {
      expect((e as ReceiptError).toJSON().error.code).toBe('RECEIPT_CONFIG_INVALID');
    }
  });
});

describe('item table layout (basket_item_header_*)', () => {
  it('prints Item / Qty / Price / Total columns, moving long names above the figures when narrow', () => {
    const doc = buildReceipt(exampleA(), { ...config, itemTable: {} });
    const wide = renderReceiptText(doc, { width: 48 });
    expect(findLine(wide, 'Item')).toMatch(/^Item +Qty +Price +Total$/);
    expect(findLine(wide, 'Water')).toMatch(/^Water +2 +1\.00 +2\.00$/);
    const narrow = renderReceiptText(doc, { width: 32 });
    for (const l of narrow) expect(l.length).toBeLessThanOrEqual(32);
    const i = narrow.findIndex((l) => l.startsWith('Water'));
    expect(narrow[i]).toBe('Water');
    expect(narrow[i + 1]).toMatch(/^ +2 +1\.00 +2\.00$/);
  });
});

describe('numbers, QR payloads and dates', () => {
  it('renders the spec templates (§5.2)', () => {
    const v = { retailerStoreId: 'LDN01', device: 'K1', poslog: '412', oId: 100234, date: '2025-06-02' };
    expect(formatReceiptNumber('{retailer_store_id}.SAL.{device}.{poslog:6}', v)).toBe('LDN01.SAL.K1.000412');
    expect(formatReceiptNumber('T{device:10}{poslog:9}', v)).toBe('T00000000K1000000412');
    expect(formatReceiptNumber('88{poslog:6}{date:YYYYMMDD}{check}', v)).toBe(
      `8800041220250602${receiptCheckDigit('8800041220250602')}`,
    );
    expect(receiptCheckDigit('7992739871')).toBe(3);
    expect(() => formatReceiptNumber('{device}-{poslog}', { device: 'K1' })).toThrow(ReceiptNumberError);
    expect(() => formatReceiptNumber('{poslog:2}', v)).toThrow(/longer/);
  });

  it('chooses the QR content per store', () => {
    const o = { orderId: 'o-1', receiptNumber: 'R 1' };
    expect(qrPayload(o, { qrContent: 'order_id' })).toBe('o-1');
    expect(qrPayload(o, { qrContent: 'none' })).toBeNull();
    expect(
      qrPayload(o, {
        qrContent: 'receipt_url',
        receiptUrlTemplate: 'https://r.example/{order_id}?n={receipt_number}',
      }),
    ).toBe('https://r.example/o-1?n=R%201');
    expect(qrPayload({ ...o, fiscalQr: 'AQ==' }, { qrContent: 'fiscal_qr' })).toBe('AQ==');
  });

  it('prints the store-local time', () => {
    expect(formatStoreDateTime('2025-06-02T12:01:30Z', 'Europe/London', '%d/%m/%Y %H:%M')).toBe(
      '02/06/2025 13:01',
    );
    expect(formatStoreDateTime('2025-01-02T23:30:00Z', 'America/New_York', '%Y-%m-%d %I:%M %p')).toBe(
      '2025-01-02 06:30 PM',
    );
  });
});

describe('rendering properties', () => {
  it('no line is wider than the paper and every amount is printed whole', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9&'é-]{1,30}$/);
    const lineArb = fc.record({
      name: fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(' ')),
      quantity: fc.integer({ min: 1, max: 99 }),
      unitPrice: fc.bigInt({ min: 1n, max: 9_999_999n }),
      discount: fc.bigInt({ min: 0n, max: 100_000n }),
    });
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...WIDTHS),
        fc.boolean(),
        (ls, width, table) => {
          const lines: ReceiptLineInput[] = ls.map((l, i) =>
            itemLine(
              String(i),
              l.name,
              l.quantity,
              l.unitPrice,
              'STD',
              l.discount > 0n ? { label: 'Promo', amount: l.discount } : undefined,
            ),
          );
          const total = lines.reduce((a, l) => a + l.amount, 0n);
          const order: CompletedOrderInput = {
            ...exampleA(),
            lines,
            totals: {
              subtotal: total,
              totalDiscount: 0n,
              totalTax: total / 6n,
              totalExclTax: total - total / 6n,
              totalAfterTax: total,
            },
            taxBreakup: [
              {
                taxLevel: 'VAT',
                retailerTaxLevelId: 'VAT',
                taxPercent: '20.00',
                taxableAmount: total,
                taxAmount: total / 6n,
              },
            ],
            tenders: [{ method: 'CARD_TERMINAL', amount: total }],
          };
          const out = renderReceiptText(buildReceipt(order, table ? { ...config, itemTable: {} } : config), {
            width,
          });
          for (const l of out) expect([...l].length).toBeLessThanOrEqual(width);
          const text = out.join('\n');
          for (const l of lines) expect(text).toContain(` ${(Number(l.grossAmount) / 100).toFixed(2)}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});
