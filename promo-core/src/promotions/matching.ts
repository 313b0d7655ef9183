/** Group membership (spec §6.2), computed once per promotion and evaluation. */
import type { PromoGroup, PromoNode, Promotion, Unit } from './types';

const nodeMatches = (n: PromoNode, u: Unit): boolean =>
  n.nodeId === 'ALL' ||
  (n.nodeType === 'i' ? u.sku === n.nodeId : u.categoryKeys.includes(`${n.nodeType}:${n.nodeId}`));

/** The first include node (by position) that matches the unit, when no exclusion node does. */
export function matchingNode(g: PromoGroup, u: Unit): PromoNode | null {
  let found: PromoNode | null = null;
  for (const n of g.nodes) {
    if (!nodeMatches(n, u)) continue;
    if (n.isExcluded) return null;
    if (!found) found = n;
  }
  return found;
}

export interface Membership {
  /** Per group (in position order): member unit indices in basket order. */
  groups: (readonly number[])[];
  /** Per group: the include node that matched each member unit. */
  nodes: Map<number, PromoNode>[];
  /** Every unit that is a member of some group, in basket order. */
  all: readonly number[];
}

/**
 * The units of one basket indexed by SKU and category, so that a promotion's members are
 * found from its nodes rather than by testing every unit against every node.
 */
export class BasketIndex {
  private readonly bySku = new Map<string, number[]>();
  private readonly byCategory = new Map<string, number[]>();
  private readonly all: readonly number[];
  /** Memberships by promotion id for `membership` (made on first use: the evaluation path does not use it). */
  private cache: Map<string, Membership> | null = null;
  /** Distinct SKUs and category keys of the basket, in first-seen order (candidate lookup reads them). */
  readonly skus: string[] = [];
  readonly categoryKeys: string[] = [];
  /** Scratch marks for membership: included[u] === stamp while one group is being built. */
  private readonly included: Int32Array;
  private stamp = 0;

  constructor(readonly units: readonly Unit[]) {
    const n = units.length;
    this.all = allUnits(units);
    this.included = new Int32Array(n);
    // A line's units come together with one SKU and one category list: index them run by
    // run, each list at its exact size (one push at a time reserved spare slots per list).
    for (let start = 0; start < n;) {
      const first = units[start]!;
      let end = start + 1;
      while (
        end < n &&
        units[end]!.lineIndex === first.lineIndex &&
        units[end]!.sku === first.sku &&
        units[end]!.categoryKeys === first.categoryKeys
      )
        end++;
      if (addRun(this.bySku, first.sku, units, start, end)) this.skus.push(first.sku);
      for (const c of first.categoryKeys)
        if (addRun(this.byCategory, c, units, start, end)) this.categoryKeys.push(c);
      start = end;
    }
  }

  private unitsOf(n: PromoNode): readonly number[] {
    if (n.nodeId === 'ALL') return this.all;
    return (
      (n.nodeType === 'i' ? this.bySku.get(n.nodeId) : this.byCategory.get(`${n.nodeType}:${n.nodeId}`)) ?? []
    );
  }

  /** The promotion's members, computed once per basket and promotion (cached by id). */
  membership(p: Promotion): Membership {
    this.cache ??= new Map();
    const hit = this.cache.get(p.id);
    if (hit) return hit;
    const m = this.membersOf(p);
    this.cache.set(p.id, m);
    return m;
  }

