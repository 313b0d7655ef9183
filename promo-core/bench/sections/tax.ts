/**
 * Tax engine and receipt rendering cost per basket, against same-run baselines: the bare
 * arithmetic floor (one bigint multiply-divide per line and level, no ledger, no grouping) and,
 * for receipts, a JSON round trip of the same order.
 */
import {
  buildReceipt,
  computeTax,
  receiptTaxRows,
  renderReceiptText,
  type CompletedOrderInput,
  type TaxInput,
  type TaxLevel,
} from '../../src';
import { measure, ms, rate } from '../stats';

const table: TaxLevel[] = [
  { taxCode: 'STD', taxLevel: 'VAT', retailerTaxLevelId: 'VAT', ratePpm: 200000n },
  { taxCode: 'RED', taxLevel: 'VAT', retailerTaxLevelId: 'VAT', ratePpm: 50000n },
  { taxCode: 'ZERO', taxLevel: 'VAT', retailerTaxLevelId: 'VAT', ratePpm: 0n },
  { taxCode: 'GEN', taxLevel: 'STATE', retailerTaxLevelId: 'STATE', ratePpm: 62500n },
  { taxCode: 'GEN', taxLevel: 'CITY', retailerTaxLevelId: 'CITY', ratePpm: 20000n },
];
const codes = ['STD', 'RED', 'ZERO', 'GEN'];

function basket(n: number): TaxInput {
  return {
    pricesIncludeTax: true,
    taxTable: table,
    lines: Array.from({ length: n }, (_, i) => ({
      lineId: String(i),
      amount4: BigInt(((i * 7919) % 5000) + 49) * 100n,
      taxCode: codes[i % codes.length]!,
    })),
  };
}

function floor(input: TaxInput): bigint {
  const rates = new Map<string, bigint[]>();
  for (const l of input.taxTable) rates.set(l.taxCode, [...(rates.get(l.taxCode) ?? []), l.ratePpm]);
  let t = 0n;
  for (const line of input.lines)
    for (const r of rates.get(line.taxCode!)!) t += (line.amount4 * r) / 1_000_000n;
  return t;
}

export default async function run(): Promise<{ title: string; markdown: string }> {
  const rows: string[] = [];
  for (const n of [25, 200]) {
    const input = basket(n);
    const floorT = measure(() => floor(input), { runs: 3000 });
    rows.push(
      `| ${n} lines | floor: multiply-divide per line and level | ${ms(floorT.median)} | ${ms(floorT.p99)} | ${rate(floorT.perSecond)} | 1.0× |`,
    );
    for (const unit of ['breakup_row', 'line', 'basket'] as const) {
      const t = measure(() => computeTax({ ...input, rounding: { mode: 'half_up', unit } }), { runs: 3000 });
      rows.push(
        `| ${n} lines | computeTax, unit ${unit} | ${ms(t.median)} | ${ms(t.p99)} | ${rate(t.perSecond)} | ${(t.median / floorT.median).toFixed(1)}× |`,
      );
    }
  }

  const input = basket(50);
  const tax = computeTax(input);
  const order: CompletedOrderInput = {
    type: 'order',
    orderId: 'bench-order',
    oId: 100001,
    transactionIdPoslog: '000001',
    receiptNumber: 'S1.SAL.K1.000001',
    createdAt: '2025-06-02T12:00:00Z',
    completedAt: '2025-06-02T12:00:00Z',
    device: { retailerDeviceId: 'K1' },
    lines: input.lines.map((l, i) => ({
      lineId: l.lineId,
      name: `Item number ${i} with a fairly long descriptive name`,
      quantity: 1,
      unitPrice: l.amount4 / 100n,
      grossAmount: l.amount4 / 100n,
      discounts: i % 5 === 0 ? [{ label: 'Promo', amount: 10n }] : [],
      amount: l.amount4 / 100n,
      taxCode: l.taxCode ?? null,
    })),
    basketDiscounts: [],
    pricesIncludeTax: true,
    totals: {
      subtotal: tax.totalAfterTax,
      totalDiscount: 0n,
      totalTax: tax.totalTax,
      totalExclTax: tax.totalExclTax,
      totalAfterTax: tax.totalAfterTax,
    },
    taxBreakup: receiptTaxRows(tax),
    tenders: [
      {
        method: 'CASH',
        amount: tax.totalAfterTax,
        cashTendered: tax.totalAfterTax + 500n,
        changeGiven: 500n,
      },
    ],
  };
  const config = { store: { name: 'Bench store' }, timezone: 'Europe/London', currencySign: '£' };
  const json = (v: unknown) =>
    JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  const base = measure(() => JSON.parse(json(order)), { runs: 2000 });
  const build = measure(() => buildReceipt(order, config), { runs: 2000 });
  const doc = buildReceipt(order, config);
  const render = measure(() => renderReceiptText(doc, { width: 42 }), { runs: 2000 });
  const receiptRows = [
    `| baseline: JSON round trip of the order | ${ms(base.median)} | ${ms(base.p99)} | ${rate(base.perSecond)} | 1.0× |`,
    `| buildReceipt | ${ms(build.median)} | ${ms(build.p99)} | ${rate(build.perSecond)} | ${(build.median / base.median).toFixed(1)}× |`,
    `| renderReceiptText, 42 columns | ${ms(render.median)} | ${ms(render.p99)} | ${rate(render.perSecond)} | ${(render.median / base.median).toFixed(1)}× |`,
  ];

  return {
    title: 'Tax engine and receipts',
    markdown: `
Inclusive basket, half-up; table with single-level (VAT 20/5/0 %) and two-level (STATE 6.25 % + CITY 2 %) codes.
Ratio = median / same-run floor median.

| basket | variant | median | p99 | per second | ratio |
|---|---|---|---|---|---|
${rows.join('\n')}

Receipt for a 50-line order (ratio against a JSON round trip of the same order):

| variant | median | p99 | per second | ratio |
|---|---|---|---|---|
${receiptRows.join('\n')}
`,
  };
}
