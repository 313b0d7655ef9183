import type { Migration } from './types';

export const m0002: Migration = {
  version: 2,
  name: 'receipt input captured at checkout',
  // The receipt model's order input (bigints kept exact) taken from the priced basket when the
  // order is created; completion adds numbers and tenders and builds the receipt from it.
  sql: `ALTER TABLE orders ADD COLUMN receipt_input TEXT;`,
};
