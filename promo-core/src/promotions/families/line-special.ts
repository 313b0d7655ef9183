/** Line Special — `l` (spec §8.4): per-node discounts, each unit priced on its own, offset skips. */
import { priceBase, rawDiscount, sortUnits, unitTarget } from '../primitives';
import type { Plan, PlannedSet, PlannedTarget } from '../state';
import type { FamilyContext } from './context';
import { availableMembers } from './context';
import { shortfall } from './combo';

export function planLineSpecial(ctx: FamilyContext): Plan {
  const { p, st, limit, m } = ctx;
  const lists = p.groups.map((_, gi) => sortUnits(p, st, availableMembers(ctx, gi), p.discountedSelection));
  const mins = p.groups.map((g) => Number(g.min));
  const used = new Set<number>();
  const skipped = new Set<number>();
  const sets: PlannedSet[] = [];
  outer: while (sets.length < limit) {
    const targets: PlannedTarget[] = [];
    const inSet = new Set<number>();
    for (let gi = 0; gi < lists.length; gi++) {
      let got = 0;
      for (const u of lists[gi]!) {
        if (got === mins[gi]) break;
        if (used.has(u) || skipped.has(u) || inSet.has(u)) continue;
        const node = m.nodes[gi]!.get(u)!;
        const type = node.discountType ?? p.discountType;
        const value = node.discountValue ?? p.discountValue;
        const base = priceBase(p, st, u);
        const t = unitTarget(st, u, base, rawDiscount(type, base, value, st.units[u]!.weightMilli));
        if (!t) {
          skipped.add(u);
          continue;
        }
        targets.push(t);
        inSet.add(u);
        got++;
      }
      if (got < mins[gi]!) break outer;
    }
    for (const u of inSet) used.add(u);
    sets.push({ targets, requisites: [] });
  }
  const taken = new Set<number>([...used, ...skipped]);
  return {
    sets,
    suggestion: shortfall(lists, mins, taken, sets.length, limit),
    consumes: true,
    delegatedToEasy: false,
  };
}
