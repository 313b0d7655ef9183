/**
 * Spreading a basket-level amount over lines by the largest-remainder method
 * (spec/store.md §4.4 Example E): each line gets floor(total × weight / Σ weights); the minor
 * units left over go one each to the lines with the largest fractional parts, ties broken by
 * the larger weight (line value), then the earlier line. The shares always add up to the total.
 */

/**
 * @param total   non-negative amount to spread, minor units
 * @param weights non-negative line values; lines with weight 0 get nothing
 */
export function allocateLargestRemainder(total: bigint, weights: readonly bigint[]): bigint[] {
  if (total < 0n) throw new RangeError('allocateLargestRemainder: total must be non-negative');
  let sum = 0n;
  for (const w of weights) {
    if (w < 0n) throw new RangeError('allocateLargestRemainder: weights must be non-negative');
    sum += w;
  }
  const shares = weights.map(() => 0n);
  if (total === 0n) return shares;
  if (sum === 0n) throw new RangeError('allocateLargestRemainder: nothing to allocate over');
  const rems: bigint[] = [];
  let given = 0n;
  weights.forEach((w, i) => {
    const num = total * w;
    shares[i] = num / sum;
    rems.push(num % sum);
    given += shares[i]!;
  });
  let left = total - given;
  if (left === 0n) return shares;
  const order = weights
    .map((_, i) => i)
    .filter((i) => weights[i]! > 0n)
    .sort((a, b) => {
      const r = rems[b]! - rems[a]!;
      if (r !== 0n) return r > 0n ? 1 : -1;
      const w = weights[b]! - weights[a]!;
      if (w !== 0n) return w > 0n ? 1 : -1;
      return a - b;
    });
  for (const i of order) {
    if (left === 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares;
}
