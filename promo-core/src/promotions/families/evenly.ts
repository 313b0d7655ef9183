/**
 * Evenly Distributed Multiline Discount — `m` (spec §8.8): sets as in `r`, but the set's
 * discount is spread over every unit of the set, requisites included.
 */
import { roundDiv } from '../../money';
import { equalSplit, priceBase, proportionalSplit } from '../primitives';
import type { Plan } from '../state';
import type { FamilyContext } from './context';
import { planEasy } from './easy';
import { spreadTargets } from './basket-threshold';
import { formRequisiteSets, setShape } from './requisite-sets';

export function planEvenly(ctx: FamilyContext): Plan {
  const { p, st } = ctx;
  const shape = setShape(ctx);
  if (shape.R === 0) return { ...planEasy(ctx, shape.targetGroup, shape.D), delegatedToEasy: true };
  const splitType = p.extraData?.['evenly_distributed_multiline_discount_split_type'] === 'e' ? 'e' : 'p';
  const V = p.discountValue;
  const D = BigInt(shape.D);
  const { sets, suggestion } = formRequisiteSets(ctx, shape, (targets, requisites) => {
    const L = [...targets, ...requisites];
    const bases = L.map((u) => priceBase(p, st, u));
    let sumTargets = 0n;
    for (let i = 0; i < targets.length; i++) sumTargets += bases[i]!;
    let sumL = 0n;
    for (const b of bases) sumL += b;
    let X: bigint;
    if (p.discountType === 'p') X = roundDiv(sumTargets * V, 10000n);
    else if (p.discountType === 'v') X = p.strategy === 'a' ? V : V * D;
    else X = p.strategy === 'a' ? sumTargets - V : sumTargets - V * D;
    if (X <= 0n || X > sumL) return null;
    const shares = splitType === 'e' ? equalSplit(X, L.length) : proportionalSplit(X, bases);
    if (!shares) return null;
    // The share is the reduction from the unit's current price (§8.8 step 3).
    const raws = L.map((u, i) => shares[i]! - (st.price[u]! - bases[i]!));
    const planned = spreadTargets(ctx, L, bases, raws);
    return planned ? { targets: planned, requisites: [] } : null;
  });
  return { sets, suggestion, consumes: true, delegatedToEasy: false };
}
