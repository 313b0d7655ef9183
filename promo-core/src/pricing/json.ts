/**
 * Canonical JSON of a priced basket: money as decimal strings in the currency's own places,
 * 4-dp ledger values (fields ending in `4`) with four places, key order as built. Hub, kiosk
 * and cloud compare these strings byte for byte for the same basket and data version.
 */
import { formatDecimal, formatMoney } from '../money';
import type { PricedBasket } from './types';

export function pricedBasketToJson(priced: PricedBasket): string {
  return JSON.stringify(priced, pricedJsonReplacer(priced.currency_exponent));
}

/** The replacer behind pricedBasketToJson, for JSON of one priced line (incremental pricing). */
export function pricedJsonReplacer(exp: number): (key: string, value: unknown) => unknown {
  return (key, value) => {
    if (typeof value !== 'bigint') return value;
    return /4$/.test(key) ? formatDecimal(value, 4) : formatMoney(value, exp);
  };
}

const EMPTY_LINES = '"lines":[]';

/**
 * The canonical JSON of a priced basket from its parts, as the hub stores it: `head` is the
 * basket's JSON with `"lines":[]` (`PricingState.headJson()`), `lineTexts` the JSON of each line
 * in basket order (`PricingState.lineJson(line)`). Equal to `pricedBasketToJson` of the basket.
 * Pure string work: nothing is parsed, so it costs one copy of the text.
 */
export function joinPricedJson(head: string, lineTexts: readonly string[]): string {
  // `"lines":[]` can only be the top-level key: inside a JSON string every quote is escaped,
  // and no other key of a priced basket is named `lines`. The first match is the one.
  const at = head.indexOf(EMPTY_LINES);
  if (at < 0) throw new TypeError('joinPricedJson: the head has no "lines":[] key');
  return `${head.slice(0, at)}"lines":[${lineTexts.join(',')}]${head.slice(at + EMPTY_LINES.length)}`;
}
