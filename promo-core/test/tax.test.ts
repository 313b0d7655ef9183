import { describe, expect, it } from 'vitest';
import {
  apportion,
  computeTax,
  formatDecimal,
  formatTaxPercent,
  parseDecimal,
  parseStoreTaxConfig,
  parseTaxTable,
  reverseTax,
  TaxError,
  type TaxInput,
  type TaxLevel,
  type TaxResult,
} from '../src/index';

const m4 = (s: string) => parseDecimal(s, 4);
const money = (v: bigint) => formatDecimal(v, 2);
const lvl = (taxCode: string, id: string, pct: string): TaxLevel => ({
  taxCode,
  taxLevel: id,
  retailerTaxLevelId: id,
  ratePpm: parseDecimal(pct, 4),
});
const UK = [lvl('STD', 'VAT', '20.00'), lvl('ZERO', 'VAT', '0.00'), lvl('RED', 'VAT', '5.00')];
const US = [
  lvl('GEN', 'STATE', '6.25'),
  lvl('GEN', 'CITY', '2.00'),
  lvl('FOOD', 'STATE', '0.00'),
  lvl('FOOD', 'CITY', '1.00'),
];
const GST = [lvl('GST18', 'CGST', '9.00'), lvl('GST18', 'SGST', '9.00')];
const line = (lineId: string, amount: string, taxCode?: string) => ({ lineId, amount4: m4(amount), taxCode });

const totals = (r: TaxResult) => ({
  tax: money(r.totalTax),
  after: money(r.totalAfterTax),
  excl: money(r.totalExclTax),
});
const rows = (r: TaxResult) =>
  r.breakup.map((b) => `${b.retailerTaxLevelId} ${b.taxPercent} ${money(b.taxMinor)}`);

