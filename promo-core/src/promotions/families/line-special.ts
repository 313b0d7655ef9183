/** Line Special — `l` (spec §8.4): per-node discounts, each unit priced on its own, offset skips. */
import { NO_UNITS, planUnit, sortUnits } from '../primitives';
import type { Plan, PlannedSet, PlannedTarget } from '../state';
import type { FamilyContext } from './context';
import { availableMembers, upTo } from './context';
import { setsBound, shortfall } from './combo';
import { SCRATCH, scratchFlags } from '../numeric';

export function planLineSpecial(ctx: FamilyContext): Plan {
  const { p, st, limit, m } = ctx;
  const lists = p.groups.map((_, gi) => sortUnits(p, st, availableMembers(ctx, gi), p.discountedSelection));
  const mins = p.groups.map((g) => Number(g.min));
  // used (1), skipped (2) or in the set being built (3): one flag per unit instead of sets
  const flag = scratchFlags(SCRATCH.lineSpecialFlag, st.units.length);
  const sets = upTo<PlannedSet>(Math.min(limit, setsBound(lists, mins)));
  let count = 0;
  let size = 0; // one set's units: every group's minimum
  for (let gi = 0; gi < mins.length; gi++) size += mins[gi]!;
  outer: while (count < limit) {
    const targets: PlannedTarget[] = new Array(size);
    let filled = 0;
    for (let gi = 0; gi < lists.length; gi++) {
      let got = 0;
      // indexed loops: for-of with a break left an iterator result per unit
      const list = lists[gi]!;
      for (let li = 0; li < list.length; li++) {
        const u = list[li]!;
        if (got === mins[gi]) break;
        if (flag[u]) continue;
        const node = m.nodes[gi]!.get(u)!;
        const type = node.discountType ?? p.discountType;
        const value = node.discountValue ?? p.discountValue;
        const t = planUnit(p, st, u, type, value);
        if (!t) {
          flag[u] = 2;
          continue;
        }
        targets[filled++] = t;
        flag[u] = 3;
        got++;
      }
      if (got < mins[gi]!) {
        for (let i = 0; i < filled; i++) flag[targets[i]!.u] = 0; // the unfinished set is thrown away
        break outer;
      }
    }
    for (let i = 0; i < size; i++) flag[targets[i]!.u] = 1;
    sets[count++] = { targets, requisites: NO_UNITS };
  }
  sets.length = count;
  return {
    sets,
    suggestion: shortfall(lists, mins, flag, st.units.length, count, limit),
    consumes: true,
    delegatedToEasy: false,
  };
}
