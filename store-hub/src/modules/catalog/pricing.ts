/**
 * The hub's only door into @kassa/promo-core. Everything the hub needs from the pricing core
 * (catalogue model, promotions validation, tax parsing, priceBasket, receipts, money) goes
 * through here, so the rest of the hub is insulated from how promo-core grows.
 */
import type {
  BarcodeConfig,
  BasketInput,
  CatalogIndex,
  Item,
  PricedBasket,
  StoreData,
} from '@kassa/promo-core';
import type { CompletedOrderInput, StoreReceiptConfigInput, Symbology } from '@kassa/promo-core';
import { parseExact, stringifyExact } from '../../platform/json';
import {
  barcodeConfigSchema,
  buildReceipt,
  createPromotionSet,
  priceBasket,
  pricedBasketToJson,
  validatePromotions,
  receiptOrderFromPricedBasket,
  renderReceiptText,
  resolveScan,
  CatalogIndex as CatalogIndexClass,
  formatMoney,
  parseItem,
  parseStoreTaxConfig,
  parseTaxTable,
  PricingError,
  taxTableRowSchema,
} from '@kassa/promo-core';

export {
  formatMoney,
  joinPricedJson,
  parseMoney,
  PricingError,
  repriceBasket,
  startPricing,
} from '@kassa/promo-core';
export type { BasketChange, PricingState } from '@kassa/promo-core';
export type {
  BasketInput,
  BasketLineInput,
  Item,
  PricedBasket,
  PricedLine,
  ReceiptDocument,
  StoreData,
} from '@kassa/promo-core';

export interface ValidationIssue {
  index: number;
  path: string;
  message: string;
}

/** Validates one catalogue item in the wire form; returns the normalised item or issues. */
export function validateItem(
  doc: unknown,
  index: number,
  exponent = 2,
): { ok: true; item: Item } | { ok: false; issues: ValidationIssue[] } {
  const r = parseItem(doc, exponent, index);
  return r.ok ? { ok: true, item: r.item } : { ok: false, issues: r.issues };
}

