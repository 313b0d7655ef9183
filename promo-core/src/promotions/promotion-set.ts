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
  /** Promotion positions (in `promotions`) by SKU and by category key, and the `ALL` ones. */
  private readonly bySku = new Map<string, number[]>();
  private readonly byCategory = new Map<string, number[]>();
  private readonly wildcard: number[] = [];
  /**
   * seen[i] === stamp while one lookup runs: the lookup's de-duplication without a set per
   * call (lookups are synchronous, so one array serves them all).
   */
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(promotions: Promotion[]) {
    // Sorted by id so that the input order never changes a result.
    this.promotions = [...promotions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.seen = new Uint32Array(this.promotions.length);
    this.promotions.forEach((p, i) => {
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
        this.wildcard.push(i);
        return;
      }
      for (const key of keys) {
        const [kind, value] = key.split('\u0000') as [string, string];
        const map = kind === 'i' ? this.bySku : this.byCategory;
        const list = map.get(value);
        if (list) list.push(i);
        else map.set(value, [i]);
      }
    });
  }

  get size(): number {
    return this.promotions.length;
  }

  /**
   * Promotions with an include node that can match one of these SKUs or category keys:
   * the wildcard ones first, then in the order of the keys given (each promotion once, where
   * it is first found).
   */
  lookup(skus: Iterable<string>, categoryKeys: Iterable<string>): Promotion[] {
    // the two passes below read the keys twice: a one-shot iterable is read into an array first
    const s = Array.isArray(skus) ? (skus as string[]) : [...skus];
    const c = Array.isArray(categoryKeys) ? (categoryKeys as string[]) : [...categoryKeys];
    // two passes, counting then filling, so that the answer is allocated at its exact size
    const count = this.mark(s, c, null) as number;
    return this.mark(s, c, new Array<Promotion>(count)) as Promotion[];
  }

  /** One lookup pass under a fresh stamp: counts the promotions, or fills `out` in order. */
  private mark(
    skus: Iterable<string>,
    categoryKeys: Iterable<string>,
    out: Promotion[] | null,
  ): number | Promotion[] {
    if (this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    let n = 0;
    const take = (list: readonly number[] | undefined) => {
      if (!list) return;
      for (let k = 0; k < list.length; k++) {
        const i = list[k]!;
        if (this.seen[i] === stamp) continue;
        this.seen[i] = stamp;
        if (out) out[n] = this.promotions[i]!;
        n++;
      }
    };
    take(this.wildcard);
    for (const s of skus) take(this.bySku.get(s));
    for (const c of categoryKeys) take(this.byCategory.get(c));
    return out ?? n;
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
