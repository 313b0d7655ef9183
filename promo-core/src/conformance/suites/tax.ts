/**
 * The `"suite": "tax"` conformance format (shared/conformance/README.md, normative), plus two
 * optional Kassa extensions documented in promo-core/conformance/tax/README.md: line `kind` and
 * store defaults for special lines, and `refunds` (spec §4.6) checked against `reverseTax`.
 * Evaluation goes through the package's public entry point, as the hub and kiosk use it.
 */
import { z } from 'zod';
import {
  computeTax,
  formatDecimal,
  parseDecimal,
  parseExemption,
  parseTaxTable,
  reverseTax,
  amount4Schema,
  TaxError,
  taxExemptionSchema,
  taxRoundingSchema,
  taxTableRowSchema,
  type LedgerSummary,
  type RefundLineInput,
  type TaxLineKind,
} from '../../index';
import type { CaseResult } from '../types';

const decimal = z.string().regex(/^[+-]?\d+(\.\d+)?$/, 'a decimal string');
const lineId = z.union([z.string().min(1), z.number().int()]).transform(String);

const breakupRowSchema = z.object({
  retailer_tax_level_id: z.string(),
  tax_percent: decimal,
  tax_amount: decimal.optional(),
  taxable_amount: decimal.optional(),
  tax_level: z.string().optional(),
});

const expectedFiguresSchema = z.object({
  breakup: z.array(breakupRowSchema).optional(),
  line_tax_4dp: z.record(z.string(), decimal).optional(),
});

const expectedSchema = expectedFiguresSchema
  .extend({
    total_tax: decimal.optional(),
    total_after_tax: decimal.optional(),
    total_excl_tax: decimal.optional(),
    /** Kassa extension: the engine must refuse the basket with this error code. */
    error: z.string().optional(),
  })
  .superRefine((e, ctx) => {
    if (e.error !== undefined) return;
    for (const k of ['total_tax', 'total_after_tax', 'total_excl_tax'] as const) {
      if (e[k] === undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: 'required (or give "error")' });
    }
  });

const refundLineSchema = z.union([
  z.object({
    line_id: lineId,
    quantity: z.number().int().positive(),
    of_quantity: z.number().int().positive(),
    already_refunded: z.number().int().nonnegative().optional(),
  }),
  z.object({ line_id: lineId, amount: decimal, already_refunded_amount: decimal.optional() }),
]);

const refundSchema = z.object({
  id: z.string().min(1),
  lines: z.array(refundLineSchema).min(1),
  expected: expectedFiguresSchema.extend({
    total_tax: decimal,
    total_refund: decimal,
    total_excl_tax: decimal.optional(),
  }),
});

const caseSchema = z.object({
  id: z.string().min(1),
  notes: z.string().optional(),
  prices_include_tax: z.boolean(),
  rounding: taxRoundingSchema,
  tax_table: z.array(taxTableRowSchema),
  exemption: taxExemptionSchema.optional(),
  lines: z.array(
    z.object({
      line_id: lineId,
      amount: amount4Schema,
      tax_code: z.string().min(1).nullable().optional(),
      kind: z.enum(['item', 'deposit', 'bag', 'donation', 'tip']).optional(),
    }),
  ),
  default_tax_code: z.string().min(1).optional(),
  codes_for_special_lines: z
    .partialRecord(z.enum(['deposit', 'bag', 'donation', 'tip']), z.string().min(1))
    .optional(),
  currency_exponent: z.number().int().min(0).max(4).optional(),
  expected: expectedSchema,
  refunds: z.array(refundSchema).optional(),
});
type TaxCase = z.infer<typeof caseSchema>;

const fileSchema = z.object({
  suite: z.literal('tax'),
  schema_version: z.literal(1),
  cases: z.array(z.unknown()),
});

