/**
 * The best-discount optimiser (spec §9.4, and better than the original): an exact search
 * over application orders with memoisation on the consumed units and branch and bound
 * with an admissible upper bound. It returns the lexicographically first order among the
 * optimal ones, which is what the original's exhaustive permutation search picks, so for
 * up to 6 promotions the result is identical; for more it is the proven optimum where the
 * original used a heuristic. Past the state budget it falls back to marginal-value ranking.
 */
import { roundDiv } from '../money';
import { priceBase } from './primitives';
import type { Membership } from './matching';
import type { EvalState, Plan } from './state';
import { planDiscount } from './state';
import type { Candidate } from './types';
import { marginalValueOrder } from './original';

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

/** What the test hook sees of one search: its inputs and the bound it prunes with. */
export interface SearchProbe {
  cands: Candidate[];
  st: EvalState;
  planner: Planner;
  /** The search's upper bound for the promotions in `mask` once the units flagged in `consumed` are used. */
  bound(consumed: Uint8Array, mask: number): number;
}

/** Set by tests only (the package entry point does not export it). */
export const searchProbe: { current: ((probe: SearchProbe) => void) | null } = { current: null };

/** Total discount of applying the candidates one after another on a copy of the state. */
export function runOrder(order: Candidate[], st: EvalState, planner: Planner, layer: number): bigint {
  const s = st.fork();
  let total = 0n;
  // bestDiscount false: a fork shares the layer's lock flags with the real state, and a trial
  // order must not lock units for later layers.
  for (const c of order) total += s.commit(planner.plan(c, s), c, layer, false);
  return total;
}

/**
 * The most one unit can take from candidate c in any run from any state of this layer: the
 * free units' prices do not change inside a layer, so the bound holds in every search state.
 *
 * Why it is admissible: a unit's applied discount is d = r − (B − cur) with B its price base
 * and cur its current price (§7.1), so d grows with the raw discount r, and r is largest at
 * the largest per-unit value: x ≤ V for every split (each proportional or equal share is at
 * most the whole, the remainder share too), weight applied. A valid unit keeps a price ≥ 0,
 * so d ≤ cur. Line Special takes the value of the node the unit matched, which differs per
 * group: the unit can fill any group it is a member of, so the largest over those groups.
 * Family m spreads a set-level amount as shares that are each ≤ cur (price ≥ 0).
 */
export function unitUpperBound(c: Candidate, st: EvalState, u: number, m: Membership): bigint {
  const p = c.promo;
  const cur = st.price[u]!;
  if (p.family === 'm') return cur;
  if (p.family !== 'l') return rawBound(st, u, cur, priceBase(p, st, u), p.discountType, p.discountValue);
  let best = 0n;
  for (const nodes of m.nodes) {
    const node = nodes.get(u);
    if (!node) continue;
    const type = node.discountType ?? p.discountType;
    const value = node.discountValue ?? p.discountValue;
    const d = rawBound(st, u, cur, priceBase(p, st, u), type, value);
    if (d > best) best = d;
  }
  return best;
}

/** The largest d of one unit for a per-unit value of at most `value` of this type (see above). */
function rawBound(st: EvalState, u: number, cur: bigint, B: bigint, type: string, value: bigint): bigint {
  let rMax: bigint;
  if (type === 'p') rMax = roundDiv(B * value, 10000n);
  else if (type === 'v') rMax = roundDiv(value * st.units[u]!.weightMilli, 1000n);
  else rMax = B; // a fixed price never goes below 0, so r ≤ B
  const d = rMax - (B - cur);
  return d < 0n ? 0n : d > cur ? cur : d;
}

/** Targets (D) and requisites (R) per set of r/m, as `setShape` forms them (§8.7). */
function shapeOf(p: Candidate['promo']): { D: number; R: number } {
  const g = p.groups;
  if (g.length === 1) {
    const M = Number(g[0]!.min);
    const D = p.targetGroupQtyMin ?? M;
    return { D, R: M - D };
  }
  const ti = g.findIndex((x) => x.name === p.targetGroupName);
  return { D: Number(g[ti]!.min), R: Number(g[ti === 0 ? 1 : 0]!.min) };
}

/**
 * How many units one run of the promotion can discount at most (all its sets together):
 * every set of e/c/l discounts exactly its group minimums, r only its targets, m every unit
 * of the set, Easy+ at most its maximum (one set, the limit ignored).
 */
export function unitsDiscountedPerRun(c: Candidate): number {
  const p = c.promo;
  const g = p.groups;
  const lim = c.limit;
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  switch (p.family) {
    case 'e':
      return lim * Number(g[0]!.min);
    case 'c':
    case 'l':
      return lim * sum(g.map((x) => Number(x.min)));
    case 'r':
    case 'm': {
      const { D, R } = shapeOf(p);
      return lim * (p.family === 'r' || R === 0 ? D : D + R);
    }
    case 'p':
      return g[0]!.max === null ? Number.MAX_SAFE_INTEGER : Number(g[0]!.max);
    default:
      return Number.MAX_SAFE_INTEGER; // no family-specific count: every member unit
  }
}

