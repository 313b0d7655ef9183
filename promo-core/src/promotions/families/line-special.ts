/** Line Special — `l` (spec §8.4): per-node discounts, each unit priced on its own, offset skips. */
import { NO_UNITS, planUnit, sortUnits } from '../primitives';
import type { Plan, PlannedSet, PlannedTarget } from '../state';
import type { FamilyContext } from './context';
import { availableMembers } from './context';
import { shortfall } from './combo';
import { SCRATCH, scratchFlags } from '../numeric';

export function planLineSpecial(ctx: FamilyContext): Plan {
  const { p, st, limit, m } = ctx;
  const lists = p.groups.map((_, gi) => sortUnits(p, st, availableMembers(ctx, gi), p.discountedSelection));
  const mins = p.groups.map((g) => Number(g.min));
  // used (1), skipped (2) or in the set being built (3): one flag per unit instead of sets
  const flag = scratchFlags(SCRATCH.lineSpecialFlag, st.units.length);
  const sets: PlannedSet[] = [];
  outer: while (sets.length < limit) {
    const targets: PlannedTarget[] = [];
    for (let gi = 0; gi < lists.length; gi++) {
      let got = 0;
      for (const u of lists[gi]!) {
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
        targets.push(t);
        flag[u] = 3;
        got++;
      }
      if (got < mins[gi]!) {
        for (const t of targets) flag[t.u] = 0; // the unfinished set is thrown away
        break outer;
      }
    }
    for (const t of targets) flag[t.u] = 1;
    sets.push({ targets, requisites: NO_UNITS });
  }
  return {
    sets,
    suggestion: shortfall(lists, mins, flag, st.units.length, sets.length, limit),
    consumes: true,
    delegatedToEasy: false,
  };
}