const issuesText = (e: z.ZodError, what = 'case'): string[] =>
  e.issues.map((i) => `invalid ${what}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);

/** Parses a decimal from a case at ledger precision; a bad number becomes a readable failure. */
const at4 = (s: string): bigint => parseDecimal(s, 4);

function compareFigures(
  prefix: string,
  exp: z.infer<typeof expectedFiguresSchema> & Record<string, unknown>,
  totals: Array<[name: string, expected: string | undefined, actualMinor: bigint]>,
  actual: LedgerSummary,
  perMinor: bigint,
  exponent: number,
): string[] {
  const diff: string[] = [];
  const money = (v: bigint) => formatDecimal(v, exponent);
  for (const [name, expected, actualMinor] of totals) {
    if (expected === undefined) continue;
    if (at4(expected) !== actualMinor * perMinor) {
      diff.push(`${prefix}${name}: expected ${expected}, actual ${money(actualMinor)}`);
    }
  }

  if (exp.breakup) {
    const key = (id: string, ppm: bigint) => `${id} @ ${formatDecimal(ppm, 4)}%`;
    const actualRows = new Map(actual.breakup.map((r) => [key(r.retailerTaxLevelId, r.ratePpm), r]));
    const expectedKeys = new Set<string>();
    for (const row of exp.breakup) {
      const k = key(row.retailer_tax_level_id, at4(row.tax_percent));
      const label = `${prefix}breakup ${row.retailer_tax_level_id} ${row.tax_percent}%`;
      expectedKeys.add(k);
      const got = actualRows.get(k);
      if (!got) {
        diff.push(`${label}: expected row (tax ${row.tax_amount ?? '?'}), actual: no such row`);
        continue;
      }
      if (row.tax_amount !== undefined && at4(row.tax_amount) !== got.taxMinor * perMinor) {
        diff.push(`${label}: tax_amount expected ${row.tax_amount}, actual ${money(got.taxMinor)}`);
      }
      if (row.taxable_amount !== undefined && at4(row.taxable_amount) !== got.taxableAmount4) {
        diff.push(
          `${label}: taxable_amount expected ${row.taxable_amount}, actual ${formatDecimal(got.taxableAmount4, 4)}`,
        );
      }
      if (row.tax_level !== undefined && row.tax_level !== got.taxLevel) {
        diff.push(`${label}: tax_level expected ${row.tax_level}, actual ${got.taxLevel}`);
      }
    }
    for (const [k, r] of actualRows) {
      if (!expectedKeys.has(k)) {
        diff.push(
          `${prefix}breakup ${r.retailerTaxLevelId} ${r.taxPercent}%: not expected, actual row with tax ${money(r.taxMinor)}`,
        );
      }
    }
  }

  if (exp.line_tax_4dp) {
    const byLine = new Map(actual.lines.map((l) => [l.lineId, l]));
    for (const [id, want] of Object.entries(exp.line_tax_4dp)) {
      const got = byLine.get(id);
      if (!got) diff.push(`${prefix}line_tax_4dp[${id}]: expected ${want}, actual: no such line`);
      else if (at4(want) !== got.tax4) {
        diff.push(`${prefix}line_tax_4dp[${id}]: expected ${want}, actual ${formatDecimal(got.tax4, 4)}`);
      }
    }
  }
  return diff;
}

function runCase(c: TaxCase): string[] {
  const exponent = c.currency_exponent ?? 2;
  const perMinor = 10n ** BigInt(4 - exponent);
  const input = {
    pricesIncludeTax: c.prices_include_tax,
    rounding: c.rounding,
    taxTable: parseTaxTable(c.tax_table),
    exemption: parseExemption(c.exemption ?? null),
    lines: c.lines.map((l) => ({
      lineId: l.line_id,
      amount4: at4(l.amount),
      taxCode: l.tax_code ?? null,
      kind: (l.kind ?? 'item') as TaxLineKind,
    })),
    currencyExponent: exponent,
    ...(c.default_tax_code !== undefined && { defaultTaxCode: c.default_tax_code }),
    ...(c.codes_for_special_lines !== undefined && { codesForSpecialLines: c.codes_for_special_lines }),
  };

  if (c.expected.error !== undefined) {
    try {
      const r = computeTax(input);
      return [
        `error: expected ${c.expected.error}, actual: no error (total_tax ${formatDecimal(r.totalTax, exponent)})`,
      ];
    } catch (err) {
      const code = err instanceof TaxError ? err.code : String(err);
      return code === c.expected.error ? [] : [`error: expected ${c.expected.error}, actual ${code}`];
    }
  }

  let result;
  try {
    result = computeTax(input);
  } catch (err) {
    if (err instanceof TaxError) return [`unexpected error ${err.code}: ${err.message}`];
    throw err;
  }
  const e = c.expected;
  const diff = compareFigures(
    '',
    e,
    [
      ['total_tax', e.total_tax, result.totalTax],
      ['total_after_tax', e.total_after_tax, result.totalAfterTax],
      ['total_excl_tax', e.total_excl_tax, result.totalExclTax],
    ],
    result,
    perMinor,
    exponent,
  );

  for (const refund of c.refunds ?? []) {
    const lines = refund.lines.map((l): RefundLineInput =>
      'quantity' in l
        ? {
            lineId: l.line_id,
            quantity: l.quantity,
            ofQuantity: l.of_quantity,
            alreadyRefunded: l.already_refunded ?? 0,
          }
        : {
            lineId: l.line_id,
            amount4: at4(l.amount),
            alreadyRefundedAmount4: at4(l.already_refunded_amount ?? '0'),
          },
    );
    const prefix = `refund ${refund.id}: `;
    let r;
    try {
      r = reverseTax({ original: result, lines });
    } catch (err) {
      if (err instanceof TaxError) {
        diff.push(`${prefix}unexpected error ${err.code}: ${err.message}`);
        continue;
      }
      throw err;
    }
    diff.push(
      ...compareFigures(
        prefix,
        refund.expected,
        [
          ['total_tax', refund.expected.total_tax, r.totalTax],
          ['total_refund', refund.expected.total_refund, r.totalAfterTax],
          ['total_excl_tax', refund.expected.total_excl_tax, r.totalExclTax],
        ],
        r,
        perMinor,
        exponent,
      ),
    );
  }
  return diff;
}

/** Runs a `"suite": "tax"` case file. */
export function runTaxSuite(doc: unknown, file: string): CaseResult[] {
  const top = fileSchema.safeParse(doc);
  if (!top.success) return [{ id: file, passed: false, diff: issuesText(top.error, 'file') }];
  return top.data.cases.map((raw, i): CaseResult => {
    const fallbackId =
      raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string' ? raw.id : `case #${i + 1}`;
    const parsed = caseSchema.safeParse(raw);
    if (!parsed.success) return { id: fallbackId, passed: false, diff: issuesText(parsed.error) };
    let diff: string[];
    try {
      diff = runCase(parsed.data);
    } catch (err) {
      diff = [`cannot evaluate: ${err instanceof Error ? err.message : String(err)}`];
    }
    return { id: parsed.data.id, passed: diff.length === 0, diff };
  });
}
