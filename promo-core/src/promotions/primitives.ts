/** Discount primitives (spec §7): amounts per unit, splits, validity, limit and cap. */
import { roundDiv } from '../money';
import { bigintOf, roundDivN, sortByKeys } from './numeric';
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
  units: readonly number[],
  xs: bigint[],
  type = p.discountType,
): PlannedTarget[] | null {
  const out: PlannedTarget[] = new Array(units.length);
  for (let i = 0; i < units.length; i++) {
    const t = planUnit(p, st, units[i]!, type, xs[i]!);
    if (!t) return null;
    out[i] = t;
  }
  return out;
}

/** A set's shared empty requisite list (frozen: a plan never adds to it, it replaces it). */
export const NO_UNITS: number[] = Object.freeze([]) as unknown as number[];

/**
 * Largest product the number paths form before a roundDivN: 2n + d must stay ≤ 2^53, and
 * every divisor they use (10,000, 1,000, a set's base sum ≤ the basket's) is far below 2^51.
 */
const PRODUCT_LIMIT = 2 ** 51;
/** Per-unit values above this are planned on bigints (a value is unbounded in the ingest format). */
const VALUE_LIMIT = BigInt(PRODUCT_LIMIT);

/**
 * §7.1 and §7.3 for one unit with per-unit value x: the bigint primitives, or the same
 * arithmetic on exact integer numbers when the state proved prices below 2^53 and the
 * products stay below 2^51 (a bigint operation allocates; the planned amounts come out as
 * shared bigints where small). Both give the same target.
 */
export function planUnit(
  p: Promotion,
  st: EvalState,
  u: number,
  type: DiscountType,
  x: bigint,
): PlannedTarget | null {
  if (st.numeric && x <= VALUE_LIMIT && x >= 0n) {
    const t = unitTargetN(p, st, u, type, Number(x));
    if (t !== undefined) return t;
  }
  const base = priceBase(p, st, u);
  return unitTarget(st, u, base, rawDiscount(type, base, x, st.units[u]!.weightMilli));
}

/** unitTarget(rawDiscount(…)) on numbers; undefined when a product could pass 2^51 (then bigints). */
function unitTargetN(
  p: Promotion,
  st: EvalState,
  u: number,
  type: DiscountType,
  x: number,
): PlannedTarget | null | undefined {
  const base = priceBaseN(p, st, u);
  let r: number;
  if (type === 'p') {
    // base ≤ the basket's largest sum M and x ≤ 10,000 bp: 2·M·10,000 + 10,000 ≤ 2^53 (numericSafe)
    if (x > 10000) return undefined;
    r = roundDivN(base * x, 10000);
  } else {
    const w = Number(st.units[u]!.weightMilli);
    const prod = x * w;
    if (prod > PRODUCT_LIMIT) return undefined;
    const q = roundDivN(prod, 1000);
    r = type === 'v' ? q : base - q;
  }
  const newPrice = base - r;
  const d = st.priceN[u]! - newPrice;
  if (r < 0 || newPrice < 0) return null;
  if (d < 0 || (d === 0 && !st.flags.applyZeroDiscountPromos)) return null;
  return { u, d: bigintOf(d), newPrice: bigintOf(newPrice) };
}

/**
 * perUnitValues followed by targetsFor for one set of units, without the per-unit value and
 * base arrays and their bigint temporaries when the state is numeric (the split computed on
 * numbers, exactly as proportionalSplit and equalSplit do on bigints). null when the
 * proportional split is undefined or a unit fails §7.3.
 */
export function planSet(
  p: Promotion,
  st: EvalState,
  units: readonly number[],
  split: 'P' | 'E',
  n: number = units.length,
): PlannedTarget[] | null {
  if (st.numeric) {
    const planned = planSetN(p, st, units, split, n);
    if (planned !== undefined) return planned;
  }
  const xs = perUnitValues(
    p,
    split,
    units.map((u) => priceBase(p, st, u)),
    n,
  );
  return xs && targetsFor(p, st, units, xs);
}

/** planSet on numbers; undefined when a value or product is out of the number range. */
function planSetN(
  p: Promotion,
  st: EvalState,
  units: readonly number[],
  split: 'P' | 'E',
  n: number,
): PlannedTarget[] | null | undefined {
  const V = p.discountValue;
  if (V < 0n || V > VALUE_LIMIT) return undefined;
  const Vn = Number(V);
  const count = units.length;
  const whole = p.strategy === 'e' || p.discountType === 'p';
  let total = 0;
  let share = 0;
  let last = 0;
  if (!whole) {
    if (split === 'P') {
      for (let i = 0; i < count; i++) total += priceBaseN(p, st, units[i]!);
      if (total === 0) return null; // proportionalSplit's undefined split
      // each product base × V ≤ total × V
      if (Vn * total > PRODUCT_LIMIT) return undefined;
    } else {
      share = roundDivN(Vn, n);
      last = Vn - share * (n - 1);
    }
  }
  const out: PlannedTarget[] = new Array(count);
  let acc = 0;
  for (let i = 0; i < count; i++) {
    const u = units[i]!;
    let x: number;
    if (whole) x = Vn;
    else if (split === 'P') {
      if (i < count - 1) {
        x = roundDivN(priceBaseN(p, st, u) * Vn, total);
        acc += x;
      } else x = Vn - acc; // the remainder on the last, as proportionalSplit
    } else x = i % n === n - 1 ? last : share; // equalSplit's parts, repeated per n
    if (x < 0) return undefined; // the bigint path's own rules then apply
    const t = unitTargetN(p, st, u, p.discountType, x);
    if (t === undefined) return undefined;
    if (t === null) return null;
    out[i] = t;
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
