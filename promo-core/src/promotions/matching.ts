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
  groups: number[][];
  /** Per group: the include node that matched each member unit. */
  nodes: Map<number, PromoNode>[];
  /** Every unit that is a member of some group. */
  all: number[];
}

export function membership(p: Promotion, units: readonly Unit[]): Membership {
  const groups: number[][] = [];
  const nodes: Map<number, PromoNode>[] = [];
  const all = new Set<number>();
  for (const g of p.groups) {
    const list: number[] = [];
    const map = new Map<number, PromoNode>();
    for (const u of units) {
      const n = matchingNode(g, u);
      if (n) {
        list.push(u.idx);
        map.set(u.idx, n);
        all.add(u.idx);
      }
    }
    groups.push(list);
    nodes.push(map);
  }
  return { groups, nodes, all: [...all].sort((a, b) => a - b) };
}

export const hasAllNode = (p: Promotion): boolean =>
  p.groups.some((g) => g.nodes.some((n) => !n.isExcluded && n.nodeId === 'ALL'));
