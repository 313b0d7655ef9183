/**
 * Money and fixed-point decimals. Every amount is an integer bigint in minor units (or in
 * another fixed scale, e.g. basis points or ten-thousandths), parsed from decimal strings
 * only, so that binary floating point never touches a price, discount or tax.
 */

export type Minor = bigint;

export class DecimalFormatError extends Error {
  constructor(
    readonly input: unknown,
    reason: string,
  ) {
    super(`${JSON.stringify(input)}: ${reason}`);
    this.name = 'DecimalFormatError';
  }
}

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string (or a safe integer) into an integer scaled by 10^scale.
 * Digits beyond `scale` must be zeros unless `round` is given ('half_up' rounds them away).
 */
export function parseDecimal(
  input: string | number | bigint,
  scale: number,
  round: 'exact' | 'half_up' = 'exact',
): bigint {
  if (typeof input === 'bigint') return input * 10n ** BigInt(scale);
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input)) {
      throw new DecimalFormatError(input, 'numbers must be safe integers; send decimals as strings');
    }
    return BigInt(input) * 10n ** BigInt(scale);
  }
  const fast = plainDecimal(input, scale);
  if (fast >= 0) return BigInt(fast);
  const m = DECIMAL_RE.exec(input.trim());
  if (!m) throw new DecimalFormatError(input, 'not a decimal number');
  const sign = m[1] === '-' ? -1n : 1n;
  const intPart = m[2]!;
  let frac = m[3] ?? '';
  let carry = 0n;
  if (frac.length > scale) {
    const dropped = frac.slice(scale);
    frac = frac.slice(0, scale);
    if (/[1-9]/.test(dropped)) {
      if (round === 'exact') throw new DecimalFormatError(input, `more than ${scale} decimal places`);
      if (dropped.charCodeAt(0) >= 53 /* '5' */) carry = 1n;
    }
  }
  const digits = BigInt(intPart + frac.padEnd(scale, '0')) + carry;
  return sign * digits;
}

/**
 * The common case of parseDecimal without the regular expression (its match and the digit
 * strings were most of what parsing a basket line allocated): unsigned digits with at most
 * `scale` decimals and no surrounding space, small enough to be exact as a number
 * (≤ 15 digits once scaled). Returns the scaled value, or -1 for anything else, which the
 * general path then parses (or refuses) as before.
 */
function plainDecimal(input: string, scale: number): number {
  const n = input.length;
  if (n === 0 || n > 16) return -1;
  let value = 0;
  let intDigits = 0;
  let fracDigits = -1; // -1 until the point
  for (let i = 0; i < n; i++) {
    const c = input.charCodeAt(i);
    if (c === 46 /* . */) {
      if (fracDigits !== -1 || intDigits === 0) return -1;
      fracDigits = 0;
      continue;
    }
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
    if (fracDigits === -1) intDigits++;
    else fracDigits++;
  }
  if (fracDigits === 0) return -1; // "12." is not a decimal number
  const frac = fracDigits === -1 ? 0 : fracDigits;
  if (frac > scale || intDigits + scale > 15) return -1;
  for (let k = frac; k < scale; k++) value *= 10;
  return value;
}

/** Formats an integer scaled by 10^scale as a decimal string with `places` decimals (places ≥ scale). */
export function formatDecimal(value: bigint, scale: number, places: number = scale): string {
  if (places < scale) throw new RangeError('formatDecimal: places < scale would lose digits');
  const neg = value < 0n;
  // Extra places are zeros: append them to the digits rather than multiplying a bigint.
  const digits = (neg ? -value : value).toString() + '0'.repeat(places - scale);
  if (places === 0) return (neg ? '-' : '') + digits;
  const s = digits.length > places ? digits : digits.padStart(places + 1, '0');
  return `${neg ? '-' : ''}${s.slice(0, -places)}.${s.slice(-places)}`;
}

/** Money in a 2-exponent currency from a decimal string. */
export const parseMoney = (input: string | number, exponent = 2): Minor => parseDecimal(input, exponent);
/** Money as a decimal string, by default with the currency's own number of decimals. */
export const formatMoney = (value: Minor, exponent = 2, places = exponent): string =>
  formatDecimal(value, exponent, places);

/**
 * n / d rounded half-up (ties away from zero), for any sign of n and d > 0.
 * For n ≥ 0 this is the spec's roundDiv(n, d) = floor((2n + d) / 2d).
 */
export function roundDiv(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('roundDiv: divisor must be positive');
  if (n >= 0n) return (2n * n + d) / (2n * d);
  return -((2n * -n + d) / (2n * d));
}

/** n / d rounded half to even (banker's rounding), d > 0. */
export function roundDivHalfEven(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('roundDivHalfEven: divisor must be positive');
  const neg = n < 0n;
  const a = neg ? -n : n;
  let q = a / d;
  const r2 = (a % d) * 2n;
  if (r2 > d || (r2 === d && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}

/** n / d truncated towards zero ("down"), d > 0. */
export function divDown(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divDown: divisor must be positive');
  return n / d;
}

export type RoundingMode = 'half_up' | 'half_even' | 'down';

export function divRound(n: bigint, d: bigint, mode: RoundingMode): bigint {
  switch (mode) {
    case 'half_up':
      return roundDiv(n, d);
    case 'half_even':
      return roundDivHalfEven(n, d);
    case 'down':
      return divDown(n, d);
  }
}

/** Rounds a decimal string to `places` decimals half-up (spec §2.2 utility). */
export function roundHalfUp(amount: string, places: number): string {
  const m = DECIMAL_RE.exec(amount.trim());
  if (!m) throw new DecimalFormatError(amount, 'not a decimal number');
  const fracLen = (m[3] ?? '').length;
  const scale = Math.max(fracLen, places);
  const v = parseDecimal(amount, scale);
  const rounded = roundDiv(v, 10n ** BigInt(scale - places));
  return formatDecimal(rounded, places);
}

export const sum = (values: Iterable<bigint>): bigint => {
  let s = 0n;
  for (const v of values) s += v;
  return s;
};

export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);