export function validateTaxRow(doc: unknown): { ok: true } | { ok: false; message: string } {
  const r = taxTableRowSchema.safeParse(doc);
  return r.success
    ? { ok: true }
    : { ok: false, message: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

/**
 * Validates promotions in the spec/promotions.md §3 ingest format with promo-core's engine.
 * Returns per-promotion issues (index = position in the input).
 */
export function validatePromotionDocs(docs: unknown[]): { issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  docs.forEach((doc, index) => {
    const r = validatePromotions([doc]);
    if (!r.ok)
      for (const i of r.issues)
        issues.push({ index, path: i.path.replace(/^\[?0\]?\.?/, ''), message: i.message });
  });
  return { issues };
}

export function validateTaxConfig(doc: unknown): string | null {
  try {
    parseStoreTaxConfig(doc);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export function validateBarcodeConfig(doc: unknown): string | null {
  const r = barcodeConfigSchema.safeParse(doc ?? {});
  return r.success ? null : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

export interface StoreDataSource {
  store_id: string;
  timezone: string;
  currency_exponent: number;
  /** ISO 4217 code of the store (barcodes: GS1 393n prices in another currency are refused). */
  currency?: string;
  items: unknown[];
  categories: unknown[];
  promotions: unknown[];
  tax_rows: unknown[];
  tax_config: unknown;
  barcodes: unknown;
  allow_negative_basket: boolean;
  data_version: string;
}

/** Builds promo-core's in-memory StoreData for one data version of the hub. */
export function buildStoreData(src: StoreDataSource): StoreData {
  const items: Item[] = [];
  src.items.forEach((doc, i) => {
    const item = parseCatalogItem(doc, src.currency_exponent, i);
    if (item) items.push(item);
  });
  return buildStoreDataFrom(src, items);
}

/** One stored catalogue document as promo-core's item (null: not sellable as stored). */
export function parseCatalogItem(doc: unknown, exponent: number, index: number): Item | null {
  const r = parseItem(doc, exponent, index);
  return r.ok ? r.item : null;
}

/** buildStoreData from items already parsed (the hub parses them in slices, between requests). */
export function buildStoreDataFrom(src: Omit<StoreDataSource, 'items'>, items: Item[]): StoreData {
  const catalog: CatalogIndex = CatalogIndexClass.fromItems(items, {
    exponent: src.currency_exponent,
    categories: src.categories as never,
  });
  const promotions =
    src.promotions.length > 0 ? createPromotionSet(src.promotions, src.currency_exponent) : null;
  return {
    store_id: src.store_id,
    timezone: src.timezone,
    currency_exponent: src.currency_exponent,
    catalog,
    promotions,
    tax: { config: parseStoreTaxConfig(src.tax_config), table: parseTaxTable(src.tax_rows) },
    // The store's currency decides which GS1 prices-with-currency (AI 393n) are chargeable.
    barcodes: barcodeConfigSchema.parse({
      ...(src.currency ? { currency: src.currency } : {}),
      ...((src.barcodes as Record<string, unknown> | null | undefined) ?? {}),
    }) as BarcodeConfig,
    allow_negative_basket: src.allow_negative_basket,
    data_version: src.data_version,
  };
}

/**
 * The catalogue prices a scanned code stands for (the line's price snapshot, §1.3), or null
 * when the code does not resolve — pricing then reports the refusal.
 */
export function snapshotFor(
  code: string,
  symbology: string | undefined,
  store: StoreData,
  now: string,
): { base_price: string; selling_price: string } | null {
  const r = resolveScan(code, (symbology ?? null) as Symbology | null, store.catalog, store.barcodes, {
    now,
    timezone: store.timezone,
  });
  if (!r.ok) return null;
  const exp = store.currency_exponent ?? 2;
  return {
    base_price: formatMoney(r.resolution.item.base_price, exp),
    selling_price: formatMoney(r.resolution.item.selling_price, exp),
  };
}

/** What the hub needs to know about a scanned code before it becomes a line. */
export interface LineResolution {
  item_id: string;
  /** Sold by weight or volume (kg, l): quantity is fixed, weight_g matters. */
  measured: boolean;
  /** Grams the code itself carries (variable-measure label), or null. */
  embedded_weight_g: number | null;
  /** Priced from the catalogue as is (not a markdown, embedded price or weight label). */
  catalog_price: boolean;
  snapshot: { base_price: string; selling_price: string };
}

export function resolveLine(
  code: string,
  symbology: string | undefined,
  store: StoreData,
  now: string,
): LineResolution | null {
  const r = resolveScan(code, (symbology ?? null) as Symbology | null, store.catalog, store.barcodes, {
    now,
    timezone: store.timezone,
  });
  const exp = store.currency_exponent ?? 2;
  // A weighed item scanned by its plain code resolves to "weigh it" (the kiosk sends weight_g).
  const weighMe = !r.ok ? (r as { needs_weight?: { item: Item } }).needs_weight?.item : undefined;
  if (!r.ok && !weighMe) return null;
  const item = r.ok ? r.resolution.item : weighMe!;
  return {
    item_id: item.item_id,
    measured: item.unit_of_measure !== 'each',
    embedded_weight_g: r.ok ? r.resolution.weight_g : null,
    catalog_price: r.ok && r.resolution.price_source === 'catalog',
    snapshot: {
      base_price: formatMoney(item.base_price, exp),
      selling_price: formatMoney(item.selling_price, exp),
    },
  };
}

/** Prices a basket with promo-core (the one pricing code path). Throws PricingError for unpriceable input. */
export function price(basket: BasketInput, store: StoreData): PricedBasket {
  return priceBasket(basket, store);
}

/** promo-core's canonical JSON text of a priced basket (what the hub stores and sends). */
export function pricedJsonText(priced: PricedBasket): string {
  return pricedBasketToJson(priced);
}

/** Canonical JSON of a priced basket (decimal strings) as promo-core defines it. */
export function pricedToJson(priced: PricedBasket): unknown {
  const j: unknown = pricedBasketToJson(priced);
  return typeof j === 'string' ? (JSON.parse(j) as unknown) : j;
}

// ---------------------------------------------------------------------------------------------
// Receipts (promo-core's receipt model)

/**
 * The receipt's order input from the priced basket, taken when the order is created (the
 * bigint PricedBasket exists then). Numbers, completion time and tenders are filled in at
 * completion, inside the completing transaction.
 */
export function receiptInputAtCheckout(
  priced: PricedBasket,
  facts: { orderId: string; oId: number; createdAt: string; retailerDeviceId: string },
): string {
  const input = receiptOrderFromPricedBasket(priced, {
    orderId: facts.orderId,
    oId: facts.oId,
    receiptNumber: '',
    createdAt: facts.createdAt,
    completedAt: facts.createdAt,
    device: { retailerDeviceId: facts.retailerDeviceId, kind: 'self_checkout' },
    tenders: [],
  });
  return stringifyExact(input);
}

export interface ReceiptCompletion {
  receiptNumber: string;
  transactionIdPoslog: string;
  completedAt: string;
  tenders: {
    method: string;
    amount: bigint;
    cardBrand: string | null;
    cardLast4: string | null;
    authCode: string | null;
  }[];
}

export function buildReceiptDocument(
  storedInput: string,
  done: ReceiptCompletion,
  store: {
    name: string;
    address: string;
    retailer_store_id: string;
    timezone: string;
    currency_sign: string;
    receipt?: unknown;
  },
): { document: unknown; text: string } {
  const input = parseExact<CompletedOrderInput>(storedInput);
  const order: CompletedOrderInput = {
    ...input,
    receiptNumber: done.receiptNumber,
    transactionIdPoslog: done.transactionIdPoslog,
    completedAt: done.completedAt,
    tenders: done.tenders.map((t) => ({
      method: t.method === 'card' ? 'CARD_TERMINAL' : t.method.toUpperCase(),
      amount: t.amount,
      card: {
        ...(t.cardBrand ? { brand: t.cardBrand } : {}),
        ...(t.cardLast4 ? { last4: t.cardLast4 } : {}),
        ...(t.authCode ? { authCode: t.authCode } : {}),
      },
    })),
  };
  const extra = (typeof store.receipt === 'object' && store.receipt !== null ? store.receipt : {}) as Record<
    string,
    unknown
  >;
  const document = buildReceipt(order, {
    timezone: store.timezone,
    currencySign: store.currency_sign,
    ...extra,
    store: {
      name: store.name,
      addressLines: store.address ? store.address.split(/,\s*/) : [],
      retailerStoreId: store.retailer_store_id,
      ...((extra.store as Record<string, unknown> | undefined) ?? {}),
    },
  } as StoreReceiptConfigInput);
  return { document, text: renderReceiptText(document, { width: 42 }).join('\n') };
}

export function isPricingError(err: unknown): err is PricingError {
  return err instanceof PricingError;
}
