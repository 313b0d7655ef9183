/** Easy — `e` (spec §8.1): one group, exact multiples of N, proportional split. */
import { perUnitValues, priceBase, sortUnits, targetsFor } from '../primitives';
import type { Plan, PlannedSet } from '../state';
import { emptyPlan } from '../state';
import type { FamilyContext } from './context';
import { availableMembers } from './context';

export function planEasy(ctx: FamilyContext, groupIndex = 0, batch?: number): Plan {
  const { p, st, limit } = ctx;
  const g = p.groups[groupIndex]!;
  const N = batch ?? Number(g.min);
  const U = sortUnits(p, st, availableMembers(ctx, groupIndex), p.discountedSelection);
  const C = U.length;
  if (C === 0) return emptyPlan();
  if (C < N) return emptyPlan({ missingQty: N - C });
  const sets: PlannedSet[] = [];
  let leftoverFrom = 0;
  for (let j = 0; (j + 1) * N <= C && sets.length < limit; j++) {
    const S = U.slice(j * N, (j + 1) * N);
    const xs = perUnitValues(
      p,
      'P',
      S.map((u) => priceBase(p, st, u)),
    );
    const targets = xs && targetsFor(p, st, S, xs);
    if (targets) sets.push({ targets, requisites: [] });
    leftoverFrom = (j + 1) * N;
  }
  const left = C - leftoverFrom;
  const suggestion = sets.length < limit && left > 0 && left < N ? { missingQty: N - left } : null;
  return { sets, suggestion, consumes: true, delegatedToEasy: false };
}
