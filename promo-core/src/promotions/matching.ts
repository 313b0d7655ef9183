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
  private readonly all: number[];
  private readonly cache = new Map<string, Membership>();

  constructor(readonly units: readonly Unit[]) {
    this.all = units.map((u) => u.idx);
    for (const u of units) {
      push(this.bySku, u.sku, u.idx);
      for (const c of u.categoryKeys) push(this.byCategory, c, u.idx);
    }
  }

  private unitsOf(n: PromoNode): readonly number[] {
    if (n.nodeId === 'ALL') return this.all;
    return (
      (n.nodeType === 'i' ? this.bySku.get(n.nodeId) : this.byCategory.get(`${n.nodeType}:${n.nodeId}`)) ?? []
    );
  }

  membership(p: Promotion): Membership {
    const hit = this.cache.get(p.id);
    if (hit) return hit;
    const groups: (readonly number[])[] = [];
    const nodes: Map<number, PromoNode>[] = [];
    const all = new Set<number>();
    // Only Line Special reads which node matched a unit; the others need the member lists.
    const keepNodes = p.family === 'l';
    for (const g of p.groups) {
      if (g.nodes.length === 1 && !g.nodes[0]!.isExcluded && !keepNodes) {
        const list = this.unitsOf(g.nodes[0]!);
        groups.push(list);
        nodes.push(new Map());
        continue;
      }
      const map = new Map<number, PromoNode>();
      const excluded = new Set<number>();
      for (const n of g.nodes) {
        for (const u of this.unitsOf(n)) {
          if (n.isExcluded) excluded.add(u);
          else if (!map.has(u)) map.set(u, n); // nodes are in position order: the first include wins
        }
      }
      for (const u of excluded) map.delete(u);
      const list = [...map.keys()];
      // one node's units already come in basket order
      if (g.nodes.length > 1) list.sort((a, b) => a - b);
      groups.push(list);
      nodes.push(keepNodes ? map : new Map());
    }
    let allList: readonly number[];
    if (groups.length === 1) allList = groups[0]!;
    else {
      for (const list of groups) for (const u of list) all.add(u);
      allList = [...all].sort((a, b) => a - b);
    }
    const m = { groups, nodes, all: allList };
    this.cache.set(p.id, m);
    return m;
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export const hasAllNode = (p: Promotion): boolean =>
  p.groups.some((g) => g.nodes.some((n) => !n.isExcluded && n.nodeId === 'ALL'));
