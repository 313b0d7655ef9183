/** Easy+ — `p` (spec §8.2): everything at or above the minimum, one set, equal split repeated. */
import { equalSplit, targetsFor } from '../primitives';
import type { Plan } from '../state';
import { emptyPlan } from '../state';
import type { FamilyContext } from './context';
import { availableMembers } from './context';
import { sortUnits } from '../primitives';

export function planEasyPlus(ctx: FamilyContext): Plan {
  const { p, st } = ctx;
  const g = p.groups[0]!;
  const N = Number(g.min);
  const U = sortUnits(p, st, availableMembers(ctx, 0), p.discountedSelection);
  const C = U.length;
  if (C === 0) return emptyPlan();
  if (C < N) return emptyPlan({ missingQty: N - C });
  const n = g.max === null ? C : Math.min(C, Number(g.max));
  const chosen = U.slice(0, n);
  const pattern =
    p.strategy === 'e' || p.discountType === 'p'
      ? new Array<bigint>(N).fill(p.discountValue)
      : equalSplit(p.discountValue, N);
  const targets = targetsFor(
    p,
    st,
    chosen,
    chosen.map((_, i) => pattern[i % N]!),
  );
  if (!targets) return emptyPlan();
  return { sets: [{ targets, requisites: [] }], suggestion: null, consumes: true, delegatedToEasy: false };
}
