/**
 * Set formation shared by `r` and `m` (spec §8.7, §8.8): single-group slicing by
 * selection criterion, or two groups with a named target group. The family decides how a
 * set is priced; an invalid set is skipped and the loop goes on.
 */
import { sortUnits } from '../primitives';
import type { PlannedSet, SuggestionInfo } from '../state';
import type { FamilyContext } from './context';
import { availableMembers } from './context';
import { SCRATCH, scratchFlags } from '../numeric';

export interface SetShape {
  /** Target units per set (D) and requisite units per set (R). */
  D: number;
  R: number;
  /** The group whose members are the targets (Easy delegation uses it). */
  targetGroup: number;
}

export function setShape(ctx: FamilyContext): SetShape {
  const { p } = ctx;
  if (p.groups.length === 1) {
    const M = Number(p.groups[0]!.min);
    const D = p.targetGroupQtyMin ?? M;
    return { D, R: M - D, targetGroup: 0 };
  }
  const ti = p.groups.findIndex((g) => g.name === p.targetGroupName);
  const ri = ti === 0 ? 1 : 0;
  return { D: Number(p.groups[ti]!.min), R: Number(p.groups[ri]!.min), targetGroup: ti };
}

/** A priced set, or null when it is invalid. */
export type PriceSet = (targets: number[], requisites: number[]) => PlannedSet | null;

export function formRequisiteSets(
  ctx: FamilyContext,
  shape: SetShape,
  price: PriceSet,
): { sets: PlannedSet[]; suggestion: SuggestionInfo | null } {
  return ctx.p.groups.length === 1 ? singleGroup(ctx, shape, price) : twoGroups(ctx, shape, price);
}

function singleGroup(ctx: FamilyContext, { D, R }: SetShape, price: PriceSet) {
  const { p, st, limit } = ctx;
  const M = D + R;
  const criteria = p.discountedSelection;
  const U = sortUnits(p, st, availableMembers(ctx, 0), criteria === 'm' ? 'm' : 'l');
  const C = U.length;
  const k = Math.min(Math.floor(C / M), limit);
  const sets: PlannedSet[] = [];
  if (C === 0) return { sets, suggestion: null };
  if (k === 0) return { sets, suggestion: freeHint(ctx, M - C, C >= R && D > 0 ? M - C : 0) };
  const participants = criteria === 'lc' ? U.slice(C - k * M) : U.slice(0, k * M);
  const targets = participants.slice(0, k * D);
  const requisites = participants.slice(k * D);
  for (let j = 0; j < k; j++) {
    const set = price(targets.slice(j * D, (j + 1) * D), requisites.slice(j * R, (j + 1) * R));
    if (set) sets.push(set);
  }
  const left = C - k * M;
  let suggestion: SuggestionInfo | null = null;
  if (sets.length < limit && left > 0) {
    suggestion = freeHint(ctx, M - left, left >= R ? M - left : 0);
  }
  return { sets, suggestion };
}

function twoGroups(ctx: FamilyContext, { D, R, targetGroup }: SetShape, price: PriceSet) {
  const { p, st, limit } = ctx;
  const ri = targetGroup === 0 ? 1 : 0;
  const G = sortUnits(p, st, availableMembers(ctx, targetGroup), p.discountedSelection);
  const Q = sortUnits(p, st, availableMembers(ctx, ri), p.requisiteSelection).reverse();
  // per-unit flags instead of three sets: used in a set, skipped as a target, chosen for this set
  const flags = scratchFlags(SCRATCH.requisiteFlags, st.units.length);
  const USED = 1;
  const SKIPPED = 2;
  const CHOSEN = 4;
  const sets: PlannedSet[] = [];
  if (G.length === 0 && Q.length === 0) return { sets, suggestion: null };
  while (sets.length < limit) {
    const targets: number[] = new Array(D);
    let nt = 0;
    for (const u of G) {
      if (nt === D) break;
      if ((flags[u]! & (USED | SKIPPED)) === 0) targets[nt++] = u;
    }
    for (let i = 0; i < nt; i++) flags[targets[i]!]! |= CHOSEN;
    const requisites: number[] = new Array(R);
    let nr = 0;
    for (const u of Q) {
      if (nr === R) break;
      if ((flags[u]! & (USED | CHOSEN)) === 0) requisites[nr++] = u;
    }
    for (let i = 0; i < nt; i++) flags[targets[i]!]! &= ~CHOSEN;
    if (nt < D || nr < R) {
      if (sets.length < limit) {
        const missingT = D - nt;
        const missingR = R - nr;
        const anyLeft = nt + nr > 0;
        if (anyLeft || sets.length === 0) {
          const hint = freeHint(ctx, missingT + missingR, missingR === 0 ? missingT : 0);
          return { sets, suggestion: hint };
        }
      }
      return { sets, suggestion: null };
    }
    const set = price(targets, requisites);
    if (set) {
      sets.push(set);
      for (const u of targets) flags[u]! |= USED;
      for (const u of requisites) flags[u]! |= USED;
    } else {
      for (const u of targets) flags[u]! |= SKIPPED;
    }
  }
  return { sets, suggestion: null };
}

/**
 * A suggestion for `missing` more units; marked free-item-missing when the promotion gives
 * the target away (100 %), the requisites are there and only targets are missing.
 */
function freeHint(ctx: FamilyContext, missing: number, missingTargetsOnly: number): SuggestionInfo {
  const { p } = ctx;
  const free = p.discountType === 'p' && p.discountValue === 10000n && missingTargetsOnly > 0;
  return free ? { missingQty: missingTargetsOnly, freeItemMissing: true } : { missingQty: missing };
}
