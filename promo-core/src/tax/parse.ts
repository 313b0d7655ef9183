/** Wire shapes (snake_case, decimal strings, zod-validated) to engine shapes (camelCase, bigint). */
import { parseDecimal } from '../money';
import { TaxError } from './errors';
import {
  storeTaxConfigSchema,
  taxExemptionSchema,
  taxTableSchema,
  type TaxExemption,
  type TaxLevel,
  type TaxLineKind,
  type TaxRounding,
} from './types';

const invalid = (what: string, issues: unknown): TaxError =>
  new TaxError('TAX_INPUT_INVALID', `invalid ${what}`, { issues });

/** Validates a published tax table and converts its percentages to `ratePpm`. */
export function parseTaxTable(rows: unknown): TaxLevel[] {
  const parsed = taxTableSchema.safeParse(rows);
  if (!parsed.success) throw invalid('tax table', parsed.error.issues);
  return parsed.data.map((r) => ({
    taxCode: r.tax_code,
    taxLevel: r.tax_level,
    retailerTaxLevelId: r.retailer_tax_level_id,
    ratePpm: parseDecimal(r.tax_percent, 4),
  }));
}

export function parseExemption(wire: unknown): TaxExemption | null {
  const parsed = taxExemptionSchema.safeParse(wire);
  if (!parsed.success) throw invalid('exemption', parsed.error.issues);
  const e = parsed.data;
  if (e === null) return null;
  return {
    exemptTaxCodes: e.exempt_tax_codes,
    ...(e.program_id !== undefined && { programId: e.program_id }),
    ...(e.label !== undefined && { label: e.label }),
    ...(e.reference !== undefined && { reference: e.reference }),
  };
}

/** Store tax configuration (spec §4.1) in engine shape. */
export interface StoreTaxConfig {
  pricesIncludeTax: boolean;
  source: 'tax_table' | 'item_rate';
  rounding: TaxRounding;
  defaultTaxCode?: string;
  codesForSpecialLines: Partial<Record<Exclude<TaxLineKind, 'item'>, string>>;
  exemptionPrograms: Array<{ id: string; label: string; exemptTaxCodes: string[] | 'ALL' }>;
  display: {
    showTaxBreakup: boolean;
    showSubTotal: boolean;
    vatStatement?: string;
    showVatTypeOnLines: boolean;
  };
}

export function parseStoreTaxConfig(wire: unknown): StoreTaxConfig {
  const parsed = storeTaxConfigSchema.safeParse(wire);
  if (!parsed.success) throw invalid('store tax configuration', parsed.error.issues);
  const c = parsed.data;
  return {
    pricesIncludeTax: c.prices_include_tax,
    source: c.source,
    rounding: c.rounding,
    ...(c.default_tax_code !== undefined && { defaultTaxCode: c.default_tax_code }),
    codesForSpecialLines: Object.fromEntries(
      Object.entries(c.codes_for_special_lines).filter(([, v]) => v !== undefined),
    ) as StoreTaxConfig['codesForSpecialLines'],
    exemptionPrograms: c.exemption_programs.map((p) => ({
      id: p.id,
      label: p.label,
      exemptTaxCodes: p.exempt_tax_codes,
    })),
    display: {
      showTaxBreakup: c.display.show_tax_breakup,
      showSubTotal: c.display.show_sub_total,
      ...(c.display.vat_statement !== undefined && { vatStatement: c.display.vat_statement }),
      showVatTypeOnLines: c.display.show_vat_type_on_lines,
    },
  };
}
