/**
 * The tax engine (spec/store.md §4.3): per line and level a 4-dp ledger, breakup rows keyed by
 * (retailer_tax_level_id, rate), rounding to minor units per the store's mode and unit, totals.
 */
import { roundDiv, sum } from '../money';
import { TaxError } from './errors';
import { amountToMinor, apportion, ledgerToMinor, ledgerUnitsPerMinor } from './rounding';
import {
  DEFAULT_TAX_ROUNDING,
  type TaxBreakupRow,
  type TaxExemption,
  type TaxInput,
  type TaxLevel,
  type TaxLevelLedger,
  type TaxLineInput,
  type TaxLineKind,
  type TaxLineResult,
  type TaxResult,
  type TaxRounding,
} from './types';

/** 100 % in `ratePpm` units. */
export const PERCENT_100_PPM = 1_000_000n;

/** "20.00" for whole basis points, "6.2500"-style only when the 3rd/4th decimals are used. */
export function formatTaxPercent(ratePpm: bigint): string {
  const s = (ratePpm / 100n).toString().padStart(3, '0');
  const twoDp = `${s.slice(0, -2)}.${s.slice(-2)}`;
  if (ratePpm % 100n === 0n) return twoDp;
  const f = ratePpm.toString().padStart(5, '0');
  return `${f.slice(0, -4)}.${f.slice(-4)}`;
}

export function isExempt(exemption: TaxExemption | null | undefined, taxCode: string | null): boolean {
  if (!exemption) return false;
  if (exemption.exemptTaxCodes === 'ALL') return true;
  return taxCode !== null && exemption.exemptTaxCodes.includes(taxCode);
}

/** Groups a table by code, refusing a duplicated (code, level) pair (spec §1.2 unique key). */
export function indexTaxTable(table: readonly TaxLevel[]): Map<string, TaxLevel[]> {
  const byCode = new Map<string, TaxLevel[]>();
  for (const level of table) {
    const levels = byCode.get(level.taxCode) ?? [];
    if (levels.some((l) => l.retailerTaxLevelId === level.retailerTaxLevelId)) {
      throw new TaxError(
        'TAX_TABLE_DUPLICATE_LEVEL',
        `tax code ${level.taxCode} lists level ${level.retailerTaxLevelId} twice`,
        { taxCode: level.taxCode, retailerTaxLevelId: level.retailerTaxLevelId },
      );
    }
    if (level.ratePpm < 0n) {
      throw new TaxError(
        'TAX_INPUT_INVALID',
        `negative rate for ${level.taxCode}/${level.retailerTaxLevelId}`,
        {
          taxCode: level.taxCode,
        },
      );
    }
    levels.push(level);
    byCode.set(level.taxCode, levels);
  }
  return byCode;
}

interface ResolvedLine {
  input: TaxLineInput;
  kind: TaxLineKind;
  taxCode: string | null;
  levels: TaxLevel[];
}

function resolveLevels(line: TaxLineInput, input: TaxInput, table: Map<string, TaxLevel[]>): ResolvedLine {
  const kind = line.kind ?? 'item';
  if (line.ratePpm !== undefined) {
    if (line.ratePpm < 0n) {
      throw new TaxError('TAX_INPUT_INVALID', `line ${line.lineId} has a negative rate`, {
        lineId: line.lineId,
      });
    }
    const lvl = input.itemRateLevel ?? { retailerTaxLevelId: 'VAT', taxLevel: 'VAT' };
    const taxCode = line.taxCode ?? null;
    return {
      input: line,
      kind,
      taxCode,
      levels: [{ taxCode: taxCode ?? '', ...lvl, ratePpm: line.ratePpm }],
    };
  }
  const special = kind === 'item' ? undefined : input.codesForSpecialLines?.[kind];
  // Spec §4.1: donations default to 0 %; they never fall back to the store's default goods code.
  if (kind === 'donation' && !line.taxCode && !special)
    return { input: line, kind, taxCode: null, levels: [] };
  const taxCode = line.taxCode || special || input.defaultTaxCode || null;
  if (taxCode === null) {
    throw new TaxError(
      'TAX_CODE_MISSING',
      `line ${line.lineId} has no tax code and the store has no default`,
      {
        lineId: line.lineId,
      },
    );
  }
  const levels = table.get(taxCode);
  if (!levels) {
    throw new TaxError(
      'TAX_CODE_UNKNOWN',
      `tax code ${taxCode} of line ${line.lineId} is not in the tax table`,
      {
        lineId: line.lineId,
        taxCode,
      },
    );
  }
  return { input: line, kind, taxCode, levels };
}

