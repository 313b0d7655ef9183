/** Barcode resolution (spec/store.md §1.9). */
export * from './types';
export * from './gtin';
export { priceCheckDigit, parseVariableMeasure } from './variable-measure';
export { luhnCheckDigit, parseRtc } from './reduce-to-clear';
export { parseGs1, gs1DateToIso, fromHumanReadable } from './gs1';
export { resolveScan, sanitiseScan, priceForWeight, localDate, needsVerification } from './resolve';
