/**
 * The original engine's best-discount method (spec §9.4, Phase B), implemented on its own so
 * that `original_algorithm_discount` is what that method finds, never a copy of Kassa's
 * search: every permutation of the sorted promotions up to 6, each applied one by one on a
 * copy of the state, keeping the first with the strictly highest total; above 6 the
 * marginal-value ranking, applied once. It shares only the families' planning with the
 * engine (the thing both algorithms order), not the search, its bounds or its memo.
 */
import type { EvalState, Plan } from './state';
import { planDiscount } from './state';
import type { Candidate } from './types';
import type { Membership } from './matching';

/** How a promotion is planned on a state (the pipeline's planner). */
export interface OriginalPlanner {
  membership(c: Candidate): Membership;
  plan(c: Candidate, st: EvalState): Plan;
}

export interface OriginalResult {
  method: 'permutations' | 'marginal_value';
  order: Candidate[];
  total: bigint;
  /** Orders tried (permutations) or promotions planned alone and without their overlaps (marginal value). */
  runs: number;
}

/** Applies `order` one promotion after another on a copy of `st` and returns the total discount. */
export function applyInOrder(order: readonly Candidate[], st: EvalState, planner: OriginalPlanner): bigint {
  const copy = st.fork();
  let total = 0n;
  // bestDiscount false: the copy shares the layer's lock flags with the real state.
  for (const c of order) total += copy.commit(planner.plan(c, copy), c, 0, false);
  return total;
}

/**
 * Permutations of 0..n−1 in lexicographic order of positions, the order in which Python's
 * itertools.permutations yields them, so "the first with the strictly highest total" names
 * the same order as the original.
 */
export function* lexicographicPermutations(n: number): Generator<readonly number[]> {
  const perm = Array.from({ length: n }, (_, i) => i);
  for (;;) {
    yield perm;
    // next permutation: the longest non-increasing suffix, swap its pivot, reverse it
    let i = n - 2;
    while (i >= 0 && perm[i]! >= perm[i + 1]!) i--;
    if (i < 0) return;
    let j = n - 1;
    while (perm[j]! <= perm[i]!) j--;
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    for (let a = i + 1, b = n - 1; a < b; a++, b--) [perm[a], perm[b]] = [perm[b]!, perm[a]!];
  }
}

/** The original's exhaustive search for up to 6 promotions (at most 720 orders). */
export function originalPermutations(
  cands: readonly Candidate[],
  st: EvalState,
  planner: OriginalPlanner,
): OriginalResult {
  let best = -1n;
  let bestOrder: Candidate[] = [...cands];
  let runs = 0;
  for (const perm of lexicographicPermutations(cands.length)) {
    runs++;
    const order = perm.map((i) => cands[i]!);
    const total = applyInOrder(order, st, planner);
    if (total > best) {
      best = total;
      bestOrder = order;
    }
  }
  return { method: 'permutations', order: bestOrder, total: best < 0n ? 0n : best, runs };
}

/** Units a plan consumes: its targets and requisites. */
function consumedBy(plan: Plan): Set<number> {
  const units = new Set<number>();
  for (const set of plan.sets) {
    for (const t of set.targets) units.add(t.u);
    for (const u of set.requisites) units.add(u);
  }
  return units;
}

/**
 * Marginal-value ranking (§9.4, n > 6): MV(P, Q) = (D(P) − D(P without the units it shares
 * with Q)) / |shared|, compared as exact rationals; score(P) = max over Q (0 without overlap);
 * order by score descending, then D(P) descending, then the §9.3 order (the input order).
 */
export function marginalValueOrder(
  cands: readonly Candidate[],
  st: EvalState,
  planner: OriginalPlanner,
): { order: Candidate[]; runs: number } {
  let runs = 0;
  const alone = cands.map((c) => {
    runs++;
    const plan = planner.plan(c, st);
    return { D: planDiscount(plan), used: consumedBy(plan) };
  });
  const score = alone.map((p, i) => {
    let num = 0n;
    let den = 1n;
    for (let j = 0; j < alone.length; j++) {
      if (j === i) continue;
      const shared: number[] = [];
      for (const u of p.used) if (alone[j]!.used.has(u)) shared.push(u);
      if (shared.length === 0) continue;
      const without = st.fork();
      for (const u of shared) without.consumed[u] = 1;
      runs++;
      const lost = p.D - planDiscount(planner.plan(cands[i]!, without));
      const size = BigInt(shared.length);
      if (lost * den > num * size) {
        num = lost;
        den = size;
      }
    }
    return { num, den };
  });
  const idx = cands.map((_, i) => i);
  idx.sort((a, b) => {
    const left = score[a]!.num * score[b]!.den;
    const right = score[b]!.num * score[a]!.den;
    if (left !== right) return left > right ? -1 : 1;
    if (alone[a]!.D !== alone[b]!.D) return alone[a]!.D > alone[b]!.D ? -1 : 1;
    return a - b;
  });
  return { order: idx.map((i) => cands[i]!), runs };
}

/** What the original algorithm finds for one sub-cluster (its promotions in §9.3 order). */
export function runOriginalAlgorithm(
  cands: readonly Candidate[],
  st: EvalState,
  planner: OriginalPlanner,
): OriginalResult {
  if (cands.length <= 6) return originalPermutations(cands, st, planner);
  const { order, runs } = marginalValueOrder(cands, st, planner);
  return { method: 'marginal_value', order, total: applyInOrder(order, st, planner), runs };
}
