/** Barcode resolution (spec/store.md §1.9). */
export * from './types';
export * from './gtin';
