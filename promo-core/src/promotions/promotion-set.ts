/**
 * A validated, indexed set of promotions. The index (by SKU, by category and the `ALL`
 * wildcard) makes candidate selection cost grow with the promotions that can match a
 * basket, not with every promotion of the store.
 */
import { PromotionValidationError, validatePromotions } from './validation';
import type { Promotion } from './types';

export const categoryKey = (type: string, value: string): string => `${type}:${value}`;

export class PromotionSet {
  readonly promotions: readonly Promotion[];
  private readonly bySku = new Map<string, Promotion[]>();
  private readonly byCategory = new Map<string, Promotion[]>();
  private readonly wildcard: Promotion[] = [];

  constructor(promotions: Promotion[]) {
    // Sorted by id so that the input order never changes a result.
    this.promotions = [...promotions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const p of this.promotions) {
      const keys = new Set<string>();
      let all = false;
      for (const g of p.groups)
        for (const n of g.nodes) {
          if (n.isExcluded) continue;
          if (n.nodeId === 'ALL') all = true;
          else
            keys.add(
              n.nodeType === 'i' ? `i\u0000${n.nodeId}` : `c\u0000${categoryKey(n.nodeType, n.nodeId)}`,
            );
        }
      if (all) {
        this.wildcard.push(p);
        continue;
      }
      for (const key of keys) {
        const [kind, value] = key.split('\u0000') as [string, string];
        const map = kind === 'i' ? this.bySku : this.byCategory;
        const list = map.get(value);
        if (list) list.push(p);
        else map.set(value, [p]);
      }
    }
  }

  get size(): number {
    return this.promotions.length;
  }

  /** Promotions with an include node that can match one of these SKUs or category keys. */
  lookup(skus: Iterable<string>, categoryKeys: Iterable<string>): Promotion[] {
    const out = new Set<Promotion>(this.wildcard);
    for (const s of skus) for (const p of this.bySku.get(s) ?? []) out.add(p);
    for (const c of categoryKeys) for (const p of this.byCategory.get(c) ?? []) out.add(p);
    return [...out];
  }
}

/**
 * Validates promotions in the ingest format (§3) and indexes them. Throws
 * PromotionValidationError listing every problem when any promotion is invalid.
 */
export function createPromotionSet(input: unknown, exponent = 2): PromotionSet {
  const r = validatePromotions(input, exponent);
  if (!r.ok) throw new PromotionValidationError(r.issues);
  return new PromotionSet(r.promotions);
}