/** Spec §4.3 step 3: exact, then 4 dp half-up (the ledger rounding is half-up whatever the mode). */
function ledgerForLine(
  r: ResolvedLine,
  pricesIncludeTax: boolean,
  exemption: TaxExemption | null,
): { levels: TaxLevelLedger[]; tax4: bigint; net4: bigint; gross4: bigint } {
  const exempt = isExempt(exemption, r.taxCode);
  const a = r.input.amount4;
  const rates = r.levels.map((l) => (exempt ? 0n : l.ratePpm));
  const combined = sum(rates);
  const levels = r.levels.map((l, i): TaxLevelLedger => {
    const rate = rates[i]!;
    // Inclusive: net = A·100/(100+P) and tax_L = net·p_L/100, i.e. A·p_L/(100+P) in one division,
    // so several levels never over-collect (spec §4.3 step 3).
    const tax4 = pricesIncludeTax
      ? roundDiv(a * rate, PERCENT_100_PPM + combined)
      : roundDiv(a * rate, PERCENT_100_PPM);
    return {
      taxCode: l.taxCode,
      taxLevel: l.taxLevel,
      retailerTaxLevelId: l.retailerTaxLevelId,
      ratePpm: rate,
      tableRatePpm: l.ratePpm,
      exempt,
      tax4,
    };
  });
  const tax4 = sum(levels.map((l) => l.tax4));
  return pricesIncludeTax
    ? { levels, tax4, net4: a - tax4, gross4: a }
    : { levels, tax4, net4: a, gross4: a + tax4 };
}

/** One line's 4-dp ledger entry and the inputs it was computed from (see TaxLedgerMemo). */
interface MemoLedger {
  amount4: bigint;
  taxCode: string | null | undefined;
  kind: TaxLineKind | undefined;
  ratePpm: bigint | undefined;
  exempt: boolean;
  entry: LedgerLine;
}

/**
 * Per-line ledger entries kept from one `computeTax` to the next (incremental pricing: a scan
 * re-taxes a basket whose other lines did not change). A line's entry (step 3) depends on its
 * id, amount, tax code, kind and item rate, on whether the exemption covers its resolved code,
 * and on the basket-wide inputs: the table, the special-line and default codes, the item-rate
 * level and whether prices include tax. The memo is bound to those basket-wide inputs by
 * identity (`computeTax` starts it afresh when any differs) and an entry is reused only when
 * every per-line input is equal, so a reused entry is the one step 3 would compute again. What
 * spans lines — the breakup rows, the rounding to minor units and the largest-remainder
 * apportionment of the total (steps 4–6) — is always recomputed over the whole basket.
 * The caller must not change the table or the code maps in place while it keeps the memo.
 */
export class TaxLedgerMemo {
  private bound: {
    taxTable: TaxInput['taxTable'];
    codes: TaxInput['codesForSpecialLines'];
    defaultTaxCode: string | undefined;
    itemRateLevel: TaxInput['itemRateLevel'];
    pricesIncludeTax: boolean;
    table: Map<string, TaxLevel[]>;
  } | null = null;
  private lines = new Map<string, MemoLedger>();

  /** The indexed table for `input`, dropping every entry when the basket-wide inputs changed. */
  tableFor(input: TaxInput): Map<string, TaxLevel[]> {
    const b = this.bound;
    if (
      b !== null &&
      b.taxTable === input.taxTable &&
      b.codes === input.codesForSpecialLines &&
      b.defaultTaxCode === input.defaultTaxCode &&
      b.itemRateLevel === input.itemRateLevel &&
      b.pricesIncludeTax === input.pricesIncludeTax
    )
      return b.table;
    this.lines.clear();
    const table = indexTaxTable(input.taxTable);
    this.bound = {
      taxTable: input.taxTable,
      codes: input.codesForSpecialLines,
      defaultTaxCode: input.defaultTaxCode,
      itemRateLevel: input.itemRateLevel,
      pricesIncludeTax: input.pricesIncludeTax,
      table,
    };
    return table;
  }

