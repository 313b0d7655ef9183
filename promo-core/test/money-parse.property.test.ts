/**
 * parseDecimal reads the common case (plain digits with at most `scale` decimals) without its
 * regular expression (issue 9: allocation per evaluation). Whatever the input, the answer —
 * a value or a DecimalFormatError — must be the one the regular-expression reading gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecimalFormatError, parseDecimal } from '../src/money';

/** The reading by the grammar ^([+-])?(\d+)(?:\.(\d+))?$ after trimming, written out independently. */
function byGrammar(input: string, scale: number, round: 'exact' | 'half_up'): bigint | 'error' {
  const m = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(input.trim());
  if (!m) return 'error';
  const negative = m[1] === '-';
  const whole = m[2]!;
  const frac = m[3] ?? '';
  const kept = frac.slice(0, scale).padEnd(scale, '0');
  const dropped = frac.slice(scale);
  let carry = 0n;
  if (/[1-9]/.test(dropped)) {
    if (round === 'exact') return 'error';
    if (dropped[0]! >= '5') carry = 1n;
  }
  const v = BigInt(whole + kept) + carry;
  return negative ? -v : v;
}

const read = (input: string, scale: number, round: 'exact' | 'half_up'): bigint | 'error' => {
  try {
    return parseDecimal(input, scale, round);
  } catch (err) {
    if (err instanceof DecimalFormatError) return 'error';
    throw err;
  }
};

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));

describe('parseDecimal: the plain-digit reading agrees with the grammar', () => {
  it('well-formed decimals of every length around the 15-digit limit, every scale', () => {
    fc.assert(
      fc.property(
        digits(1, 18),
        fc.option(digits(0, 6), { nil: null }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom<'exact' | 'half_up'>('exact', 'half_up'),
        (whole, frac, scale, round) => {
          const input = frac === null ? whole : `${whole}.${frac}`;
          expect(read(input, scale, round)).toEqual(byGrammar(input, scale, round));
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('any string over digits, point, signs and spaces', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom(...'0123456789.+- '), { minLength: 0, maxLength: 20 })
          .map((c) => c.join('')),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom<'exact' | 'half_up'>('exact', 'half_up'),
        (input, scale, round) => {
          expect(read(input, scale, round)).toEqual(byGrammar(input, scale, round));
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('named edges: a trailing point, a bare point, leading zeros, the exact-number limit', () => {
    for (const [input, scale] of [
      ['12.', 2],
      ['.5', 2],
      ['.', 2],
      ['', 2],
      ['007.50', 2],
      ['9999999999999.99', 2], // 15 digits scaled: the plain reading
      ['99999999999999.99', 2], // 16: the general reading
      ['1.500', 2], // zeros beyond the scale
      ['1.505', 2], // refused exactly
    ] as const)
      expect(read(input, scale, 'exact')).toEqual(byGrammar(input, scale, 'exact'));
  });
});
