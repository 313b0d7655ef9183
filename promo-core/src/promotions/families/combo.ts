/** Combo — `c` (spec §8.3): one unit block per group, pooled in group order, proportional split. */
import { NO_UNITS, planSet, sortUnits } from '../primitives';
import type { Plan, PlannedSet, SuggestionInfo } from '../state';
import type { FamilyContext } from './context';
import { availableMembers, upTo } from './context';
import { SCRATCH, scratchFlags } from '../numeric';

export function planCombo(ctx: FamilyContext): Plan {
  const { p, st, limit } = ctx;
  const lists = p.groups.map((_, gi) => sortUnits(p, st, availableMembers(ctx, gi), p.discountedSelection));
  const mins = p.groups.map((g) => Number(g.min));
  // Per-unit flags in typed arrays rather than sets (allocation per evaluation, issue 9).
  const taken = scratchFlags(SCRATCH.comboTaken, st.units.length); // used or skipped
  const inPool = scratchFlags(SCRATCH.comboPool, st.units.length);
  const sets = upTo<PlannedSet>(Math.min(limit, setsBound(lists, mins)));
  let count = 0;
  let size = 0; // one set's units: every group's minimum
  for (let gi = 0; gi < mins.length; gi++) size += mins[gi]!;
  // one pool for every attempt: planSet reads it only while it plans (targets keep their units)
  const pool: number[] = new Array(size);
  while (count < limit) {
    let filled = 0;
    let complete = true;
    for (let gi = 0; gi < lists.length; gi++) {
      let got = 0;
      // indexed loops throughout: for-of with a break left an iterator result per unit
      const list = lists[gi]!;
      for (let li = 0; li < list.length; li++) {
        const u = list[li]!;
        if (got === mins[gi]) break;
        if (taken[u] || inPool[u]) continue;
        pool[filled++] = u;
        inPool[u] = 1;
        got++;
      }
      if (got < mins[gi]!) {
        complete = false;
        break;
      }
    }
    for (let i = 0; i < filled; i++) inPool[pool[i]!] = 0;
    if (!complete) break;
    const targets = planSet(p, st, pool, 'P');
    for (let i = 0; i < size; i++) taken[pool[i]!] = 1;
    if (targets) sets[count++] = { targets, requisites: NO_UNITS };
  }
  sets.length = count;
  return {
    sets,
    suggestion: shortfall(lists, mins, taken, st.units.length, sets.length, limit),
    consumes: true,
    delegatedToEasy: false,
  };
}

/**
 * At most how many sets group-by-group forming can complete: each takes its group's minimum
 * of distinct units from that group's list (only an array size: the loop decides).
 */
export function setsBound(lists: number[][], mins: number[]): number {
  let bound = Infinity;
  for (let gi = 0; gi < lists.length; gi++)
    if (mins[gi]! > 0) bound = Math.min(bound, Math.floor(lists[gi]!.length / mins[gi]!));
  return bound;
}

/** Units still needed over the groups that are short of the next set (§10). */
export function shortfall(
  lists: number[][],
  mins: number[],
  taken: Uint8Array,
  units: number,
  committed: number,
  limit: number,
): SuggestionInfo | null {
  if (committed >= limit) return null;
  let missing = 0;
  let leftAny = false;
  const claimed = scratchFlags(SCRATCH.shortfallClaimed, units);
  for (let gi = 0; gi < lists.length; gi++) {
    const list = lists[gi]!;
    let free = 0;
    for (let li = 0; li < list.length; li++) {
      const u = list[li]!;
      if (taken[u] || claimed[u]) continue;
      if (free < mins[gi]!) {
        claimed[u] = 1;
        free++;
      }
    }
    if (free > 0) leftAny = true;
    missing += Math.max(0, mins[gi]! - free);
  }
  if (missing === 0 || (committed > 0 && !leftAny) || lists.every((l) => l.length === 0)) return null;
  return { missingQty: missing };
}
