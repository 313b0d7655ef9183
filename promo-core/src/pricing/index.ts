/** The one basket pricing pipeline (spec/store.md §4.3): contract and implementation. */
export * from './types';
export { priceBasket } from './price-basket';
export { allocateLargestRemainder } from './allocation';
export { pricedBasketToJson } from './json';
export { repriceBasket, startPricing } from './incremental';
export type { BasketChange, BasketFields, PricingState } from './incremental';
export { taxLedgerFromPricedBasket } from './tax-ledger';
