/** Easy — `e` (spec §8.1): one group, exact multiples of N, proportional split. */
import { NO_UNITS, planSet, sortUnits } from '../primitives';
import type { Plan, PlannedSet } from '../state';
import { emptyPlan } from '../state';
import type { FamilyContext } from './context';
import { availableMembers, upTo } from './context';

export function planEasy(ctx: FamilyContext, groupIndex = 0, batch?: number): Plan {
  const { p, st, limit } = ctx;
  const g = p.groups[groupIndex]!;
  const N = batch ?? Number(g.min);
  const U = sortUnits(p, st, availableMembers(ctx, groupIndex), p.discountedSelection);
  const C = U.length;
  if (C === 0) return emptyPlan();
  if (C < N) return emptyPlan({ missingQty: N - C });
  const sets = upTo<PlannedSet>(Math.min(limit, Math.floor(C / N)));
  let count = 0;
  let leftoverFrom = 0;
  for (let j = 0; (j + 1) * N <= C && count < limit; j++) {
    const targets = planSet(p, st, U.slice(j * N, (j + 1) * N), 'P');
    if (targets) sets[count++] = { targets, requisites: NO_UNITS };
    leftoverFrom = (j + 1) * N;
  }
  sets.length = count;
  const left = C - leftoverFrom;
  const suggestion = sets.length < limit && left > 0 && left < N ? { missingQty: N - left } : null;
  return { sets, suggestion, consumes: true, delegatedToEasy: false };
}
