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

/** Members of group gi that an item family may use now (§9.2, §9.6). */
export const availableMembers = (ctx: FamilyContext, gi: number): number[] =>
  ctx.m.groups[gi]!.filter((u) => ctx.st.availableForItem(u, ctx.p.applyOnDiscountedItems));
