/**
 * Product regulations (spec/store.md §1.2 ProductRegulation, §1.3 B4): quantity limits per
 * item or per basket, and verification requirements, attached to a barcode, an item, or a
 * category (which covers every item below it).
 */
import { z } from 'zod';
import type { CatalogIndex } from './catalog-index';
import type { Item } from './schema';

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 instant');

export const productRegulationSchema = z.object({
  regulation_id: z.string().min(1),
  identifier: z.string().min(1),
  /** barcode: any code of the item; item: item_id or retailer_product_id; category: a category or an ancestor. */
  identifier_type: z.enum(['barcode', 'item', 'category']),
  regulation_type: z.enum(['quantity_limit', 'verification_required']),
  allowed_quantity: z.number().int().min(0).default(1),
  /** item: each item on its own; basket: all matching items together; basket_and_item: both. */
  applicable_level: z.enum(['item', 'basket', 'basket_and_item']).default('item'),
  /** Lower wins when several quantity limits match one item. */
  priority: z.number().int().default(10),
  valid_from: instant.nullable().default(null),
  valid_till: instant.nullable().default(null),
  is_valid: z.boolean().default(true),
  reason: z.string().default(''),
});
export type ProductRegulationInput = z.input<typeof productRegulationSchema>;
export type ProductRegulation = z.output<typeof productRegulationSchema>;

/** Regulations indexed by identifier, so finding those that touch an item costs its codes and categories. */
export class RegulationIndex {
  private readonly byKey = new Map<string, ProductRegulation[]>();

  constructor(regulations: readonly ProductRegulation[]) {
    for (const r of regulations) {
      const key = `${r.identifier_type}:${r.identifier}`;
      const list = this.byKey.get(key);
      if (list) list.push(r);
      else this.byKey.set(key, [r]);
    }
  }

  static parse(input: unknown): RegulationIndex {
    return new RegulationIndex(z.array(productRegulationSchema).parse(input));
  }

  get isEmpty(): boolean {
    return this.byKey.size === 0;
  }

  /** Regulations in force at `at` (ISO instant) that apply to the item, in (priority, id) order. */
  forItem(item: Item, catalog: CatalogIndex, at: string): ProductRegulation[] {
    if (this.byKey.size === 0) return [];
    const keys = [`barcode:${item.product_identifier}`, `item:${item.item_id}`];
    for (const c of item.additional_barcodes) keys.push(`barcode:${c}`);
    if (item.retailer_product_id !== null) keys.push(`item:${item.retailer_product_id}`);
    for (const id of item.category_ids) {
      for (const c of catalog.ancestry(id)) {
        keys.push(`category:${c.category_id}`);
        if (c.retailer_category_id !== null) keys.push(`category:${c.retailer_category_id}`);
      }
    }
    for (const pc of catalog.promoCategoriesOf(item)) keys.push(`category:${pc.value}`);
    const t = Date.parse(at);
    const seen = new Set<ProductRegulation>();
    for (const k of keys) {
      for (const r of this.byKey.get(k) ?? []) {
        if (!r.is_valid) continue;
        if (r.valid_from !== null && Date.parse(r.valid_from) > t) continue;
        if (r.valid_till !== null && Date.parse(r.valid_till) < t) continue;
        seen.add(r);
      }
    }
    return [...seen].sort((a, b) => a.priority - b.priority || (a.regulation_id < b.regulation_id ? -1 : 1));
  }
}

/**
 * Running quantity check over a basket: feed lines in order; a line that would exceed a limit
 * is refused (and not counted). Per item, the quantity limit with the lowest priority number
 * wins at each level.
 */
export class QuantityLimiter {
  private readonly perItem = new Map<string, number>();
  private readonly perRegulation = new Map<string, number>();

  constructor(
    private readonly regulations: RegulationIndex,
    private readonly catalog: CatalogIndex,
    private readonly at: string,
  ) {}

  /** null when the units fit; otherwise the limit that stops them and how many more are allowed. */
  add(item: Item, units: number): { regulation: ProductRegulation; allowed: number } | null {
    const regs = this.regulations
      .forItem(item, this.catalog, this.at)
      .filter((r) => r.regulation_type === 'quantity_limit');
    const itemRule = regs.find((r) => r.applicable_level !== 'basket');
    const basketRule = regs.find((r) => r.applicable_level !== 'item');
    const had = this.perItem.get(item.item_id) ?? 0;
    if (itemRule && had + units > itemRule.allowed_quantity) {
      return { regulation: itemRule, allowed: Math.max(0, itemRule.allowed_quantity - had) };
    }
    if (basketRule) {
      const total = this.perRegulation.get(basketRule.regulation_id) ?? 0;
      if (total + units > basketRule.allowed_quantity) {
        return { regulation: basketRule, allowed: Math.max(0, basketRule.allowed_quantity - total) };
      }
      this.perRegulation.set(basketRule.regulation_id, total + units);
    }
    this.perItem.set(item.item_id, had + units);
    return null;
  }

  /** Counts units a limit was waived for (staff override), so later lines still see them. */
  count(item: Item, units: number): void {
    const regs = this.regulations
      .forItem(item, this.catalog, this.at)
      .filter((r) => r.regulation_type === 'quantity_limit');
    const basketRule = regs.find((r) => r.applicable_level !== 'item');
    if (basketRule)
      this.perRegulation.set(
        basketRule.regulation_id,
        (this.perRegulation.get(basketRule.regulation_id) ?? 0) + units,
      );
    this.perItem.set(item.item_id, (this.perItem.get(item.item_id) ?? 0) + units);
  }

  /** True when a verification regulation applies to the item. */
  needsVerification(item: Item): boolean {
    return this.regulations
      .forItem(item, this.catalog, this.at)
      .some((r) => r.regulation_type === 'verification_required');
  }
}
