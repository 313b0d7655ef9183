/** Basket Threshold — `b` (spec §8.5): spend X over the group, a discount spread over the receivers. */
import { priceBaseN, proportionalSplit, priceBase, rawDiscount } from '../primitives';
import type { Plan, PlannedTarget } from '../state';
import { emptyPlan, SpreadSet } from '../state';
import { roundDivN, sortByKeys } from '../numeric';
import type { FamilyContext } from './context';

export function planBasketThreshold(ctx: FamilyContext): Plan {
  if (ctx.m.groups[0]!.length === 0) return emptyPlan();
  return ctx.st.numeric ? planWithNumbers(ctx) : planWithBigints(ctx);
}

/** floor(a / b) for integers 0 ≤ a, 0 < b below 2^53, exactly. */
function floorDivN(a: number, b: number): number {
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) q--;
  else if (r >= b) q++;
  return q;
}

/** Scratch for per-unit bases and raw amounts, reused by every plan (planning is synchronous). */
let basesScratch = new Float64Array(64);
let rawsScratch = new Float64Array(64);

/**
 * The same plan as `planWithBigints` in integer numbers: `b` spreads over every member of
 * the basket, so its per-unit arrays and bigint temporaries were most of an evaluation's
 * allocation. Typed arrays hold the bases and raw amounts; bigints appear only in the plan.
 */
function planWithNumbers(ctx: FamilyContext): Plan {
  const { p, st, limit, m } = ctx;
  const Q = m.groups[0]!;
  const type = p.discountType;
  const V = Number(p.discountValue); // exact where it matters: compared with sums < 2^53, or ≤ 10,000 bp
  const T = Number(type === 'v' && p.discountValue > p.groups[0]!.min ? p.discountValue : p.groups[0]!.min);
  const n = st.units.length;
  if (basesScratch.length < n) {
    basesScratch = new Float64Array(n * 2);
    rawsScratch = new Float64Array(n * 2);
  }
  const bases = basesScratch;
  let S = 0;
  for (const u of Q) {
    bases[u] = priceBaseN(p, st, u);
    S += bases[u]!;
  }
  if (S < T) {
    const Tb = type === 'v' && p.discountValue > p.groups[0]!.min ? p.discountValue : p.groups[0]!.min;
    return emptyPlan({ missingAmount: Tb - BigInt(S) });
  }
  const R = new Int32Array(Q.length);
  let count = 0;
  for (const u of Q) {
    if (p.applyOnDiscountedItems || !(st.hasDiscount(u) || (type === 'p' && st.reqUsed[u] === 1)))
      R[count++] = u;
  }
  if (count === 0) return emptyPlan();
  const receivers = sortByKeys(count === R.length ? R : R.subarray(0, count), bases);
  let sumR = 0;
  for (const u of receivers) sumR += bases[u]!;

  const raws = rawsScratch;
  if (type === 'p') {
    for (let i = 0; i < count; i++) raws[i] = roundDivN(bases[receivers[i]!]! * V, 10000);
  } else {
    if (sumR === 0) return emptyPlan(); // a proportional split is undefined (§7.2)
    let W: number;
    if (type === 'v') {
      const k = T > 0 ? Math.min(limit, floorDivN(S, T)) : 1;
      W = k * V < sumR ? k * V : sumR;
    } else {
      if (V >= sumR) return emptyPlan();
      W = V;
    }
    let acc = 0;
    for (let i = 0; i < count - 1; i++) {
      const share = roundDivN(bases[receivers[i]!]! * W, sumR);
      acc += share;
      raws[i] = type === 'v' ? share : bases[receivers[i]!]! - share;
    }
    const last = W - acc;
    raws[count - 1] = type === 'v' ? last : bases[receivers[count - 1]!]! - last;
  }
  // the spreading validity rule (§7.3 exception), as spreadTargets
  let total = 0;
  for (let i = 0; i < count; i++) {
    const u = receivers[i]!;
    const r = raws[i]!;
    const newPrice = bases[u]! - r;
    const d = st.priceN[u]! - newPrice;
    if (r < 0 || newPrice < 0 || d < 0) return emptyPlan();
    total += d;
  }
  if (total === 0 && !st.flags.applyZeroDiscountPromos) return emptyPlan();
  // the set stays in typed arrays (see SpreadSet): no object and no bigint per receiver here
  const dN = new Float64Array(count);
  const newPriceN = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const u = receivers[i]!;
    newPriceN[i] = bases[u]! - raws[i]!;
    dN[i] = st.priceN[u]! - newPriceN[i]!;
  }
  const set = new SpreadSet(count, receivers, dN, newPriceN);
  return { sets: [set], suggestion: null, consumes: false, delegatedToEasy: false };
}

/** The bigint form, for baskets whose amounts the number path cannot prove exact. */
function planWithBigints(ctx: FamilyContext): Plan {
  const { p, st, limit, m } = ctx;
  const Q = m.groups[0]!; // every member unit, consumed or locked or not
  const V = p.discountValue;
  const T0 = p.groups[0]!.min;
  const T = p.discountType === 'v' && V > T0 ? V : T0;
  let S = 0n;
  for (const u of Q) S += priceBase(p, st, u);
  if (S < T) return emptyPlan({ missingAmount: T - S });

  const receivers = Q.filter(
    (u) =>
      p.applyOnDiscountedItems || !(st.hasDiscount(u) || (p.discountType === 'p' && st.reqUsed[u] === 1)),
  ).map((u) => {
    const b = priceBase(p, st, u);
    return { u, b, key: Number(b) }; // a sort key only: prices are far below 2^53
  });
  if (receivers.length === 0) return emptyPlan();
  receivers.sort((x, y) => x.key - y.key || x.u - y.u);
  const R = receivers.map((x) => x.u);
  const baseList = receivers.map((x) => x.b);
  let sumR = 0n;
  for (const b of baseList) sumR += b;

  let raws: bigint[] | null;
  switch (p.discountType) {
    case 'p':
      raws = R.map((u, i) => rawDiscount('p', baseList[i]!, V, st.units[u]!.weightMilli));
      break;
    case 'v': {
      const k = T > 0n ? BigInt(Math.min(limit, Number(S / T))) : 1n;
      const W = k * V < sumR ? k * V : sumR;
      raws = proportionalSplit(W, baseList);
      break;
    }
    case 'f': {
      if (V >= sumR) return emptyPlan();
      const shares = proportionalSplit(V, baseList);
      raws = shares && shares.map((share, i) => baseList[i]! - share);
      break;
    }
  }
  if (!raws) return emptyPlan();
  const targets = spreadTargets(ctx, R, baseList, raws);
  if (!targets) return emptyPlan();
  return { sets: [{ targets, requisites: [] }], suggestion: null, consumes: false, delegatedToEasy: false };
}

/**
 * The spreading validity rule (§7.3 exception): every unit keeps r ≥ 0 and a price ≥ 0 and
 * the set's total discount is positive (or zero under the tenant flag).
 */
export function spreadTargets(
  ctx: FamilyContext,
  units: number[],
  bases: bigint[],
  raws: bigint[],
): PlannedTarget[] | null {
  const { st } = ctx;
  const out: PlannedTarget[] = [];
  let total = 0n;
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const r = raws[i]!;
    const newPrice = bases[i]! - r;
    const d = st.price[u]! - newPrice;
    if (r < 0n || newPrice < 0n || d < 0n) return null;
    total += d;
    out.push({ u, d, newPrice });
  }
  if (total < 0n || (total === 0n && !st.flags.applyZeroDiscountPromos)) return null;
  return out;
}
