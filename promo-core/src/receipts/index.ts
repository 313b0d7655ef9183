/** Receipt model and text rendering (spec/store.md §5). */
export * from './types';
export { buildReceipt, parseReceiptDocument, qrPayload, ReceiptError, shortPercent } from './build';
export { renderReceiptText, wrapText as wrapReceiptText, type ReceiptWidth } from './render';
export {
  formatReceiptNumber,
  receiptCheckDigit,
  ReceiptNumberError,
  type ReceiptNumberValues,
} from './numbering';
export { formatStoreDateTime } from './datetime';
export { receiptTaxRows } from './from-tax';
export { receiptOrderFromPricedBasket, type ReceiptOrderFacts } from './from-priced';