  entry(line: TaxLineInput, exemption: TaxExemption | null, make: () => LedgerLine): LedgerLine {
    const m = this.lines.get(line.lineId);
    if (
      m !== undefined &&
      m.amount4 === line.amount4 &&
      m.taxCode === line.taxCode &&
      m.kind === line.kind &&
      m.ratePpm === line.ratePpm &&
      m.exempt === isExempt(exemption, m.entry.taxCode)
    )
      return m.entry;
    const entry = make();
    this.lines.set(line.lineId, {
      amount4: line.amount4,
      taxCode: line.taxCode,
      kind: line.kind,
      ratePpm: line.ratePpm,
      exempt: isExempt(exemption, entry.taxCode),
      entry,
    });
    // Lines gone from the basket would otherwise pile up in a long-lived memo.
    if (this.lines.size > 4 * 1024) this.lines.clear();
    return entry;
  }
}

/**
 * Computes tax for a priced basket. Throws `TaxError` for a line without a usable tax code
 * (spec §4.3 step 2: never tax silently at 0) or an inconsistent table. With `memo`, lines whose
 * inputs did not change since the memo's last use keep their ledger entry (the result is the same).
 */
export function computeTax(input: TaxInput, memo?: TaxLedgerMemo): TaxResult {
  const rounding = input.rounding ?? DEFAULT_TAX_ROUNDING;
  const exponent = input.currencyExponent ?? 2;
  const perMinor = ledgerUnitsPerMinor(exponent);
  const exemption = input.exemption ?? null;
  const table = memo ? memo.tableFor(input) : indexTaxTable(input.taxTable);
  const ids = new Set<string>();
  for (const l of input.lines) {
    if (ids.has(l.lineId)) {
      throw new TaxError('TAX_INPUT_INVALID', `line id ${l.lineId} appears twice`, { lineId: l.lineId });
    }
    ids.add(l.lineId);
  }

  const make = (line: TaxLineInput): LedgerLine => {
    const resolved = resolveLevels(line, input, table);
    const l = ledgerForLine(resolved, input.pricesIncludeTax, exemption);
    return {
      lineId: line.lineId,
      taxCode: resolved.taxCode,
      kind: resolved.kind,
      amount4: line.amount4,
      net4: l.net4,
      gross4: l.gross4,
      tax4: l.tax4,
      levels: l.levels,
    };
  };
  const ledger = input.lines.map((line): LedgerLine =>
    memo ? memo.entry(line, exemption, () => make(line)) : make(line),
  );
  const summary = summariseLedger(ledger, input.pricesIncludeTax, rounding, perMinor);
  return {
    pricesIncludeTax: input.pricesIncludeTax,
    rounding,
    currencyExponent: exponent,
    exemption,
    ...summary,
  };
}

/** A line of the 4-dp ledger before rounding: what `computeTax` and `reverseTax` both produce. */
export type LedgerLine = Omit<TaxLineResult, 'taxMinor' | 'grossMinor' | 'netMinor'>;

export interface LedgerSummary {
  lines: TaxLineResult[];
  breakup: TaxBreakupRow[];
  totalAmount4: bigint;
  totalTax4: bigint;
  totalTax: bigint;
  totalExclTax: bigint;
  totalAfterTax: bigint;
}

/**
 * Breakup rows (spec §4.3 step 4), rounding (step 5) and totals (step 6) over a ledger. Rows are
 * keyed by (retailer_tax_level_id, applied rate) in order of first appearance.
 */
