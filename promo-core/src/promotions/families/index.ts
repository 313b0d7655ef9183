/** The eight families (spec §8) behind one dispatcher. */
import { applyCap } from '../primitives';
import type { Plan } from '../state';
import type { Family } from '../types';
import type { FamilyContext } from './context';
import { planBasketTarget } from './basket-target';
import { planBasketThreshold } from './basket-threshold';
import { planCombo } from './combo';
import { planEasy } from './easy';
import { planEasyPlus } from './easy-plus';
import { planEvenly } from './evenly';
import { planLineSpecial } from './line-special';
import { planRequisite } from './requisite';

const FAMILIES: Record<Family, (ctx: FamilyContext) => Plan> = {
  e: (ctx) => planEasy(ctx),
  p: planEasyPlus,
  c: planCombo,
  l: planLineSpecial,
  b: planBasketThreshold,
  t: planBasketTarget,
  r: planRequisite,
  m: planEvenly,
};

/** Plans one promotion on the current state, with the application limit and `max_discount` cap applied. */
export function planPromotion(ctx: FamilyContext): Plan {
  if (ctx.limit <= 0) return { sets: [], suggestion: null, consumes: true, delegatedToEasy: false };
  const plan = FAMILIES[ctx.p.family](ctx);
  return applyCap(plan, ctx.p.maxDiscount, ctx.st);
}

export type { FamilyContext } from './context';
