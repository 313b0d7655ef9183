/**
 * Tax engine types and schemas (spec/store.md §4).
 *
 * Two shapes live here: the wire shape (snake_case, decimal strings) that arrives from the cloud
 * and from conformance files, validated with zod; and the engine shape (camelCase, bigint) that
 * `computeTax` works on. `parseTaxTable` / `parseStoreTaxConfig` turn one into the other.
 *
 * Fixed-point scales used throughout:
 * - `…4` amounts: the 4-decimal ledger, integer ten-thousandths of the major unit (spec §0.2
 *   "4-dp amounts"; for a 2-exponent currency that is 1/100 of a minor unit).
 * - `ratePpm`: a tax percentage in 1/10 000 of a percent, i.e. parts per million of the amount
 *   (`"20.00"` → 200 000n). The table stores 2 decimals; 4 are accepted (spec §0.2 allows them).
 * - `…Minor` amounts: money in minor units.
 */
import { z } from 'zod';
import type { RoundingMode } from '../money';

export const TAX_ROUNDING_MODES = ['half_up', 'half_even', 'down'] as const;
export const TAX_ROUNDING_UNITS = ['breakup_row', 'line', 'basket'] as const;
export type TaxRoundingUnit = (typeof TAX_ROUNDING_UNITS)[number];

export interface TaxRounding {
  mode: RoundingMode;
  unit: TaxRoundingUnit;
}

/** Spec §4.1 default. */
export const DEFAULT_TAX_ROUNDING: TaxRounding = { mode: 'half_up', unit: 'breakup_row' };

const DECIMAL_STRING = /^[+-]?\d+(\.\d+)?$/;
/** A non-negative percentage with at most 4 decimals, as a string. */
export const taxPercentSchema = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,4})?$/, 'a non-negative decimal string with at most 4 decimals, e.g. "20.00"');
/** A money amount as a decimal string with at most 4 decimals (the ledger precision); may be negative. */
export const amount4Schema = z
  .string()
  .regex(DECIMAL_STRING, 'a decimal string')
  .refine((s) => (s.split('.')[1] ?? '').length <= 4, 'at most 4 decimals');

export const taxRoundingSchema = z.object({
  mode: z.enum(TAX_ROUNDING_MODES),
  unit: z.enum(TAX_ROUNDING_UNITS),
});

/** One row of a store tax table (spec §1.2 TaxTableRow), as published by HQ. */
export const taxTableRowSchema = z.object({
  tax_code: z.string().min(1).max(64),
  tax_level: z.string().min(1).max(64),
  retailer_tax_level_id: z.string().min(1).max(64),
  tax_percent: taxPercentSchema,
});
export type TaxTableRowWire = z.infer<typeof taxTableRowSchema>;

/** A whole tax table; `(tax_code, retailer_tax_level_id)` is unique (spec §1.2). */
export const taxTableSchema = z.array(taxTableRowSchema).superRefine((rows, ctx) => {
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const key = `${r.tax_code}\u0000${r.retailer_tax_level_id}`;
    if (seen.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: [i],
        message: `duplicate level ${r.retailer_tax_level_id} for tax code ${r.tax_code}`,
      });
    }
    seen.add(key);
  });
});

/** An exemption as the conformance format and the basket carry it: `null` = none. */
export const taxExemptionSchema = z
  .object({
    exempt_tax_codes: z.union([z.literal('ALL'), z.array(z.string().min(1))]),
    program_id: z.string().optional(),
    label: z.string().optional(),
    reference: z.string().optional(),
  })
  .nullable();
export type TaxExemptionWire = z.infer<typeof taxExemptionSchema>;

/** Store tax configuration (spec §4.1), wire shape. */
export const storeTaxConfigSchema = z.object({
  prices_include_tax: z.boolean(),
  source: z.enum(['tax_table', 'item_rate']).default('tax_table'),
  rounding: taxRoundingSchema.default({ mode: 'half_up', unit: 'breakup_row' }),
  default_tax_code: z.string().min(1).optional(),
  codes_for_special_lines: z
    .object({
      deposit: z.string().min(1).optional(),
      donation: z.string().min(1).optional(),
      tip: z.string().min(1).optional(),
      bag: z.string().min(1).optional(),
    })
    .default({}),
  exemption_programs: z
    .array(
      z.object({
        id: z.string().min(1),
        label: z.string(),
        exempt_tax_codes: z.union([z.literal('ALL'), z.array(z.string().min(1))]),
      }),
    )
    .default([]),
  display: z
    .object({
      show_tax_breakup: z.boolean(),
      show_sub_total: z.boolean(),
      vat_statement: z.string().optional(),
      show_vat_type_on_lines: z.boolean(),
    })
    .default({ show_tax_breakup: true, show_sub_total: true, show_vat_type_on_lines: false }),
});
export type StoreTaxConfigWire = z.input<typeof storeTaxConfigSchema>;

