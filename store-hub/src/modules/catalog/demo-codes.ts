/**
 * A few codes worth scanning in the imported store: a counted item, a weighed item (a
 * variable-measure label for 500 g built from the store's own layout), an age-restricted item
 * and an item on promotion — so a newcomer can try the kiosk without reading the catalogue.
 */
import { gtinCheckDigit } from '@kassa/promo-core';
import type { Item } from '@kassa/promo-core';
import { nowIso } from '../../platform/ids';
import { formatMoney, price } from './pricing';
import type { StoreDataCache } from './store-data';

export interface DemoCode {
  kind: 'counted' | 'weighed' | 'age_restricted' | 'on_promotion';
  code: string;
  item_name: string;
  note: string;
}

export function demoCodes(store: StoreDataCache, maxScan = 600): DemoCode[] {
  const data = store.storeData();
  const exp = data.currency_exponent;
  const out: DemoCode[] = [];
  const has = (k: DemoCode['kind']): boolean => out.some((c) => c.kind === k);
  const discountAt = (item: Item, quantity: number): bigint => {
    const p = price(
      {
        basket_id: 'demo-codes',
        evaluation_time: nowIso(),
        lines: [{ line_id: 'l', scanned_code: item.product_identifier, quantity }],
      },
      data,
    );
    return p.lines.length === 1 ? p.totals.total_discount : -1n;
  };
  let n = 0;
  for (const item of data.catalog.items()) {
    if (out.length === 4 || n++ > maxScan) break;
    const restricted = item.requires_approval || (item.minimum_age_required ?? 0) > 0;
    if (restricted) {
      if (!has('age_restricted'))
        out.push({
          kind: 'age_restricted',
          code: item.product_identifier,
          item_name: item.item_name,
          note: 'opens a staff age check',
        });
      continue;
    }
    if (item.unit_of_measure !== 'each') {
      const layout = data.barcodes.variable_measure_layouts.find(
        (l) => l.value_kind === 'weight_g' && item.product_identifier.startsWith(l.prefix),
      );
      const ref = item.product_identifier.slice(layout?.prefix.length ?? 0);
      if (!has('weighed') && layout && ref.length === layout.item_digits && !layout.price_check_digit) {
        const body = `${layout.prefix}${ref}${'500'.padStart(layout.value_digits, '0')}`;
        out.push({
          kind: 'weighed',
          code: `${body}${gtinCheckDigit(body)}`,
          item_name: item.item_name,
          note: `a 500 g label (${formatMoney(item.base_price, exp)} per ${item.unit_of_measure})`,
        });
      }
      continue;
    }
    const d = has('on_promotion') && has('counted') ? 0n : discountAt(item, 3);
    if (d > 0n && !has('on_promotion'))
      out.push({
        kind: 'on_promotion',
        code: item.product_identifier,
        item_name: item.item_name,
        note: `scan it 3 times: ${formatMoney(d, exp)} off`,
      });
    else if (d === 0n && !has('counted') && discountAt(item, 1) === 0n)
      out.push({
        kind: 'counted',
        code: item.product_identifier,
        item_name: item.item_name,
        note: formatMoney(item.selling_price, exp),
      });
  }
  const order: DemoCode['kind'][] = ['counted', 'weighed', 'age_restricted', 'on_promotion'];
  return out.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}

export function formatDemoCodes(codes: DemoCode[]): string {
  if (codes.length === 0) return '  (no catalogue imported yet)';
  const label: Record<DemoCode['kind'], string> = {
    counted: 'counted',
    weighed: 'weighed',
    age_restricted: 'age-restricted',
    on_promotion: 'on promotion',
  };
  return codes
    .map(
      (c) =>
        `  ${label[c.kind].padEnd(15)} ${c.code.padEnd(14)} ${c.item_name.slice(0, 32).padEnd(32)} ${c.note}`,
    )
    .join('\n');
}
