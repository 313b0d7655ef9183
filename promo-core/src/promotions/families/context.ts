import type { Membership } from '../matching';
import type { EvalState } from '../state';
import type { Promotion } from '../types';

/** What every family reads: the promotion, its effective limit, the state and its group members. */
export interface FamilyContext {
  p: Promotion;
  limit: number;
  st: EvalState;
  m: Membership;
}

/**
 * Members of group gi that an item family may use now (§9.2, §9.6), in a fresh array of
 * exactly their number (the caller sorts it in place; filter would grow one by spare capacity).
 */
export function availableMembers(ctx: FamilyContext, gi: number): number[] {
  const list = ctx.m.groups[gi]!;
  const { st } = ctx;
  const onDiscounted = ctx.p.applyOnDiscountedItems;
  let n = 0;
  for (let i = 0; i < list.length; i++) if (st.availableForItem(list[i]!, onDiscounted)) n++;
  const out: number[] = new Array(n);
  for (let i = 0, k = 0; k < n; i++) if (st.availableForItem(list[i]!, onDiscounted)) out[k++] = list[i]!;
  return out;
}

/**
 * An array for at most `bound` entries: exactly that many slots when the bound is small,
 * else an empty one that grows (the first push onto an empty array reserves 17 slots, so a
 * bound ≤ 17 never costs more). Fill it by index and set `length` to the count at the end.
 */
export function upTo<T>(bound: number): T[] {
  return bound <= 17 ? new Array<T>(Math.max(0, bound)) : [];
}
