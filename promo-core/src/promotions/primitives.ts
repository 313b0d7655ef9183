/** Discount primitives (spec §7): amounts per unit, splits, validity, limit and cap. */
import { roundDiv } from '../money';
import { sortByKeys } from './numeric';
import type { EvalState, Plan, PlannedSet, PlannedTarget } from './state';
import type { DiscountType, Promotion, SelectionCriteria } from './types';

/** §6.4 */
export function priceBase(p: Promotion, st: EvalState, u: number): bigint {
  switch (p.discountValueOn) {
    case 'm':
      return st.units[u]!.mrp;
    case 's':
      return st.units[u]!.sp;
    case 'f':
      return st.price[u]!;
  }
}

/** §7.1: the raw discount of one unit for a per-unit value x (bp for 'p', minor units otherwise). */
export function rawDiscount(type: DiscountType, base: bigint, x: bigint, weightMilli: bigint): bigint {
  switch (type) {
    case 'p':
      return roundDiv(base * x, 10000n);
    case 'v':
      return roundDiv(x * weightMilli, 1000n);
    case 'f':
      return base - roundDiv(x * weightMilli, 1000n);
  }
}

/** Outcome of a raw discount on one unit, or null when it fails §7.3. */
export function unitTarget(st: EvalState, u: number, base: bigint, r: bigint): PlannedTarget | null {
  const newPrice = base - r;
  const d = st.price[u]! - newPrice;
  if (r < 0n || newPrice < 0n) return null;
  if (d < 0n || (d === 0n && !st.flags.applyZeroDiscountPromos)) return null;
  return { u, d, newPrice };
}

/** Splits V over parts proportionally to weights, the remainder on the last; null when Σ weights = 0. */
export function proportionalSplit(value: bigint, weights: bigint[]): bigint[] | null {
  let total = 0n;
  for (const w of weights) total += w;
  if (total === 0n) return null;
  const parts: bigint[] = [];
  let acc = 0n;
  for (let i = 0; i < weights.length - 1; i++) {
    const x = roundDiv(weights[i]! * value, total);
    parts.push(x);
    acc += x;
  }
  parts.push(value - acc);
  return parts;
}

/** Splits V over n parts equally, the remainder on the last. */
export function equalSplit(value: bigint, n: number): bigint[] {
  const share = roundDiv(value, BigInt(n));
  const parts: bigint[] = new Array(n).fill(share);
  parts[n - 1] = value - share * BigInt(n - 1);
  return parts;
}

/**
 * §7.2: per-unit values of a set. `n` is the set size for the equal split; bases are used by
 * the proportional split. Returns null when the proportional split is undefined.
 */
export function perUnitValues(
  p: Promotion,
  split: 'P' | 'E',
  bases: bigint[],
  n: number = bases.length,
): bigint[] | null {
  const V = p.discountValue;
  if (p.strategy === 'e' || p.discountType === 'p') return bases.map(() => V);
  if (split === 'P') return proportionalSplit(V, bases);
  const parts = equalSplit(V, n);
  return bases.map((_, i) => parts[i % n]!);
}

/** Plans a set where unit i gets value xs[i]; null when any unit fails §7.3. */
export function targetsFor(
  p: Promotion,
  st: EvalState,
  units: number[],
  xs: bigint[],
  type = p.discountType,
): PlannedTarget[] | null {
  const out: PlannedTarget[] = [];
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const base = priceBase(p, st, u);
    const t = unitTarget(st, u, base, rawDiscount(type, base, xs[i]!, st.units[u]!.weightMilli));
    if (!t) return null;
    out.push(t);
  }
  return out;
}

/** Sort keys by unit index, reused across calls (sorting is synchronous and never nested). */
let sortKeys = new Float64Array(64);

/**
 * §6.3: sorts unit indices by price base; ties keep basket order (units are indexed in it).
 * Sorts the given array in place (callers pass the fresh list of available members).
 */
export function sortUnits(
  p: Promotion,
  st: EvalState,
  units: number[],
  criteria: SelectionCriteria,
): number[] {
  // Number keys compare faster than bigint ones and are exact: prices are far below 2^53
  // (the number mirrors when the state proved it; otherwise a conversion, which allocates nothing).
  if (sortKeys.length < st.units.length) sortKeys = new Float64Array(st.units.length * 2);
  const keys = sortKeys;
  for (const u of units) keys[u] = st.numeric ? priceBaseN(p, st, u) : Number(priceBase(p, st, u));
  return sortByKeys(units, keys, criteria === 'm' ? -1 : 1);
}

/** §6.4 on the state's number mirrors (only when `st.numeric`). */
export function priceBaseN(p: Promotion, st: EvalState, u: number): number {
  switch (p.discountValueOn) {
    case 'm':
      return st.mrpN[u]!;
    case 's':
      return st.spN[u]!;
    case 'f':
      return st.priceN[u]!;
  }
}

/** §7.5: the running cap over the whole promotion, in commit order. */
export function applyCap(plan: Plan, cap: bigint | null, st: EvalState): Plan {
  if (cap === null) return plan;
  let left = cap;
  const sets: PlannedSet[] = [];
  for (const set of plan.sets) {
    if (left <= 0n) break;
    const targets = set.targets.map((t) => {
      if (t.d <= left) {
        left -= t.d;
        return t;
      }
      const d = left;
      left = 0n;
      return { u: t.u, d, newPrice: st.price[t.u]! - d };
    });
    sets.push({ targets, requisites: set.requisites });
  }
  return { ...plan, sets };
}
