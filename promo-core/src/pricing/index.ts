/** The one basket pricing pipeline (spec/store.md §4.3): contract and implementation. */
export * from './types';
export { priceBasket } from './price-basket';
export { allocateLargestRemainder } from './allocation';
export { joinPricedJson, pricedBasketToJson } from './json';
export { repriceBasket, startPricing } from './incremental';
export type { BasketChange, BasketFields, LineChanges, PricingState } from './incremental';
export { taxLedgerFromPricedBasket } from './tax-ledger';
