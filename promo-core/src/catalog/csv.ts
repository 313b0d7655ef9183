/**
 * The catalogue's CSV form (one item per row, lists separated by "|", "c1:DAIRY|c2:MILK" for
 * promo categories): the hub's import and HQ's publishing read the same files, so both turn a
 * row into the item JSON that `parseItem` validates through this one function.
 */
const CSV_LISTS = new Set(['additional_barcodes', 'category_ids', 'addon_group_slugs']);
const CSV_BOOLS = new Set([
  'is_restricted',
  'requires_approval',
  'is_item_sold',
  'is_refundable',
  'allow_price_override',
  'excluded_from_promotions',
  'is_deposit',
  'soft_deleted',
  'not_for_self_checkout',
]);
const CSV_INTS = new Set([
  'minimum_age_required',
  'max_basket_qty',
  'stock_quantity',
  'pack_size',
  'catalog_version',
]);

/** CSV cells are text: turn the typed columns of an item row into their JSON types. */
export function itemFromCsvRow(row: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(row)) {
    const v = raw.trim();
    if (v === '') continue;
    if (CSV_LISTS.has(k))
      out[k] = v
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (CSV_BOOLS.has(k))
      out[k] = /^(true|1|yes|y)$/i.test(v) ? true : /^(false|0|no|n)$/i.test(v) ? false : v;
    else if (CSV_INTS.has(k)) out[k] = /^-?\d+$/.test(v) ? Number(v) : v;
    else if (k === 'promo_categories') {
      // "c1:DAIRY|c2:MILK"
      out[k] = v.split('|').map((p) => {
        const [name, value] = p.split(':');
        return { name, value };
      });
    } else out[k] = v;
  }
  return out;
}