describe('computeTax: spec §4.4 examples', () => {
  it('A: inclusive, two rates, row rounding', () => {
    const r = computeTax({
      pricesIncludeTax: true,
      taxTable: UK,
      lines: [line('1', '3.00', 'STD'), line('2', '1.20', 'ZERO'), line('3', '2.00', 'STD')],
    });
    expect(totals(r)).toEqual({ tax: '0.83', after: '6.20', excl: '5.37' });
    expect(rows(r)).toEqual(['VAT 20.00 0.83', 'VAT 0.00 0.00']);
    expect(r.lines.map((l) => formatDecimal(l.tax4, 4))).toEqual(['0.5000', '0.0000', '0.3333']);
    expect(r.breakup[0]!.taxableBasis).toBe('gross');
    expect(money(r.breakup[0]!.taxableMinor)).toBe('5.00');
    expect(formatDecimal(r.breakup[0]!.net4, 4)).toBe('4.1667');
  });

  it('B: the rounding unit decides the penny', () => {
    const base: TaxInput = {
      pricesIncludeTax: true,
      taxTable: UK,
      lines: [line('1', '0.10', 'STD'), line('2', '0.10', 'STD'), line('3', '0.10', 'STD')],
    };
    expect(computeTax({ ...base, rounding: { mode: 'half_up', unit: 'breakup_row' } }).totalTax).toBe(5n);
    expect(computeTax({ ...base, rounding: { mode: 'half_up', unit: 'line' } }).totalTax).toBe(6n);
    expect(computeTax({ ...base, rounding: { mode: 'half_up', unit: 'basket' } }).totalTax).toBe(5n);
  });

  it('C: exclusive, two levels per code, each mode', () => {
    const lines = [line('1', '18.00', 'GEN'), line('2', '6.98', 'FOOD')];
    const run = (mode: 'half_up' | 'half_even' | 'down', unit: 'breakup_row' | 'line' | 'basket') =>
      computeTax({ pricesIncludeTax: false, taxTable: US, lines, rounding: { mode, unit } });
    const hu = run('half_up', 'breakup_row');
    expect(totals(hu)).toEqual({ tax: '1.56', after: '26.54', excl: '24.98' });
    expect(rows(hu)).toEqual(['STATE 6.25 1.13', 'CITY 2.00 0.36', 'STATE 0.00 0.00', 'CITY 1.00 0.07']);
    expect(hu.breakup[0]!.taxableBasis).toBe('net');
    expect(rows(run('half_even', 'breakup_row'))).toEqual([
      'STATE 6.25 1.12',
      'CITY 2.00 0.36',
      'STATE 0.00 0.00',
      'CITY 1.00 0.07',
    ]);
    expect(run('half_even', 'breakup_row').totalTax).toBe(155n);
    expect(run('half_up', 'basket').totalTax).toBe(155n);
    // down: 1.125 → 1.12, 0.36, 0.0698 → 0.06
    expect(run('down', 'breakup_row').totalTax).toBe(154n);
    expect(run('down', 'line').totalTax).toBe(154n);
    expect(run('down', 'basket').totalTax).toBe(155n);
    expect(run('half_up', 'line').totalTax).toBe(156n);
  });

  it('D: allocated discount before tax (inclusive)', () => {
    const r = computeTax({
      pricesIncludeTax: true,
      taxTable: UK,
      lines: [line('A', '36.00', 'STD'), line('B', '9.00', 'RED')],
    });
    expect(totals(r)).toEqual({ tax: '6.43', after: '45.00', excl: '38.57' });
  });

  it('G: exemption ALL and by code', () => {
    const table = [lvl('GEN', 'TAX', '13.00'), lvl('FOOD', 'TAX', '5.00')];
    const lines = [line('1', '100.00', 'GEN'), line('2', '40.00', 'GEN'), line('3', '2.00', 'FOOD')];
    const normal = computeTax({ pricesIncludeTax: false, taxTable: table, lines });
    expect(totals(normal)).toEqual({ tax: '18.30', after: '160.30', excl: '142.00' });
    const all = computeTax({
      pricesIncludeTax: false,
      taxTable: table,
      lines,
      exemption: {
        exemptTaxCodes: 'ALL',
        programId: 'diplomat',
        label: 'Diplomatic exemption',
        reference: 'C-1',
      },
    });
    expect(totals(all)).toEqual({ tax: '0.00', after: '142.00', excl: '142.00' });
    expect(all.exemption?.label).toBe('Diplomatic exemption');
    expect(all.breakup.every((b) => b.exempt && b.ratePpm === 0n)).toBe(true);
    expect(all.lines[0]!.levels[0]!.tableRatePpm).toBe(130000n);
    const gen = computeTax({
      pricesIncludeTax: false,
      taxTable: table,
      lines,
      exemption: { exemptTaxCodes: ['GEN'] },
    });
    expect(totals(gen)).toEqual({ tax: '0.10', after: '142.10', excl: '142.00' });
    expect(rows(gen)).toEqual(['TAX 0.00 0.00', 'TAX 5.00 0.10']);
  });

  it('H: refund one water then the other; the ledger reconciles exactly', () => {
    const sale = computeTax({
      pricesIncludeTax: true,
      taxTable: UK,
      lines: [line('1', '3.00', 'STD'), line('2', '1.20', 'ZERO'), line('3', '2.00', 'STD')],
    });
    const first = reverseTax({ original: sale, lines: [{ lineId: '3', quantity: 1, ofQuantity: 2 }] });
    expect(formatDecimal(first.lines[0]!.tax4, 4)).toBe('0.1667');
    expect(money(first.totalTax)).toBe('0.17');
    expect(money(first.totalAfterTax)).toBe('1.00');
    const second = reverseTax({
      original: sale,
      lines: [{ lineId: '3', quantity: 1, ofQuantity: 2, alreadyRefunded: 1 }],
    });
    expect(formatDecimal(second.lines[0]!.tax4, 4)).toBe('0.1666');
    expect(money(second.totalTax)).toBe('0.17');
    expect(first.lines[0]!.tax4 + second.lines[0]!.tax4).toBe(sale.lines[2]!.tax4);
  });
});

