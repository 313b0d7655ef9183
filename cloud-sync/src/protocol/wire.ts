/**
 * Wire primitives shared by every payload. Money travels as decimal strings in the store
 * currency's places (what promo-core's `pricedBasketToJson` prints), never as JSON numbers, so
 * no float ever holds an amount; `parseMinor` turns them back into bigint minor units.
 */
import { z } from 'zod';

/** A signed decimal amount, e.g. "12.34", "-0.50"; 4-dp ledger values ("1.2345") also fit. */
export const moneySchema = z
  .string()
  .regex(/^-?\d{1,15}(\.\d{1,4})?$/, 'a decimal amount string such as "12.34"');
/** A tax or discount rate as a decimal string ("20.00", "6.2500"). */
export const percentSchema = z.string().regex(/^\d{1,3}(\.\d{1,4})?$/, 'a percentage string such as "20.00"');
export const instantSchema = z.iso.datetime({ offset: true });
export const dateSchema = z.iso.date();
export const idSchema = z.string().min(1).max(128);
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code');

/**
 * "12.34" → 1234n at exponent 2. Refuses more places than the exponent allows instead of
 * rounding: an amount that does not fit the currency is a producer bug, not something to guess.
 */
export function parseMinor(amount: string, exponent = 2): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!m) throw new RangeError(`not a decimal amount: ${amount}`);
  const [, sign, whole, frac = ''] = m;
  if (frac.length > exponent) {
    if (/[^0]/.test(frac.slice(exponent)))
      throw new RangeError(`${amount} has more than ${exponent} decimals`);
  }
  const digits = (whole ?? '0') + frac.slice(0, exponent).padEnd(exponent, '0');
  const v = BigInt(digits);
  return sign === '-' ? -v : v;
}

/** 1234n → "12.34" at exponent 2 (the inverse of parseMinor). */
export function formatMinor(minor: bigint, exponent = 2): string {
  const neg = minor < 0n;
  const s = (neg ? -minor : minor).toString().padStart(exponent + 1, '0');
  const out = exponent === 0 ? s : `${s.slice(0, -exponent)}.${s.slice(-exponent)}`;
  return neg ? `-${out}` : out;
}