/**
 * A bound on one run's total discount from its sets, where the family gives one (value off,
 * "for all items"); Infinity otherwise (the per-unit bounds then apply alone).
 *
 * e/c/p/r with type v and strategy a: the per-unit values of one set add up to V (the
 * remainder rule), unweighted r = x, and d = x + (cur − B), so a run gives at most
 * sets × V plus, for every unit whose price base is below its current price (MRP below SP,
 * or below a price lowered by an earlier layer), that difference. m: a set's amount X is
 * spread as the units' discounts, so a run gives sets × X with X = V (a) or V × D (e).
 */
export function setBound(c: Candidate, st: EvalState, members: readonly number[]): number {
  const p = c.promo;
  if (p.discountType !== 'v') return Infinity;
  if (p.family === 'm') {
    const { D, R } = shapeOf(p);
    // With no requisites m is evaluated as Easy (§8.9): the bound below applies.
    if (R > 0) return c.limit * Number(p.strategy === 'a' ? p.discountValue : p.discountValue * BigInt(D));
  }
  if (p.strategy !== 'a' || p.family === 'l') return Infinity;
  let excess = 0n;
  for (const u of members) {
    if (st.units[u]!.weightMilli !== 1000n) return Infinity;
    const gap = st.price[u]! - priceBase(p, st, u);
    if (gap > 0n) excess += gap;
  }
  if (p.family === 'p') {
    const N = Number(p.groups[0]!.min);
    const max =
      p.groups[0]!.max === null ? members.length : Math.min(members.length, Number(p.groups[0]!.max));
    return Math.ceil(max / N) * Number(p.discountValue) + Number(excess);
  }
  return c.limit * Number(p.discountValue) + Number(excess);
}

