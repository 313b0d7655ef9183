/** The evaluation pipeline (spec §9): layers, the four clusters, priority and best discount. */
import type { Diagnostic } from './candidates';
import { priorityOrder } from './candidates';
import { planPromotion } from './families';
import type { BasketIndex } from './matching';
import { hasAllNode } from './matching';
import type { ClusterSolution, OptimiserOptions, Planner } from './optimiser';
import { solveBySearch } from './optimiser';
import { runOriginalAlgorithm } from './original';
import type { Plan, SuggestionInfo } from './state';
import { EvalState, planDiscount } from './state';
import type { Candidate, TenantFlags } from './types';
import { BASKET_FAMILIES } from './types';

export interface ClusterReport {
  layer: number;
  kind: 'item' | 'basket';
  promoIds: string[];
  method: ClusterSolution['method'] | 'single' | 'best_single';
  provenOptimal: boolean;
  statesExplored: number;
  discount: bigint;
  originalAlgorithm: 'permutations' | 'marginal_value' | 'single' | 'best_single';
  originalAlgorithmDiscount: bigint;
}

export interface SuggestionRecord {
  cand: Candidate;
  info: SuggestionInfo;
}

export interface PipelineResult {
  state: EvalState;
  candidates: Candidate[];
  suggestions: SuggestionRecord[];
  clusters: ClusterReport[];
  discountByPromo: Map<string, bigint>;
  /** The basket's units and each promotion's members (cached per evaluation). */
  basket: BasketIndex;
}

export interface PipelineOptions {
  optimiser?: OptimiserOptions;
  /**
   * Also compute what the original algorithm would have found (on by default; computed on
   * first read of `originalAlgorithmDiscount`). Off: the field repeats the search's discount.
   */
  compareWithOriginal?: boolean;
}

const isBasket = (c: Candidate) => BASKET_FAMILIES.has(c.promo.family);

export function runPipeline(
  basket: BasketIndex,
  candidates: Candidate[],
  flags: TenantFlags,
  diagnostics: Diagnostic[],
  opts: PipelineOptions = {},
): PipelineResult {
  const st = EvalState.initial(basket.units, flags);
  const planner: Planner = {
    membership: (c) => c.membership ?? basket.membership(c.promo),
    plan(c, s) {
      return planPromotion({ p: c.promo, limit: c.limit, st: s, m: this.membership(c) });
    },
  };
  const suggestions: SuggestionRecord[] = [];
  const clusters: ClusterReport[] = [];
  const discountByPromo = new Map<string, bigint>();
  const compare = opts.compareWithOriginal ?? true;

  const apply = (c: Candidate, layer: number, best: boolean, plan = planner.plan(c, st)): Plan => {
    const d = st.commit(plan, c, layer, best);
    if (plan.sets.length > 0) discountByPromo.set(c.promo.id, (discountByPromo.get(c.promo.id) ?? 0n) + d);
    if (plan.suggestion && planner.membership(c).all.length > 0)
      suggestions.push({ cand: c, info: plan.suggestion });
    if (plan.delegatedToEasy)
      diagnostics.push({
        code: 'DELEGATED_TO_EASY',
        promo_id: c.promo.id,
        message: 'requisite quantity is 0; evaluated as Easy (delegated_to: e)',
      });
    return plan;
  };

  // one sorted copy by layer, then §9.3 order: each layer is a run of it (no set, filter or sort per layer)
  const ordered = sortCandidates(candidates.slice());
  for (let start = 0; start < ordered.length;) {
    const layer = ordered[start]!.promo.layer;
    let end = start + 1;
    while (end < ordered.length && ordered[end]!.promo.layer === layer) end++;
    st.startLayer();
    const itemBest = pick(ordered, start, end, false, 'b');
    const itemPrio = pick(ordered, start, end, false, 'p');
    const basketBest = pick(ordered, start, end, true, 'b');
    const basketPrio = pick(ordered, start, end, true, 'p');
    start = end;

    // 1. item best-discount cluster
    for (const sub of subClusters(itemBest, st, planner, false)) {
      if (sub.length === 1) {
        const plan = apply(sub[0]!, layer, true);
        const d = planDiscount(plan);
        clusters.push(report(layer, 'item', sub, 'single', true, 1, d, 'single', d));
        continue;
      }
      const sol = solveBySearch(sub, st, planner, layer, opts.optimiser);
      // The original's figure comes from its own method on the state as it was before this
      // cluster, computed when first read (the wire response reads it; pricing does not).
      const before = compare ? st.snapshot() : null;
      for (const c of sol.order) apply(c, layer, true);
      const rep = report(
        layer,
        'item',
        sub,
        sol.method,
        sol.provenOptimal,
        sol.statesExplored,
        sol.total,
        sub.length <= 6 ? 'permutations' : 'marginal_value',
        sol.total,
      );
      if (before) lazyOriginal(rep, () => runOriginalAlgorithm(sub, before, planner).total);
      clusters.push(rep);
    }
    // 2. item priority cluster
    for (const c of itemPrio) apply(c, layer, false);

    // 3. basket best-discount cluster, 4. basket priority cluster
    let basketApplied = 0;
    const maxBasket = flags.maxBasketPromosPerLayer;
    for (const sub of subClusters(basketBest, st, planner, true)) {
      if (maxBasket !== null && basketApplied >= maxBasket) break;
      let bestC: Candidate | null = null;
      let bestPlan: Plan | null = null;
      let bestD = -1n;
      for (const c of sub) {
        const plan = planner.plan(c, st);
        const d = planDiscount(plan);
        if (d > bestD) {
          bestD = d;
          bestC = c;
          bestPlan = plan;
        }
      }
      if (bestC && bestPlan) {
        apply(bestC, layer, false, bestPlan);
        if (bestPlan.sets.length > 0) basketApplied++;
        clusters.push(
          report(layer, 'basket', sub, 'best_single', true, sub.length, bestD, 'best_single', bestD),
        );
      }
    }
    for (const c of basketPrio) {
      if (maxBasket !== null && basketApplied >= maxBasket) break;
      const plan = apply(c, layer, false);
      if (plan.sets.length > 0) basketApplied++;
    }
    st.endLayer();
  }
  return { state: st, candidates, suggestions, clusters, discountByPromo, basket };
}

