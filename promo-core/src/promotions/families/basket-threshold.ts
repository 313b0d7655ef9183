/** Basket Threshold — `b` (spec §8.5): spend X over the group, a discount spread over the receivers. */
import { proportionalSplit, priceBase, rawDiscount } from '../primitives';
import type { Plan, PlannedTarget } from '../state';
import { emptyPlan } from '../state';
import type { FamilyContext } from './context';

export function planBasketThreshold(ctx: FamilyContext): Plan {
  const { p, st, limit, m } = ctx;
  const Q = m.groups[0]!; // every member unit, consumed or locked or not
  if (Q.length === 0) return emptyPlan();
  const V = p.discountValue;
  const T0 = p.groups[0]!.min;
  const T = p.discountType === 'v' && V > T0 ? V : T0;
  let S = 0n;
  for (const u of Q) S += priceBase(p, st, u);
  if (S < T) return emptyPlan({ missingAmount: T - S });

  const receivers = Q.filter(
    (u) => p.applyOnDiscountedItems || !(st.cum[u]! > 0n || (p.discountType === 'p' && st.reqUsed[u] === 1)),
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
