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