/** Layer ascending, then §9.3 priority order; in place, an insertion sort for short lists (it allocates nothing). */
function sortCandidates(xs: Candidate[]): Candidate[] {
  const cmp = (a: Candidate, b: Candidate) => a.promo.layer - b.promo.layer || priorityOrder(a, b);
  if (xs.length > 64) return xs.sort(cmp);
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!;
    let j = i - 1;
    while (j >= 0 && cmp(xs[j]!, x) > 0) {
      xs[j + 1] = xs[j]!;
      j--;
    }
    xs[j + 1] = x;
  }
  return xs;
}

/** The candidates of ordered[start … end) of one kind (basket or item) and criterion, in order, at their exact count. */
function pick(
  ordered: Candidate[],
  start: number,
  end: number,
  basket: boolean,
  criteria: 'p' | 'b',
): Candidate[] {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = ordered[i]!;
    if (isBasket(c) === basket && c.promo.evaluateCriteria === criteria) n++;
  }
  const out: Candidate[] = new Array(n);
  for (let i = start, k = 0; k < n; i++) {
    const c = ordered[i]!;
    if (isBasket(c) === basket && c.promo.evaluateCriteria === criteria) out[k++] = c;
  }
  return out;
}

/** Makes `originalAlgorithmDiscount` a property computed once, on first read. */
function lazyOriginal(rep: ClusterReport, compute: () => bigint): void {
  Object.defineProperty(rep, 'originalAlgorithmDiscount', {
    enumerable: true,
    configurable: true,
    get(this: ClusterReport) {
      const value = compute();
      Object.defineProperty(this, 'originalAlgorithmDiscount', { value, enumerable: true, writable: false });
      return value;
    },
  });
}

function report(
  layer: number,
  kind: 'item' | 'basket',
  sub: Candidate[],
  method: ClusterReport['method'],
  provenOptimal: boolean,
  statesExplored: number,
  discount: bigint,
  originalAlgorithm: ClusterReport['originalAlgorithm'],
  originalAlgorithmDiscount: bigint,
): ClusterReport {
  return {
    layer,
    kind,
    promoIds: sub.map((c) => c.promo.id),
    method,
    provenOptimal,
    statesExplored,
    discount,
    originalAlgorithm,
    originalAlgorithmDiscount,
  };
}

/**
 * Phase A of §9.4: promotions that share no SKU among their available member units cannot
 * interact. A promotion with an `ALL` node makes the whole cluster one sub-cluster.
 * Sub-clusters come in the order of their first promotion (inputs are in §9.3 order).
 */
export function subClusters(
  cands: Candidate[],
  st: EvalState,
  planner: Planner,
  basket: boolean,
): Candidate[][] {
  if (cands.length === 0) return [];
  if (cands.length === 1 || cands.some((c) => hasAllNode(c.promo))) return [cands];
  const parent = cands.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  cands.forEach((c, i) => {
    for (const u of planner.membership(c).all) {
      if (!basket && !st.availableForItem(u, c.promo.applyOnDiscountedItems)) continue;
      const sku = st.units[u]!.sku;
      const o = owner.get(sku);
      if (o === undefined) owner.set(sku, i);
      else {
        const a = find(o);
        const b = find(i);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  // A root is the smallest index of its sub-cluster (unions keep the smaller), so roots
  // first appear in ascending order: sub-clusters come out in the order of their first promotion.
  const slot = new Int32Array(cands.length).fill(-1);
  const out: Candidate[][] = [];
  for (let i = 0; i < cands.length; i++) {
    const r = find(i);
    if (slot[r] === -1) {
      slot[r] = out.length;
      out.push([cands[i]!]);
    } else out[slot[r]!]!.push(cands[i]!);
  }
  return out;
}