  /**
   * The promotion's members, not cached: candidate selection computes them once per
   * promotion and keeps them on the candidate, which makes the cache map (grown entry by
   * entry for every reachable promotion) unnecessary on the evaluation path.
   */
  membersOf(p: Promotion): Membership {
    // arrays of exactly the group count (a push onto an empty array reserves 16 slots)
    const groups: (readonly number[])[] = new Array(p.groups.length);
    // Only Line Special reads which node matched a unit; the others need the member lists
    // (and share one list of empty node maps).
    const keepNodes = p.family === 'l';
    const nodes: Map<number, PromoNode>[] | null = keepNodes ? new Array(p.groups.length) : null;
    for (let gi = 0; gi < p.groups.length; gi++) {
      const g = p.groups[gi]!;
      if (g.nodes.length === 1 && !g.nodes[0]!.isExcluded && !keepNodes) {
        groups[gi] = this.unitsOf(g.nodes[0]!);
        continue;
      }
      // Marks instead of sets and sorts: a scan over the units gives basket order directly.
      const stamp = this.nextStamp();
      const map: Map<number, PromoNode> | null = keepNodes ? new Map() : null;
      for (const node of g.nodes) {
        if (node.isExcluded) continue;
        for (const u of this.unitsOf(node)) {
          if (this.included[u] === stamp) continue;
          this.included[u] = stamp; // nodes are in position order: the first include wins
          map?.set(u, node);
        }
      }
      for (const node of g.nodes) {
        if (!node.isExcluded) continue;
        for (const u of this.unitsOf(node)) {
          if (this.included[u] === stamp) {
            this.included[u] = 0;
            map?.delete(u);
          }
        }
      }
      groups[gi] = this.marked(stamp);
      if (nodes) nodes[gi] = map!;
    }
    let allList: readonly number[];
    if (groups.length === 1) allList = groups[0]!;
    else {
      const stamp = this.nextStamp();
      for (const list of groups) for (const u of list) this.included[u] = stamp;
      allList = this.marked(stamp);
    }
    // without node maps every group's entry is the shared empty map: share the list too
    return { groups, nodes: nodes ?? noNodeLists(groups.length), all: allList };
  }

  /** The marked units in basket order, in an array of exactly their number (push grows by spare capacity). */
  private marked(stamp: number): number[] {
    const n = this.units.length;
    let count = 0;
    for (let u = 0; u < n; u++) if (this.included[u] === stamp) count++;
    const list: number[] = new Array(count);
    let i = 0;
    for (let u = 0; u < n && i < count; u++) if (this.included[u] === stamp) list[i++] = u;
    return list;
  }

  private nextStamp(): number {
    if (this.stamp === 0x7fffffff) {
      this.included.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}

/** The last basket size's list 0 … n − 1, shared by the baskets of that size (read only). */
let identity: readonly number[] = [];

/** The units' indices in basket order: the shared identity list when every unit sits at its index. */
function allUnits(units: readonly Unit[]): readonly number[] {
  const n = units.length;
  let inPlace = true;
  for (let i = 0; i < n && inPlace; i++) inPlace = units[i]!.idx === i;
  if (inPlace && identity.length === n) return identity;
  const list: number[] = new Array(n);
  for (let i = 0; i < n; i++) list[i] = units[i]!.idx;
  if (inPlace) identity = list;
  return list;
}

/** Shared empty node map for groups whose matching node nobody reads. */
const NO_NODES: Map<number, PromoNode> = new Map();

/** Lists of n shared empty node maps, one per group count, shared by every membership without node maps. */
const noNodeListsByCount: Map<number, PromoNode>[][] = [];
function noNodeLists(n: number): Map<number, PromoNode>[] {
  return (noNodeListsByCount[n] ??= Object.freeze(new Array(n).fill(NO_NODES)) as Map<number, PromoNode>[]);
}

/** Appends the units start … end − 1 to the key's list (a new list of the exact size); true when the key is new. */
function addRun(
  map: Map<string, number[]>,
  key: string,
  units: readonly Unit[],
  start: number,
  end: number,
): boolean {
  const old = map.get(key);
  const from = old ? old.length : 0;
  const list: number[] = new Array(from + end - start);
  for (let i = 0; i < from; i++) list[i] = old![i]!;
  for (let i = start; i < end; i++) list[from + i - start] = units[i]!.idx;
  map.set(key, list);
  return old === undefined;
}

export const hasAllNode = (p: Promotion): boolean =>
  p.groups.some((g) => g.nodes.some((n) => !n.isExcluded && n.nodeId === 'ALL'));
