/** Tax engine (spec/store.md §4): one entry point for the package index. */
export * from './types';
export * from './errors';
export { apportion, ledgerToMinor, ledgerUnitsPerMinor } from './rounding';
export {
  computeTax,
  TaxLedgerMemo,
  formatTaxPercent,
  indexTaxTable,
  isExempt,
  summariseLedger,
  PERCENT_100_PPM,
  type LedgerLine,
  type LedgerSummary,
} from './engine';
export {
  reverseTax,
  type RefundByAmount,
  type RefundByQuantity,
  type RefundLineInput,
  type RefundableLedger,
  type RefundTaxInput,
  type RefundTaxResult,
} from './refund';
export { parseTaxTable, parseExemption, parseStoreTaxConfig, type StoreTaxConfig } from './parse';