// ---------------------------------------------------------------------------------------------
// Engine shapes (bigint)

/** One level of a tax code: e.g. `GEN` → STATE 6.25 % and CITY 2.00 %. */
export interface TaxLevel {
  taxCode: string;
  taxLevel: string;
  retailerTaxLevelId: string;
  ratePpm: bigint;
}

/** What an exemption does to the engine: the codes whose every level is taxed at 0. */
export interface TaxExemption {
  exemptTaxCodes: readonly string[] | 'ALL';
  /** The programme recorded on the order and printed on the receipt (spec §4.3 step 1, Example G). */
  programId?: string;
  label?: string;
  reference?: string;
}

export type TaxLineKind = 'item' | 'deposit' | 'bag' | 'donation' | 'tip';

export interface TaxLineInput {
  lineId: string;
  /** Payable amount after promotions and allocations, 4-dp ledger units; negative for a return line. */
  amount4: bigint;
  /** The item's tax code; when absent the special-line code or the store default applies. */
  taxCode?: string | null;
  /** Special lines (deposit, bag, donation, tip) take their code from the store config. */
  kind?: TaxLineKind;
  /** `source: 'item_rate'` stores: the item's own rate instead of a table code. */
  ratePpm?: bigint;
}

export interface TaxInput {
  pricesIncludeTax: boolean;
  rounding?: TaxRounding;
  taxTable: readonly TaxLevel[];
  exemption?: TaxExemption | null;
  lines: readonly TaxLineInput[];
  defaultTaxCode?: string;
  codesForSpecialLines?: Partial<Record<Exclude<TaxLineKind, 'item'>, string>>;
  /** Minor-unit exponent of the currency (2 for GBP/USD/EUR); at most 4. */
  currencyExponent?: number;
  /** Level id and label used for `ratePpm` lines (item-rate stores). */
  itemRateLevel?: { retailerTaxLevelId: string; taxLevel: string };
}

/** One line × one level: the persisted 4-dp ledger entry (spec §4.3 step 3, step 7). */
export interface TaxLevelLedger {
  taxCode: string;
  taxLevel: string;
  retailerTaxLevelId: string;
  /** The rate actually applied: 0 when the line is exempt. */
  ratePpm: bigint;
  /** The table rate before any exemption. */
  tableRatePpm: bigint;
  exempt: boolean;
  tax4: bigint;
}

export interface TaxLineResult {
  lineId: string;
  taxCode: string | null;
  kind: TaxLineKind;
  /** The input amount A (gross when prices include tax, net when they exclude it). */
  amount4: bigint;
  net4: bigint;
  gross4: bigint;
  /** Σ of the level taxes, 4 dp (the conformance `line_tax_4dp`). */
  tax4: bigint;
  levels: TaxLevelLedger[];
  /**
   * This line's share of the basket's rounded tax, in minor units. The shares sum to `totalTax`
   * exactly; under `unit: 'line'` a share is the line's own rounded level taxes, otherwise the
   * basket total is apportioned by largest remainder. Exports use the 4-dp values (spec §4.7).
   */
  taxMinor: bigint;
  grossMinor: bigint;
  netMinor: bigint;
}

export interface TaxBreakupRow {
  retailerTaxLevelId: string;
  taxLevel: string;
  ratePpm: bigint;
  /** `ratePpm` as a percentage string ("20.00"). */
  taxPercent: string;
  /** Σ A of member lines: gross for inclusive stores, net for exclusive (see `taxableBasis`). */
  taxableAmount4: bigint;
  taxableBasis: 'gross' | 'net';
  /** Σ net of member lines (for inclusive stores: A less every level's tax). */
  net4: bigint;
  tax4: bigint;
  /** The row's rounded tax; rows sum to `totalTax` for every rounding unit. */
  taxMinor: bigint;
  taxableMinor: bigint;
  /** True when every member line was exempted from this level. */
  exempt: boolean;
}

export interface TaxResult {
  pricesIncludeTax: boolean;
  rounding: TaxRounding;
  currencyExponent: number;
  exemption: TaxExemption | null;
  lines: TaxLineResult[];
  breakup: TaxBreakupRow[];
  /** Σ A over lines, 4 dp. */
  totalAmount4: bigint;
  totalTax4: bigint;
  totalTax: bigint;
  totalExclTax: bigint;
  totalAfterTax: bigint;
}
