/**
 * An oracle for the best-discount optimiser, through its test hook: it tries orders of the
 * promotions of each searched cluster on copies of the engine's state (priority runs, the
 * way the priority cluster applies promotions) and checks the search's bound and answer.
 */
import { expect } from 'vitest';
import { evaluateDetailed } from '../../src';
import { searchProbe, type SearchProbe } from '../../src/promotions/optimiser';
import type { EvalState } from '../../src/promotions/state';
import type { Candidate } from '../../src/promotions/types';
import type { Instance } from './promotion-space';

/** Total discount of applying `order` one by one on a copy of the state (a priority run). */
function runOn(st: EvalState, probe: SearchProbe, order: Candidate[]): { total: bigint; st: EvalState } {
  const s = st.fork();
  let total = 0n;
  for (const c of order) total += s.commit(probe.planner.plan(c, s), c, 0, false);
  return { total, st: s };
}

export function* orders<T>(xs: T[]): Generator<T[]> {
  if (xs.length <= 1) {
    yield xs;
    return;
  }
  for (let i = 0; i < xs.length; i++) {
    const rest = [...xs.slice(0, i), ...xs.slice(i + 1)];
    for (const o of orders(rest)) yield [xs[i]!, ...o];
  }
}

/** Best total over every order of `cands` (or `sample` random orders when there are more than 6). */
function bestOverOrders(
  st: EvalState,
  probe: SearchProbe,
  cands: Candidate[],
  rnd: () => number,
  sample = 400,
) {
  let best = 0n;
  if (cands.length <= 6) {
    for (const o of orders(cands)) {
      const t = runOn(st, probe, o).total;
      if (t > best) best = t;
    }
    return best;
  }
  for (let k = 0; k < sample; k++) {
    const o = shuffle(cands, rnd);
    const t = runOn(st, probe, o).total;
    if (t > best) best = t;
  }
  return best;
}

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const promos = (inst: Instance) => [...inst.context, ...inst.cluster];

/** Checks the bound at `states` random reachable states of every search the evaluation runs. */
export function checkBound(inst: Instance, seed: number, states = 4): void {
  const rnd = seeded(seed);
  const failures: string[] = [];
  searchProbe.current = (probe) => {
    const n = probe.cands.length;
    for (let k = 0; k < states; k++) {
      // a random prefix of a random order: a state the search can reach
      const order = shuffle(
        probe.cands.map((_, i) => i),
        rnd,
      );
      const j = Math.max(0, n - 6) + Math.floor(rnd() * Math.min(n, 6));
      const prefix = order.slice(0, j);
      const reached = runOn(
        probe.st,
        probe,
        prefix.map((i) => probe.cands[i]!),
      ).st;
      let mask = 0;
      const rest: Candidate[] = [];
      for (const i of order.slice(j)) {
        mask |= 1 << i;
        rest.push(probe.cands[i]!);
      }
      const best = bestOverOrders(reached, probe, rest, rnd);
      const bound = probe.bound(reached.consumed, mask);
      if (bound < Number(best))
        failures.push(
          `after [${prefix.map((i) => probe.cands[i]!.promo.id)}] the bound for [${rest.map((c) => c.promo.id)}] is ${bound} < best completion ${best}`,
        );
    }
  };
  evaluateDetailed(inst.request, promos(inst));
  searchProbe.current = null;
  expect(failures).toEqual([]);
}

/** Checks the optimiser's answer and flags against every order of each searched cluster. */
export function checkOptimum(inst: Instance, seed: number): void {
  const rnd = seeded(seed);
  const bestByCluster = new Map<string, { best: bigint; exhaustive: boolean }>();
  searchProbe.current = (probe) => {
    bestByCluster.set(probe.cands.map((c) => c.promo.id).join(','), {
      best: bestOverOrders(probe.st, probe, probe.cands, rnd),
      exhaustive: probe.cands.length <= 6,
    });
  };
  const { result } = evaluateDetailed(inst.request, promos(inst));
  searchProbe.current = null;
  for (const c of result.clusters) {
    const seen = bestByCluster.get(c.promoIds.join(','));
    if (!seen) continue;
    expect(c.discount >= seen.best, `cluster ${c.promoIds} found ${c.discount} < ${seen.best}`).toBe(true);
    if (seen.exhaustive) {
      expect(c.discount).toBe(seen.best);
      // the original tries every order up to 6 promotions
      expect(c.originalAlgorithmDiscount).toBe(seen.best);
    }
    expect(c.originalAlgorithmDiscount <= c.discount).toBe(true);
  }
}
