/** Basket Threshold with Discounted Target — `t` (spec §8.6). */
import { NO_UNITS, planSet, priceBase, sortUnits } from '../primitives';
import type { Plan, PlannedSet, SuggestionInfo } from '../state';
import { emptyPlan } from '../state';
import type { FamilyContext } from './context';
import { SCRATCH, scratchFlags } from '../numeric';

export function planBasketTarget(ctx: FamilyContext): Plan {
  const { p, st, limit, m } = ctx;
  const ti = p.groups.findIndex((g) => g.name === p.targetGroupName);
  const ri = ti === 0 ? 1 : 0;
  const T = p.groups[ri]!.min;
  const Nt = Number(p.groups[ti]!.min);
  const Q = m.groups[ri]!;
  if (Q.length === 0 && m.groups[ti]!.length === 0) return emptyPlan();
  let S = 0n;
  for (const u of Q) S += priceBase(p, st, u);
  if (S < T) return emptyPlan({ missingAmount: T - S });
  const kmax = T > 0n ? Math.min(limit, Number(S / T)) : limit;

  const G = sortUnits(
    p,
    st,
    m.groups[ti]!.filter((u) => p.applyOnDiscountedItems || !st.hasDiscount(u)),
    p.discountedSelection,
  );
  const sets: PlannedSet[] = [];
  let pos = 0;
  while (sets.length < kmax && pos + Nt <= G.length) {
    const chosen = G.slice(pos, pos + Nt);
    pos += Nt;
    // the equal split of V over the Nt targets (§8.6)
    const targets = planSet(p, st, chosen, 'E', Nt);
    if (targets) sets.push({ targets, requisites: NO_UNITS });
  }
  if (sets.length > 0) {
    // the requisite members that are not targets, flagged per unit rather than in a set
    const isTarget = scratchFlags(SCRATCH.basketTargets, st.units.length);
    for (const s of sets) for (const t of s.targets) isTarget[t.u] = 1;
    let n = 0;
    for (const u of Q) if (!isTarget[u]) n++;
    const requisites: number[] = new Array(n);
    for (let i = 0, k = 0; k < n; i++) if (!isTarget[Q[i]!]) requisites[k++] = Q[i]!;
    sets[sets.length - 1]!.requisites = requisites;
  }
  let suggestion: SuggestionInfo | null = null;
  const done = BigInt(sets.length);
  if (p.discountType === 'p' && p.discountValue === 10000n && sets.length < limit && S - done * T >= T) {
    suggestion = { missingQty: Nt, freeItemMissing: true };
  }
  return { sets, suggestion, consumes: false, delegatedToEasy: false };
}