export function solveBySearch(
  cands: Candidate[],
  st: EvalState,
  planner: Planner,
  layer: number,
  opts: OptimiserOptions = {},
): ClusterSolution {
  const n = cands.length;
  // The search keys promotions by bit position in a 32-bit mask; beyond that it would not finish anyway.
  if (n > 30) return solveByMarginalValue(cands, st, planner, layer, 0);
  const maxStates = opts.maxStates ?? 200_000;
  const now = opts.now ?? (() => performance.now());
  const deadline = opts.timeBudgetMs === undefined ? Infinity : now() + opts.timeBudgetMs;

  const members = cands.map((c) =>
    planner.membership(c).all.filter((u) => st.availableForItem(u, c.promo.applyOnDiscountedItems)),
  );
  // The search state is the set of units consumed so far, as a bitset over the units that
  // any promotion of the sub-cluster can use (30 bits per word keeps it in small integers).
  const relevant = [...new Set(members.flat())].sort((a, b) => a - b);
  const R = relevant.length;
  const W = Math.max(1, Math.ceil(R / 30));
  const posOf = new Map(relevant.map((u, p) => [u, p]));
  const has = (words: Int32Array, p: number) => (words[(p / 30) | 0]! >> (p % 30)) & 1;
  const setBit = (words: Int32Array, p: number) => {
    words[(p / 30) | 0]! |= 1 << (p % 30);
  };
  const memberWords = members.map((list) => {
    const w = new Int32Array(W);
    for (const u of list) setBit(w, posOf.get(u)!);
    return w;
  });

  // Bounds are search heuristics, not money: plain numbers (exact below 2^53) keep them cheap.
  const ubByUnit: { i: number; v: number }[][] = relevant.map(() => []);
  const ubByPromo = cands.map((c, i) => {
    const m = planner.membership(c);
    return members[i]!.map((u) => {
      const v = Number(unitUpperBound(c, st, u, m));
      const p = posOf.get(u)!;
      ubByUnit[p]!.push({ i, v });
      return { p, v };
    });
  });
  for (const list of ubByUnit) list.sort((a, b) => b.v - a.v);
  for (const list of ubByPromo) list.sort((a, b) => b.v - a.v);
  const caps = cands.map((c, i) =>
    Math.min(
      c.promo.maxDiscount === null ? Infinity : Number(c.promo.maxDiscount),
      setBound(c, st, members[i]!),
    ),
  );
  const perRunUnits = cands.map((c) => unitsDiscountedPerRun(c));

  const upperBound = (words: Int32Array, mask: number): number => {
    let perUnit = 0;
    for (let p = 0; p < R; p++) {
      if (has(words, p)) continue;
      for (const { i, v } of ubByUnit[p]!) {
        if (mask & (1 << i)) {
          perUnit += v;
          break;
        }
      }
    }
    let perPromo = 0;
    for (let i = 0; i < n; i++) {
      if (!(mask & (1 << i))) continue;
      // at most `perRunUnits` units get a discount: the largest bounds among the free ones
      let sum = 0;
      let k = perRunUnits[i]!;
      for (const { p, v } of ubByPromo[i]!) {
        if (k === 0) break;
        if (has(words, p)) continue;
        sum += v;
        k--;
      }
      perPromo += Math.min(caps[i]!, sum);
    }
    return Math.min(perUnit, perPromo);
  };

  // Test hook (not part of the package API): lets a property test compare the bound with
  // exhaustive enumeration at states it reaches itself.
  searchProbe.current?.({
    cands,
    st,
    planner,
    bound(consumed: Uint8Array, mask: number) {
      const words = new Int32Array(W);
      for (let p = 0; p < R; p++) if (consumed[relevant[p]!]) setBit(words, p);
      return upperBound(words, mask);
    },
  });

  // A promotion's plan depends only on which of its own member units are still free.
  const planCache = new Map<string, { d: bigint; used: Int32Array }>();
  const planAt = (i: number, words: Int32Array) => {
    let key = `${i}`;
    const mw = memberWords[i]!;
    for (let k = 0; k < W; k++) key += `|${words[k]! & mw[k]!}`;
    let hit = planCache.get(key);
    if (!hit) {
      const consumed = st.consumed.slice();
      for (let p = 0; p < R; p++) if (has(words, p)) consumed[relevant[p]!] = 1;
      const plan = planner.plan(cands[i]!, st.withConsumed(consumed));
      const used = new Int32Array(W);
      for (const u of usedUnits(plan)) setBit(used, posOf.get(u)!);
      hit = { d: planDiscount(plan), used };
      planCache.set(key, hit);
    }
    return hit;
  };
  const after = (words: Int32Array, used: Int32Array): Int32Array<ArrayBuffer> => {
    const next = new Int32Array(W);
    for (let k = 0; k < W; k++) next[k] = words[k]! | used[k]!;
    return next;
  };
  const stateKey = (words: Int32Array, mask: number) => `${mask}|${words.join(',')}`;

  /**
   * memo: exact values (with the lexicographically first optimal next step), or upper
   * bounds learnt when a subtree was cut off by alpha.
   */
  const memo = new Map<string, { value: bigint; next: number; exact: boolean }>();
  let states = 0;
  const full = (1 << n) - 1;

  /**
   * Best total discount of applying every promotion in `mask` from this state. When the
   * result is > alpha it is exact; otherwise it is only an upper bound that is ≤ alpha.
   */
  const dfs = (words: Int32Array, mask: number, alpha: bigint): bigint => {
    if (mask === 0) return 0n;
    const key = stateKey(words, mask);
    const hit = memo.get(key);
    if (hit && (hit.exact || hit.value <= alpha)) return hit.value;
    if (++states > maxStates || (states % 256 === 0 && now() > deadline)) throw new BudgetExceeded();
    // Children, most promising first, so that good totals are found early and prune the rest.
    const children: { i: number; d: bigint; child: Int32Array; bound: number }[] = [];
    for (let i = 0; i < n; i++) {
      const bit = 1 << i;
      if (!(mask & bit)) continue;
      const { d, used } = planAt(i, words);
      const child = after(words, used);
      children.push({ i, d, child, bound: Number(d) + upperBound(child, mask & ~bit) });
    }
    children.sort((a, b) => b.bound - a.bound || a.i - b.i);
    let best = -1n;
    let next = -1;
    for (const { i, d, child, bound } of children) {
      // A child before the current best in index order wins ties, so it only has to reach best.
      const need = best < 0n ? alpha : i < next ? best - 1n : best;
      const floor = need > alpha ? need : alpha;
      if (bound <= Number(floor)) continue;
      const v = d + dfs(child, mask & ~(1 << i), floor - d);
      if (v > floor && (v > best || (v === best && i < next))) {
        best = v;
        next = i;
      }
    }
    const exact = best > alpha;
    memo.set(key, { value: exact ? best : alpha, next, exact });
    return exact ? best : alpha;
  };

  try {
    const start = new Int32Array(W);
    const total = dfs(start, full, -1n);
    const order: Candidate[] = [];
    let words: Int32Array = start;
    let mask = full;
    while (mask) {
      const { next } = memo.get(stateKey(words, mask))!;
      order.push(cands[next]!);
      words = after(words, planAt(next, words).used);
      mask &= ~(1 << next);
    }
    return { order, method: 'search', provenOptimal: true, statesExplored: states, total };
  } catch (err) {
    if (!(err instanceof BudgetExceeded)) throw err;
    return solveByMarginalValue(cands, st, planner, layer, states);
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

/**
 * The budget fallback: the original's marginal-value ranking (§9.4), then one run in that
 * order. The answer is then the best found, not a proven optimum.
 */
export function solveByMarginalValue(
  cands: Candidate[],
  st: EvalState,
  planner: Planner,
  layer: number,
  statesExplored: number,
): ClusterSolution {
  const { order } = marginalValueOrder(cands, st, planner);
  return {
    order,
    method: 'marginal_value',
    provenOptimal: false,
    statesExplored,
    total: runOrder(order, st, planner, layer),
  };
}
