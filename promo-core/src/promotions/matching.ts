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
  /** Scratch marks for membership: included[u] === stamp while one group is being built. */
  private readonly included: Int32Array;
  private stamp = 0;

  constructor(readonly units: readonly Unit[]) {
    this.all = units.map((u) => u.idx);
    this.included = new Int32Array(units.length);
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
    // Only Line Special reads which node matched a unit; the others need the member lists.
    const keepNodes = p.family === 'l';
    for (const g of p.groups) {
      if (g.nodes.length === 1 && !g.nodes[0]!.isExcluded && !keepNodes) {
        groups.push(this.unitsOf(g.nodes[0]!));
        nodes.push(NO_NODES);
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
      groups.push(this.marked(stamp));
      nodes.push(map ?? NO_NODES);
    }
    let allList: readonly number[];
    if (groups.length === 1) allList = groups[0]!;
    else {
      const stamp = this.nextStamp();
      for (const list of groups) for (const u of list) this.included[u] = stamp;
      allList = this.marked(stamp);
    }
    const m = { groups, nodes, all: allList };
    this.cache.set(p.id, m);
    return m;
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

/** Shared empty node map for groups whose matching node nobody reads. */
const NO_NODES: Map<number, PromoNode> = new Map();

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export const hasAllNode = (p: Promotion): boolean =>
  p.groups.some((g) => g.nodes.some((n) => !n.isExcluded && n.nodeId === 'ALL'));