describe('computeTax: multi-level inclusive', () => {
  it('uses the combined rate, never p/(100+p) level by level', () => {
    const r = computeTax({ pricesIncludeTax: true, taxTable: GST, lines: [line('1', '118.00', 'GST18')] });
    expect(r.lines[0]!.levels.map((l) => formatDecimal(l.tax4, 4))).toEqual(['9.0000', '9.0000']);
    expect(totals(r)).toEqual({ tax: '18.00', after: '118.00', excl: '100.00' });
    expect(r.lines[0]!.net4 + r.lines[0]!.tax4).toBe(r.lines[0]!.gross4);
  });

  it('basket unit apportions breakup rows so they add up to the total', () => {
    const r = computeTax({
      pricesIncludeTax: true,
      taxTable: GST,
      rounding: { mode: 'half_up', unit: 'basket' },
      lines: [line('1', '10.00', 'GST18')],
    });
    expect(r.totalTax).toBe(153n);
    expect(rows(r)).toEqual(['CGST 9.00 0.77', 'SGST 9.00 0.76']);
  });
});

describe('computeTax: special lines, defaults and refusals', () => {
  it('resolves special-line codes, the default code, and leaves an uncoded donation out of tax', () => {
    const r = computeTax({
      pricesIncludeTax: true,
      taxTable: UK,
      defaultTaxCode: 'STD',
      codesForSpecialLines: { bag: 'STD', deposit: 'ZERO' },
      lines: [
        { lineId: 'bag', amount4: m4('0.10'), kind: 'bag' },
        { lineId: 'i', amount4: m4('1.20') },
        { lineId: 'don', amount4: m4('1.00'), kind: 'donation' },
        { lineId: 'dep', amount4: m4('0.25'), kind: 'deposit' },
      ],
    });
    expect(r.lines.map((l) => l.taxCode)).toEqual(['STD', 'STD', null, 'ZERO']);
    expect(r.lines[2]!.levels).toEqual([]);
    expect(totals(r)).toEqual({ tax: '0.22', after: '2.55', excl: '2.33' });
  });

  it('item-rate stores tax a line at its own rate', () => {
    const r = computeTax({
      pricesIncludeTax: false,
      taxTable: [],
      lines: [{ lineId: '1', amount4: m4('10.00'), ratePpm: parseDecimal('7.5', 4) }],
    });
    expect(money(r.totalTax)).toBe('0.75');
  });

  it('refuses a line without a code (never taxes silently at 0)', () => {
    const run = () =>
      computeTax({ pricesIncludeTax: true, taxTable: UK, lines: [{ lineId: 'x', amount4: 100n }] });
    expect(run).toThrow(TaxError);
    try {
      run();
    } catch (e) {
      expect((e as TaxError).toJSON()).toEqual({
        error: { code: 'TAX_CODE_MISSING', message: expect.any(String), details: { lineId: 'x' } },
      });
    }
  });

  it('refuses unknown codes, duplicated levels, duplicated lines and bad exponents', () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return (e as TaxError).code;
      }
    };
    expect(
      code(() => computeTax({ pricesIncludeTax: true, taxTable: UK, lines: [line('1', '1.00', 'LUX')] })),
    ).toBe('TAX_CODE_UNKNOWN');
    expect(
      code(() =>
        computeTax({ pricesIncludeTax: true, taxTable: [...UK, lvl('STD', 'VAT', '5.00')], lines: [] }),
      ),
    ).toBe('TAX_TABLE_DUPLICATE_LEVEL');
    expect(
      code(() =>
        computeTax({
          pricesIncludeTax: true,
          taxTable: UK,
          lines: [line('1', '1.00', 'STD'), line('1', '1.00', 'STD')],
        }),
      ),
    ).toBe('TAX_INPUT_INVALID');
    expect(
      code(() => computeTax({ pricesIncludeTax: true, taxTable: UK, lines: [], currencyExponent: 5 })),
    ).toBe('TAX_INPUT_INVALID');
  });

  it('works for a 0-exponent currency (minor unit = major unit)', () => {
    const r = computeTax({
      pricesIncludeTax: true,
      taxTable: [lvl('STD', 'CT', '10.00')],
      currencyExponent: 0,
      lines: [line('1', '1000', 'STD')],
    });
    expect(r.totalTax).toBe(91n); // 1000 × 10/110 = 90.9091 → 91 yen
    expect(r.totalExclTax).toBe(909n);
  });
});

