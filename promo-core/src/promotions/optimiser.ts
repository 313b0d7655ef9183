/**
 * The best-discount optimiser (spec §9.4, and better than the original): an exact search
 * over application orders with memoisation on the consumed units and branch and bound
 * with an admissible upper bound. It returns the lexicographically first order among the
 * optimal ones, which is what the original's exhaustive permutation search picks, so for
 * up to 6 promotions the result is identical; for more it is the proven optimum where the
 * original used a heuristic. Past the state budget it falls back to marginal-value ranking.
 */
import { roundDiv } from '../money';
import type { FamilyContext } from './families';
import { priceBase } from './primitives';
import type { Membership } from './matching';
import type { EvalState, Plan } from './state';
import { planDiscount } from './state';
import type { Candidate } from './types';

export interface OptimiserOptions {
  /** Deterministic budget: distinct search states before falling back (default 200,000). */
  maxStates?: number;
  /** Optional wall-clock budget in ms (makes results depend on machine speed; off by default). */
  timeBudgetMs?: number;
  now?: () => number;
}

export type SolveMethod = 'single' | 'search' | 'marginal_value';

export interface ClusterSolution {
  order: Candidate[];
  method: SolveMethod;
  provenOptimal: boolean;
  statesExplored: number;
  total: bigint;
}

export interface Planner {
  membership(c: Candidate): Membership;
  plan(c: Candidate, st: EvalState): Plan;
}

class BudgetExceeded extends Error {}

const bitKey = (consumed: Uint8Array, units: number[]): string => {
  let s = '';
  for (const u of units) s += consumed[u] ? '1' : '0';
  return s;
};

/** Total discount of applying the candidates one after another on a copy of the state. */
export function runOrder(order: Candidate[], st: EvalState, planner: Planner, layer: number): bigint {
  const s = st.fork();
  let total = 0n;
  for (const c of order) total += s.commit(planner.plan(c, s), c, layer, true);
  return total;
}

/** Largest possible discount of unit u under candidate c, whatever the state (admissible). */
function unitUpperBound(c: Candidate, st: EvalState, u: number, m: Membership): bigint {
  const p = c.promo;
  const cur = st.price[u]!;
  if (p.family === 'm') return cur;
  let type = p.discountType;
  let value = p.discountValue;
  if (p.family === 'l') {
    for (const nodes of m.nodes) {
      const n = nodes.get(u);
      if (n) {
        type = n.discountType ?? type;
        value = n.discountValue ?? value;
        break;
      }
    }
  }
  const B = priceBase(p, st, u);
  let rMax: bigint;
  if (type === 'p') rMax = roundDiv(B * value, 10000n);
  else if (type === 'v') rMax = roundDiv(value * st.units[u]!.weightMilli, 1000n);
  else rMax = B;
  const d = rMax - (B - cur);
  return d < 0n ? 0n : d > cur ? cur : d;
}

export function solveBySearch(
  cands: Candidate[],
  st: EvalState,
  planner: Planner,
  layer: number,
  opts: OptimiserOptions = {},
): ClusterSolution {
  const n = cands.length;
  const maxStates = opts.maxStates ?? 200_000;
  const now = opts.now ?? (() => performance.now());
  const deadline = opts.timeBudgetMs === undefined ? Infinity : now() + opts.timeBudgetMs;

  const members = cands.map((c) =>
    planner.membership(c).all.filter((u) => st.availableForItem(u, c.promo.applyOnDiscountedItems)),
  );
  const relevant = [...new Set(members.flat())].sort((a, b) => a - b);
  const ub = cands.map((c, i) => {
    const m = planner.membership(c);
    return new Map(members[i]!.map((u) => [u, unitUpperBound(c, st, u, m)]));
  });
  const caps = cands.map((c) => c.promo.maxDiscount);

  const upperBound = (s: EvalState, mask: number): bigint => {
    let perUnit = 0n;
    for (const u of relevant) {
      if (s.consumed[u]) continue;
      let best = 0n;
      for (let i = 0; i < n; i++) {
        if (!(mask & (1 << i))) continue;
        const v = ub[i]!.get(u);
        if (v !== undefined && v > best) best = v;
      }
      perUnit += best;
    }
    let perPromo = 0n;
    for (let i = 0; i < n; i++) {
      if (!(mask & (1 << i))) continue;
      let sum = 0n;
      for (const [u, v] of ub[i]!) if (!s.consumed[u]) sum += v;
      const cap = caps[i];
      perPromo += cap !== null && cap !== undefined && cap < sum ? cap : sum;
    }
    return perUnit < perPromo ? perUnit : perPromo;
  };

  // A promotion's plan depends only on which of its own member units are still free.
  const planCache = new Map<string, Plan>();
  const planAt = (i: number, s: EvalState): Plan => {
    const key = `${i}|${bitKey(s.consumed, members[i]!)}`;
    let plan = planCache.get(key);
    if (!plan) {
      plan = planner.plan(cands[i]!, s);
      planCache.set(key, plan);
    }
    return plan;
  };

  const memo = new Map<string, { value: bigint; next: number }>();
  let states = 0;
  const full = (1 << n) - 1;

  const dfs = (s: EvalState, mask: number): bigint => {
    if (mask === 0) return 0n;
    const key = `${mask}|${bitKey(s.consumed, relevant)}`;
    const hit = memo.get(key);
    if (hit) return hit.value;
    if (++states > maxStates || (states % 256 === 0 && now() > deadline)) throw new BudgetExceeded();
    let best = -1n;
    let next = -1;
    for (let i = 0; i < n; i++) {
      const bit = 1 << i;
      if (!(mask & bit)) continue;
      const plan = planAt(i, s);
      const d = planDiscount(plan);
      const child = s.fork();
      child.commit(plan, cands[i]!, layer, true);
      if (best >= 0n && d + upperBound(child, mask & ~bit) <= best) continue;
      const v = d + dfs(child, mask & ~bit);
      if (v > best) {
        best = v;
        next = i;
      }
    }
    memo.set(key, { value: best, next });
    return best;
  };

  try {
    const total = dfs(st.fork(), full);
    const order: Candidate[] = [];
    let s = st.fork();
    let mask = full;
    while (mask) {
      const { next } = memo.get(`${mask}|${bitKey(s.consumed, relevant)}`)!;
      order.push(cands[next]!);
      const child = s.fork();
      child.commit(planAt(next, s), cands[next]!, layer, true);
      s = child;
      mask &= ~(1 << next);
    }
    return { order, method: 'search', provenOptimal: true, statesExplored: states, total };
  } catch (err) {
    if (!(err instanceof BudgetExceeded)) throw err;
    const order = marginalValueOrder(cands, st, planner, layer);
    return {
      order,
      method: 'marginal_value',
      provenOptimal: false,
      statesExplored: states,
      total: runOrder(order, st, planner, layer),
    };
  }
}

