import type { Migration } from './types';

/**
 * A basket's priced state by parts (issue 8 §3): the head (promo-core's canonical JSON with
 * `"lines":[]`: totals, tax, promotions) in `baskets.priced_head` and one row per priced line,
 * so a scan writes the head and the lines whose pricing changed instead of the whole 40–80 KB
 * JSON. The canonical JSON is the head with the lines' texts spliced in, in `pos` order.
 * Baskets priced before this migration keep their whole JSON in `baskets.priced` (their
 * `priced_head` is NULL and they have no line rows) and are read from it until their next
 * pricing writes them by parts; rewriting them here would mean re-serialising JSON in SQL,
 * which is not guaranteed to give back promo-core's bytes.
 */
export const m0007: Migration = {
  version: 7,
  name: 'basket priced state by parts: a head and one row per priced line',
  sql: `
ALTER TABLE baskets ADD COLUMN priced_head TEXT;
CREATE TABLE basket_priced_lines (
  basket_id TEXT NOT NULL REFERENCES baskets(basket_id),
  line_id TEXT NOT NULL,
  -- strictly increasing in the basket's line order; gaps are fine (a removed line leaves one)
  pos INTEGER NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (basket_id, line_id)
) STRICT;
`,
};
