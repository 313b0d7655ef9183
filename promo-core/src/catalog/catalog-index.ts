/**
 * CatalogIndex: the store's catalogue held in memory with every code resolvable by one Map
 * lookup (constant time for any catalogue size). Built once per catalogue version and then
 * read-only, so hub, kiosk and cloud can share one instance per data version.
 */
import type { CatalogIdentifier, Category, Item, ItemIssue, PromoCategory } from './schema';
import { catalogIdentifierSchema, catalogInputSchema, categoryInputSchema, parseItem } from './schema';

/** Where a code matched (§1.9 rule 6 order). */
export type CodeMatch = 'product_identifier' | 'additional_barcode' | 'gtin' | 'retailer_product_id';

export interface CatalogBuildResult {
  index: CatalogIndex;
  /** Items that were rejected, and codes claimed by more than one item (the first item keeps them). */
  issues: ItemIssue[];
}

export interface CatalogOptions {
  /** Currency exponent (minor units per major unit = 10^exponent). Default 2. */
  exponent?: number;
  version?: number;
}

export class CatalogIndex {
  private readonly byId = new Map<string, Item>();
  /** product_identifier first, then additional barcodes that no product_identifier claims. */
  private readonly byCode = new Map<string, Item>();
  private readonly codeKind = new Map<string, CodeMatch>();
  private readonly byRetailerId = new Map<string, Item>();
  private readonly multi = new Map<string, CatalogIdentifier>();
  private readonly categories = new Map<string, Category>();
  private readonly promoCats = new Map<string, PromoCategory[]>();
  readonly issues: ItemIssue[] = [];

  private constructor(
    readonly version: number,
    readonly exponent: number,
  ) {}

  /** Index already-normalised items (e.g. rows loaded from the hub's SQLite). Soft-deleted items are skipped. */
  static fromItems(
    items: Iterable<Item>,
    opts: CatalogOptions & { categories?: Category[]; catalogIdentifiers?: CatalogIdentifier[] } = {},
  ): CatalogIndex {
    const idx = new CatalogIndex(opts.version ?? 0, opts.exponent ?? 2);
    for (const c of opts.categories ?? []) idx.categories.set(c.category_id, c);
    let i = 0;
    for (const item of items) idx.add(item, i++);
    for (const ci of opts.catalogIdentifiers ?? []) idx.multi.set(ci.code, ci);
    return idx;
  }

  /**
   * Validate a wire catalogue `{ items, categories?, catalog_identifiers?, version? }` and index
   * it. Bad items are left out and reported in `issues`; a bad envelope throws a ZodError.
   */
  static build(input: unknown, opts: CatalogOptions = {}): CatalogBuildResult {
    const env = catalogInputSchema.parse(input);
    const exponent = opts.exponent ?? 2;
    const items: Item[] = [];
    const issues: ItemIssue[] = [];
    env.items.forEach((raw, i) => {
      const r = parseItem(raw, exponent, i);
      if (r.ok) items.push(r.item);
      else issues.push(...r.issues);
    });
    const index = CatalogIndex.fromItems(items, {
      exponent,
      version: opts.version ?? env.version,
      categories: env.categories.map((c) => categoryInputSchema.parse(c)),
      catalogIdentifiers: env.catalog_identifiers.map((c) => catalogIdentifierSchema.parse(c)),
    });
    index.issues.unshift(...issues);
    return { index, issues: index.issues };
  }

  private add(item: Item, position: number): void {
    if (item.soft_deleted) return;
    if (this.byId.has(item.item_id)) {
      this.issues.push({ index: position, path: 'item_id', message: `duplicate item_id ${item.item_id}` });
      return;
    }
    this.byId.set(item.item_id, item);
    this.claim(item.product_identifier, item, 'product_identifier', position);
    for (const code of item.additional_barcodes) this.claim(code, item, 'additional_barcode', position);
    if (item.retailer_product_id !== null && !this.byRetailerId.has(item.retailer_product_id)) {
      this.byRetailerId.set(item.retailer_product_id, item);
    }
  }

  private claim(code: string, item: Item, kind: CodeMatch, position: number): void {
    const holder = this.byCode.get(code);
    if (holder === undefined) {
      this.byCode.set(code, item);
      this.codeKind.set(code, kind);
    } else if (kind === 'product_identifier' && this.codeKind.get(code) === 'additional_barcode') {
      // A primary barcode outranks someone else's additional barcode (§1.9 rule 6 order).
      this.byCode.set(code, item);
      this.codeKind.set(code, kind);
    } else if (holder !== item) {
      this.issues.push({
        index: position,
        path: kind,
        message: `code ${code} of ${item.item_id} is already used by ${holder.item_id}`,
      });
    }
  }

