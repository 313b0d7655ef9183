/** Requisite Groups with Discounted Target — `r` (spec §8.7): buy R, get D discounted. */
import { planSet } from '../primitives';
import type { Plan } from '../state';
import type { FamilyContext } from './context';
import { planEasy } from './easy';
import { formRequisiteSets, setShape } from './requisite-sets';

export function planRequisite(ctx: FamilyContext): Plan {
  const { p, st } = ctx;
  const shape = setShape(ctx);
  if (shape.R === 0) return { ...planEasy(ctx, shape.targetGroup, shape.D), delegatedToEasy: true };
  const { sets, suggestion } = formRequisiteSets(ctx, shape, (targets, requisites) => {
    const planned = planSet(p, st, targets, 'E', shape.D);
    return planned ? { targets: planned, requisites } : null;
  });
  return { sets, suggestion, consumes: true, delegatedToEasy: false };
}