describe('reverseTax', () => {
  const sale = computeTax({
    pricesIncludeTax: false,
    taxTable: US,
    lines: [line('1', '18.00', 'GEN'), line('2', '6.98', 'FOOD')],
  });

  it('refunds by amount and refuses more than what is left', () => {
    const half = reverseTax({ original: sale, lines: [{ lineId: '1', amount4: m4('9.00') }] });
    expect(money(half.totalAfterTax)).toBe(money(900n + half.totalTax));
    expect(() =>
      reverseTax({
        original: sale,
        lines: [{ lineId: '1', amount4: m4('9.01'), alreadyRefundedAmount4: m4('9.00') }],
      }),
    ).toThrow(/what is left/);
    expect(() =>
      reverseTax({ original: sale, lines: [{ lineId: '9', quantity: 1, ofQuantity: 1 }] }),
    ).toThrow(/not in the original/);
    expect(() =>
      reverseTax({ original: sale, lines: [{ lineId: '1', quantity: 0, ofQuantity: 1 }] }),
    ).toThrow(TaxError);
  });

  it('a full refund mirrors the sale', () => {
    const all = reverseTax({
      original: sale,
      lines: [
        { lineId: '1', quantity: 1, ofQuantity: 1 },
        { lineId: '2', quantity: 2, ofQuantity: 2 },
      ],
    });
    expect(all.totalTax).toBe(sale.totalTax);
    expect(all.totalAfterTax).toBe(sale.totalAfterTax);
    expect(all.lines.map((l) => l.levels.map((v) => v.tax4))).toEqual(
      sale.lines.map((l) => l.levels.map((v) => v.tax4)),
    );
  });
});

describe('helpers and wire parsing', () => {
  it('apportion keeps the total and gives remainders to the largest fractions, earlier first on ties', () => {
    expect(apportion(500n, [16667n, 16667n, 16666n], 100n)).toEqual([167n, 167n, 166n]);
    expect(apportion(153n, [7627n, 7627n], 100n)).toEqual([77n, 76n]);
    expect(apportion(0n, [12n, 12n], 100n)).toEqual([0n, 0n]);
    expect(apportion(-2n, [-150n, -50n], 100n)).toEqual([-2n, 0n]);
  });

  it('formats percentages', () => {
    expect(formatTaxPercent(200000n)).toBe('20.00');
    expect(formatTaxPercent(0n)).toBe('0.00');
    expect(formatTaxPercent(62500n)).toBe('6.25');
    expect(formatTaxPercent(62512n)).toBe('6.2512');
  });

  it('parses a tax table and a store config with spec defaults', () => {
    expect(
      parseTaxTable([
        { tax_code: 'STD', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '20.00' },
      ]),
    ).toEqual([{ taxCode: 'STD', taxLevel: 'VAT', retailerTaxLevelId: 'VAT', ratePpm: 200000n }]);
    expect(() =>
      parseTaxTable([
        { tax_code: 'STD', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '20.00' },
        { tax_code: 'STD', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '5.00' },
      ]),
    ).toThrow(TaxError);
    expect(() => parseTaxTable([{ tax_code: 'STD', tax_percent: '-1' }])).toThrow(/invalid tax table/);
    const cfg = parseStoreTaxConfig({ prices_include_tax: true });
    expect(cfg.rounding).toEqual({ mode: 'half_up', unit: 'breakup_row' });
    expect(cfg.source).toBe('tax_table');
    expect(cfg.display.showTaxBreakup).toBe(true);
  });
});
