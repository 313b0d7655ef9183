/**
 * @kassa/promo-core: the one pricing code path of Kassa (hub, kiosk and cloud).
 * Pure functions, no I/O. Everything public is exported from here.
 */
export * from './money';
export * from './errors';

// promotions engine (spec/promotions.md)
export * from './promotions';
// catalog and barcodes (spec/store.md §1.2, §1.9)
export * from './catalog';
export * from './barcodes';
// tax engine (spec/store.md §4)
export * from './tax';
// basket pricing pipeline and receipts (spec/store.md §5)
export * from './receipts';
export * from './pricing';
