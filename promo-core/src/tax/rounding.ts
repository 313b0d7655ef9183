/**
 * Rounding between the 4-dp ledger and minor units, and apportioning a rounded total over parts.
 */
import { divRound, roundDiv, type RoundingMode } from '../money';
import { TaxError } from './errors';

/** Ledger units (1/10 000 of the major unit) per minor unit. */
export function ledgerUnitsPerMinor(currencyExponent: number): bigint {
  if (!Number.isInteger(currencyExponent) || currencyExponent < 0 || currencyExponent > 4) {
    throw new TaxError('TAX_INPUT_INVALID', 'currency exponent must be an integer from 0 to 4', {
      currencyExponent,
    });
  }
  return 10n ** BigInt(4 - currencyExponent);
}

/** A 4-dp amount to minor units with the given mode (ties and truncation are symmetric about zero). */
export const ledgerToMinor = (value4: bigint, perMinor: bigint, mode: RoundingMode): bigint =>
  divRound(value4, perMinor, mode);

/** Amounts (not tax) are rounded half-up, the project-wide default (ARCHITECTURE.md invariants). */
export const amountToMinor = (value4: bigint, perMinor: bigint): bigint => roundDiv(value4, perMinor);

const floorDiv = (n: bigint, d: bigint): bigint => {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
};

/**
 * Splits `total` (minor units) over parts given in ledger units so that the integer shares sum to
 * `total` exactly and each share is its part's floor plus at most the adjustment it needs:
 * largest remainder first when adding, smallest first when taking away; ties go to the larger
 * absolute part, then to the earlier one (the same tie rule as spec §4.4 Example E).
 */
export function apportion(total: bigint, parts4: readonly bigint[], perMinor: bigint): bigint[] {
  // Mirror a negative total (a refund or return basket) so it is split exactly like the sale.
  if (total < 0n)
    return apportion(
      -total,
      parts4.map((p) => -p),
      perMinor,
    ).map((s) => -s);
  const shares = parts4.map((p) => floorDiv(p, perMinor));
  if (shares.length === 0) return shares;
  let k = total - shares.reduce((a, b) => a + b, 0n);
  if (k === 0n) return shares;
  // Remainders are below `perMinor` (≤ 10 000), so they compare as plain numbers.
  const rem = parts4.map((p, i) => Number(p - shares[i]! * perMinor));
  const abs = (i: number) => (parts4[i]! < 0n ? -parts4[i]! : parts4[i]!);
  const order = parts4
    .map((_, i) => i)
    .sort((a, b) => {
      if (rem[a] !== rem[b]) return rem[b]! - rem[a]!;
      const x = abs(a);
      const y = abs(b);
      if (x !== y) return x > y ? -1 : 1;
      return a - b;
    });
  // The spread is normally below one minor unit per part; the loops also cope with more.
  while (k > 0n) {
    for (const i of order) {
      if (k === 0n) break;
      shares[i]! += 1n;
      k -= 1n;
    }
  }
  while (k < 0n) {
    for (let j = order.length - 1; j >= 0; j--) {
      if (k === 0n) break;
      shares[order[j]!]! -= 1n;
      k += 1n;
    }
  }
  return shares;
}
