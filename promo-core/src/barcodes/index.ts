/** Barcode resolution (spec/store.md §1.9). */
export * from './types';
export * from './gtin';
export { priceCheckDigit, parseVariableMeasure } from './variable-measure';
export { luhnCheckDigit, parseRtc } from './reduce-to-clear';
export { parseGs1, gs1DateToIso, gs1DateTimeToIso, fromHumanReadable } from './gs1';
export type { Gs1Data, Gs1Measure, Gs1Price, Gs1Parse } from './gs1';
export {
  aiDefinition,
  allAiDefinitions,
  checkValue,
  gs1Year,
  parseBracketed,
  parseElementString,
} from './gs1-syntax';
export type { AiDefinition, Gs1Element, Gs1ErrorCode, Gs1SyntaxError, Gs1SyntaxResult } from './gs1-syntax';
export { currencyNumeric, isIso4217Numeric } from './iso4217';
export {
  resolveScan,
  sanitiseScan,
  priceForWeight,
  localDate,
  localDateTime,
  lookupGtin,
  needsVerification,
} from './resolve';
