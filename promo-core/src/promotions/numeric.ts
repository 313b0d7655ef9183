/**
 * Exact integer arithmetic on plain numbers for the hot loops, where the evaluation proved
 * every value involved stays below 2^53 (`EvalState.numeric`): money stays integer minor
 * units, only the representation changes (a bigint operation allocates; a number does not).
 * Amounts enter and leave as bigint at the boundaries (plans, records, totals).
 */

/** Largest sum over a basket's units of max(MRP, SP) for which the number paths are exact. */
export function numericSafe(sumOfMaxPrices: bigint): boolean {
  const M = sumOfMaxPrices;
  const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
  // Products met: base × (a value split over units, ≤ the sum of their bases) and
  // base × basis points (≤ 10,000); roundDiv doubles the numerator and adds the divisor.
  return 2n * M * M + M <= SAFE && 2n * M * 10000n + 10000n <= SAFE;
}

/** The spec's roundDiv for n ≥ 0, d > 0 with 2n + d ≤ 2^53: floor((2n + d) / 2d), exactly. */
export function roundDivN(n: number, d: number): number {
  const a = 2 * n + d;
  const b = 2 * d;
  // the float quotient can be one off near an integer; the remainder corrects it exactly
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) q--;
  else if (r >= b) q++;
  return q;
}

/**
 * Sorts unit indices in place by key (ascending, or descending with dir = -1), ties by
 * index. Short lists use an insertion sort, which allocates nothing (the built-in sort
 * takes a work copy on every call); long ones the built-in sort.
 */
export function sortByKeys<T extends number[] | Int32Array>(xs: T, keys: Float64Array, dir: 1 | -1 = 1): T {
  const n = xs.length;
  if (n > 48) {
    (xs as number[]).sort((a, b) => (keys[a]! - keys[b]!) * dir || a - b);
    return xs;
  }
  for (let i = 1; i < n; i++) {
    const x = xs[i]!;
    const kx = keys[x]!;
    let j = i - 1;
    while (j >= 0) {
      const y = xs[j]!;
      const c = (keys[y]! - kx) * dir || y - x;
      if (c <= 0) break;
      xs[j + 1] = y;
      j--;
    }
    xs[j + 1] = x;
  }
  return xs;
}