  get size(): number {
    return this.byId.size;
  }

  getItem(itemId: string): Item | undefined {
    return this.byId.get(itemId);
  }

  items(): IterableIterator<Item> {
    return this.byId.values();
  }

  /** Exact code: product_identifier, else an additional barcode. */
  lookupExact(code: string): { item: Item; match: CodeMatch } | undefined {
    const item = this.byCode.get(code);
    return item === undefined ? undefined : { item, match: this.codeKind.get(code)! };
  }

  /** The item holding this exact code (product_identifier or additional barcode), without allocating. */
  getByCode(code: string): Item | undefined {
    return this.byCode.get(code);
  }

  isAdditionalBarcode(code: string): boolean {
    return this.codeKind.get(code) === 'additional_barcode';
  }

  lookupRetailerProductId(id: string): Item | undefined {
    return this.byRetailerId.get(id);
  }

  /** A code mapping to several items (§1.9 rule 5): the items, in the order HQ listed them. */
  lookupCatalogIdentifier(code: string): Item[] | undefined {
    const ci = this.multi.get(code);
    if (ci === undefined) return undefined;
    return ci.item_ids.map((id) => this.byId.get(id)).filter((i): i is Item => i !== undefined);
  }

  /**
   * Items whose product_identifier ends with `suffix` (Interleaved 2 of 5 rule, §1.9 rule 7).
   * A linear scan: ITF fallbacks are rare and a suffix index would double the memory.
   */
  findBySuffix(suffix: string, limit = 2): Item[] {
    const out: Item[] = [];
    for (const item of this.byId.values()) {
      if (item.product_identifier.endsWith(suffix)) {
        out.push(item);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  getCategory(id: string): Category | undefined {
    return this.categories.get(id);
  }

  /**
   * The category codes promotion rules see for an item: its explicit `promo_categories`, plus,
   * for every category it is in, each ancestor at its depth (root = c1, child = c2, …), coded
   * by `retailer_category_id` when HQ gave one.
   */
  promoCategoriesOf(item: Item): PromoCategory[] {
    const cached = this.promoCats.get(item.item_id);
    if (cached) return cached;
    const seen = new Set<string>();
    const out: PromoCategory[] = [];
    const push = (pc: PromoCategory): void => {
      const k = `${pc.name}:${pc.value}`;
      if (!seen.has(k)) {
        seen.add(k);
        out.push(pc);
      }
    };
    for (const pc of item.promo_categories) push(pc);
    for (const id of item.category_ids) {
      const chain = this.ancestry(id);
      chain.forEach((c, depth) => {
        if (depth < 7)
          push({
            name: `c${depth + 1}` as PromoCategory['name'],
            value: c.retailer_category_id ?? c.category_id,
          });
      });
    }
    this.promoCats.set(item.item_id, out);
    return out;
  }

  /** Root-first chain of categories ending at `id` (unknown ids and cycles end the walk). */
  ancestry(id: string): Category[] {
    const chain: Category[] = [];
    const seen = new Set<string>();
    let cur = this.categories.get(id);
    while (cur && !seen.has(cur.category_id)) {
      seen.add(cur.category_id);
      chain.unshift(cur);
      cur = cur.parent_id === null ? undefined : this.categories.get(cur.parent_id);
    }
    return chain;
  }

  /** True when the item or any of its categories (and their ancestors) needs an age/alcohol check. */
  requiresApproval(item: Item): boolean {
    if (item.requires_approval) return true;
    return this.anyAncestor(item, 'requires_approval');
  }

  /** True when promotions must not see this item (the item itself, or one of its categories). */
  excludedFromPromotions(item: Item): boolean {
    if (item.excluded_from_promotions) return true;
    return this.anyAncestor(item, 'excluded_from_promotions');
  }

  // Plain loops: this runs on every scan.
  private anyAncestor(item: Item, flag: 'requires_approval' | 'excluded_from_promotions'): boolean {
    for (const id of item.category_ids) {
      for (const c of this.ancestry(id)) if (c[flag]) return true;
    }
    return false;
  }
}
