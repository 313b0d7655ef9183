/** Bridges the tax engine's result to the receipt's tax rows (amounts already rounded). */
import type { TaxResult } from '../tax';
import type { ReceiptTaxRow } from './types';

export const receiptTaxRows = (result: Pick<TaxResult, 'breakup'>): ReceiptTaxRow[] =>
  result.breakup.map((b) => ({
    taxLevel: b.taxLevel,
    retailerTaxLevelId: b.retailerTaxLevelId,
    taxPercent: b.taxPercent,
    taxableAmount: b.taxableMinor,
    taxAmount: b.taxMinor,
  }));
