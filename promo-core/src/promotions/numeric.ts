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
  if (n > 64) {
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

/**
 * Bigints of small non-negative integers, shared: a bigint is immutable, so one object per
 * value serves every evaluation (BigInt(n) allocates a new one on each call). The table
 * covers the usual per-unit discounts and prices in minor units (0 … 8,191; 256 KB filled).
 */
const SMALL_BIGINTS = 8192;
const smallBigints: bigint[] = [];

/** BigInt(n) for an exact integer n, shared when small. */
export function bigintOf(n: number): bigint {
  if (n >= 0 && n < SMALL_BIGINTS) {
    const hit = smallBigints[n];
    if (hit !== undefined) return hit;
    if (smallBigints.length === 0) for (let i = 0; i < SMALL_BIGINTS; i++) smallBigints.push(BigInt(i));
    return smallBigints[n]!;
  }
  return BigInt(n);
}

/** Zeroed byte flags per unit, reused by the plan that owns the slot (planning is synchronous and never nested per slot). */
const byteScratch: Uint8Array[] = [];
export const SCRATCH = {
  comboTaken: 0,
  comboPool: 1,
  shortfallClaimed: 2,
  lineSpecialFlag: 3,
  requisiteFlags: 4,
  basketTargets: 5,
} as const;

/** A zeroed Uint8Array of at least n bytes for the slot; indices ≥ n are not meant to be read. */
export function scratchFlags(slot: number, n: number): Uint8Array {
  let a = byteScratch[slot];
  if (!a || a.length < n) {
    a = new Uint8Array(Math.max(64, n * 2));
    byteScratch[slot] = a;
  } else a.fill(0, 0, n);
  return a;
}
