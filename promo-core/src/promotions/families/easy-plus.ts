/** Easy+ — `p` (spec §8.2): everything at or above the minimum, one set, equal split repeated. */
import { NO_UNITS, planSet } from '../primitives';
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
  // the equal split of V over N, repeated over every chosen unit (§8.2)
  const targets = planSet(p, st, chosen, 'E', N);
  if (!targets) return emptyPlan();
  return {
    sets: [{ targets, requisites: NO_UNITS }],
    suggestion: null,
    consumes: true,
    delegatedToEasy: false,
  };
}