/** Units a plan consumes (targets and requisites). */
const usedUnits = (plan: Plan): Set<number> => {
  const s = new Set<number>();
  for (const set of plan.sets) {
    for (const t of set.targets) s.add(t.u);
    for (const u of set.requisites) s.add(u);
  }
  return s;
};

/** The original's heuristic for clusters above 6 (§9.4): marginal-value ranking. */
export function marginalValueOrder(
  cands: Candidate[],
  st: EvalState,
  planner: Planner,
  _layer: number,
): Candidate[] {
  const alone = cands.map((c) => {
    const plan = planner.plan(c, st);
    return { c, D: planDiscount(plan), used: usedUnits(plan) };
  });
  // score as an exact rational num/den
  const scores = alone.map((a, i) => {
    let num = 0n;
    let den = 1n;
    alone.forEach((b, j) => {
      if (i === j) return;
      const O = [...a.used].filter((u) => b.used.has(u));
      if (O.length === 0) return;
      const s = st.fork();
      for (const u of O) s.consumed[u] = 1;
      const without = planDiscount(planner.plan(a.c, s));
      const mvNum = a.D - without;
      const mvDen = BigInt(O.length);
      if (mvNum * den > num * mvDen) {
        num = mvNum;
        den = mvDen;
      }
    });
    return { num, den };
  });
  const idx = cands.map((_, i) => i);
  idx.sort((i, j) => {
    const a = scores[i]!;
    const b = scores[j]!;
    const l = a.num * b.den;
    const r = b.num * a.den;
    if (l !== r) return l > r ? -1 : 1;
    if (alone[i]!.D !== alone[j]!.D) return alone[i]!.D > alone[j]!.D ? -1 : 1;
    return i - j;
  });
  return idx.map((i) => cands[i]!);
}

/** Every permutation in lexicographic order of positions (like Python's itertools.permutations). */
export function* permutations<T>(items: T[]): Generator<T[]> {
  const n = items.length;
  const idx = items.map((_, i) => i);
  const used = new Array<boolean>(n).fill(false);
  const cur: number[] = [];
  function* rec(): Generator<T[]> {
    if (cur.length === n) {
      yield cur.map((i) => items[i]!);
      return;
    }
    for (const i of idx) {
      if (used[i]) continue;
      used[i] = true;
      cur.push(i);
      yield* rec();
      cur.pop();
      used[i] = false;
    }
  }
  yield* rec();
}

/** The original's exhaustive search (n ≤ 6): the first permutation with the strictly highest total. */
export function solveByPermutations(
  cands: Candidate[],
  st: EvalState,
  planner: Planner,
  layer: number,
): ClusterSolution {
  let best = -1n;
  let order = cands;
  let count = 0;
  for (const perm of permutations(cands)) {
    count++;
    const t = runOrder(perm, st, planner, layer);
    if (t > best) {
      best = t;
      order = perm;
    }
  }
  return { order, method: 'search', provenOptimal: true, statesExplored: count, total: best };
}

/** What the original algorithm would pick: permutations up to 6 promotions, marginal value above. */
export function solveLikeOriginal(
  cands: Candidate[],
  st: EvalState,
  planner: Planner,
  layer: number,
): ClusterSolution {
  if (cands.length <= 6) return solveByPermutations(cands, st, planner, layer);
  const order = marginalValueOrder(cands, st, planner, layer);
  return {
    order,
    method: 'marginal_value',
    provenOptimal: false,
    statesExplored: cands.length * cands.length,
    total: runOrder(order, st, planner, layer),
  };
}

export type { FamilyContext };