export function summariseLedger(
  ledger: readonly LedgerLine[],
  pricesIncludeTax: boolean,
  rounding: TaxRounding,
  perMinor: bigint,
): LedgerSummary {
  type Row = TaxBreakupRow & { members: Array<{ line: number; level: number }> };
  // Keyed by level id, then by rate (bigint Map keys compare by value).
  const rows = new Map<string, Map<bigint, Row>>();
  const rowList: Row[] = [];
  const byLine = rounding.unit === 'line';
  ledger.forEach((c, li) => {
    c.levels.forEach((lv, vi) => {
      let byRate = rows.get(lv.retailerTaxLevelId);
      if (!byRate) rows.set(lv.retailerTaxLevelId, (byRate = new Map()));
      let row = byRate.get(lv.ratePpm);
      if (!row) {
        row = {
          retailerTaxLevelId: lv.retailerTaxLevelId,
          taxLevel: lv.taxLevel,
          ratePpm: lv.ratePpm,
          taxPercent: formatTaxPercent(lv.ratePpm),
          taxableAmount4: 0n,
          taxableBasis: pricesIncludeTax ? 'gross' : 'net',
          net4: 0n,
          tax4: 0n,
          taxMinor: 0n,
          taxableMinor: 0n,
          exempt: true,
          members: [],
        };
        byRate.set(lv.ratePpm, row);
        rowList.push(row);
      }
      row.taxableAmount4 += c.amount4;
      row.net4 += c.net4;
      row.tax4 += lv.tax4;
      row.exempt &&= lv.exempt;
      // Only per-line rounding reads which entries make up a row.
      if (byLine) row.members.push({ line: li, level: vi });
    });
  });

  const mode = rounding.mode;
  let totalTax: bigint;
  let lineShares: bigint[];
  const lineTax4 = ledger.map((c) => c.tax4);
  switch (rounding.unit) {
    case 'breakup_row': {
      for (const row of rowList) row.taxMinor = ledgerToMinor(row.tax4, perMinor, mode);
      totalTax = sum(rowList.map((r) => r.taxMinor));
      lineShares = apportion(totalTax, lineTax4, perMinor);
      break;
    }
    case 'line': {
      const rounded = ledger.map((c) => c.levels.map((lv) => ledgerToMinor(lv.tax4, perMinor, mode)));
      for (const row of rowList) row.taxMinor = sum(row.members.map((m) => rounded[m.line]![m.level]!));
      lineShares = rounded.map((r) => sum(r));
      totalTax = sum(lineShares);
      break;
    }
    case 'basket': {
      totalTax = ledgerToMinor(sum(lineTax4), perMinor, mode);
      // Rows are shown on receipts, so they must add up to the one rounded total.
      const shares = apportion(
        totalTax,
        rowList.map((r) => r.tax4),
        perMinor,
      );
      rowList.forEach((r, i) => (r.taxMinor = shares[i]!));
      lineShares = apportion(totalTax, lineTax4, perMinor);
      break;
    }
  }
  for (const row of rowList) row.taxableMinor = amountToMinor(row.taxableAmount4, perMinor);

  const totalAmount4 = sum(ledger.map((l) => l.amount4));
  const totalAmount = amountToMinor(totalAmount4, perMinor);
  const totalAfterTax = pricesIncludeTax ? totalAmount : totalAmount + totalTax;
  const totalExclTax = pricesIncludeTax ? totalAmount - totalTax : totalAmount;

  const lines = ledger.map((c, i): TaxLineResult => {
    const taxMinor = lineShares[i]!;
    const amountMinor = amountToMinor(c.amount4, perMinor);
    // Fields listed rather than spread: spreading here cost 5x the whole computation (V8).
    return {
      lineId: c.lineId,
      taxCode: c.taxCode,
      kind: c.kind,
      amount4: c.amount4,
      net4: c.net4,
      gross4: c.gross4,
      tax4: c.tax4,
      levels: c.levels,
      taxMinor,
      grossMinor: pricesIncludeTax ? amountMinor : amountMinor + taxMinor,
      netMinor: pricesIncludeTax ? amountMinor - taxMinor : amountMinor,
    };
  });

  return {
    lines,
    breakup: rowList.map(({ members: _members, ...row }) => row),
    totalAmount4,
    totalTax4: sum(lineTax4),
    totalTax,
    totalExclTax,
    totalAfterTax,
  };
}
