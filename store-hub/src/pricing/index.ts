/**
 * The hub's only door into @kassa/promo-core. Everything the hub needs from the pricing core
 * (catalogue model, promotions validation, tax parsing, priceBasket, receipts, money) goes
 * through here, so the rest of the hub is insulated from how promo-core grows.
 *
 * Some promo-core exports land after this module was written (priceBasket, the promotions
 * engine, the receipt model); they are looked up at run time and, while absent, a minimal
 * fallback prices lines at their selling price without promotions or tax and says so in
 * `diagnostics` (code HUB_FALLBACK_PRICING). Nothing else in the hub depends on which ran.
 */
import * as core from '@kassa/promo-core';
import type {
  BarcodeConfig,
  BasketInput,
  BasketLineInput,
  CatalogIndex,
  Item,
  PricedBasket,
  PricedLine,
  StoreData,
} from '@kassa/promo-core';
import type { CompletedOrderInput, StoreReceiptConfigInput, Symbology } from '@kassa/promo-core';
import {
  barcodeConfigSchema,
  buildReceipt,
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

export { formatMoney, parseMoney, PricingError } from '@kassa/promo-core';
export type {
  BasketInput,
  BasketLineInput,
  Item,
  PricedBasket,
  PricedLine,
  ReceiptDocument,
  StoreData,
} from '@kassa/promo-core';

type Fn = (...args: never[]) => unknown;
const optional = <T extends Fn>(name: string): T | undefined => {
  const v = (core as unknown as Record<string, unknown>)[name];
  return typeof v === 'function' ? (v as T) : undefined;
};

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
export function validatePromotionDocs(docs: unknown[]): { available: boolean; issues: ValidationIssue[] } {
  const validate =
    optional<(input: unknown) => { ok: true } | { ok: false; issues: { path: string; message: string }[] }>(
      'validatePromotions',
    );
  if (!validate) return { available: false, issues: [] };
  const issues: ValidationIssue[] = [];
  docs.forEach((doc, index) => {
    const r = validate([doc]);
    if (!r.ok)
      for (const i of r.issues)
        issues.push({ index, path: i.path.replace(/^\[?0\]?\.?/, ''), message: i.message });
  });
  return { available: true, issues };
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
    const r = parseItem(doc, src.currency_exponent, i);
    if (r.ok) items.push(r.item);
  });
  const catalog: CatalogIndex = CatalogIndexClass.fromItems(items, {
    exponent: src.currency_exponent,
    categories: src.categories as never,
  });
  const createPromotionSet = optional<(p: unknown[], exponent?: number) => unknown>('createPromotionSet');
  const promotions =
    createPromotionSet && src.promotions.length > 0
      ? createPromotionSet(src.promotions, src.currency_exponent)
      : null;
  return {
    store_id: src.store_id,
    timezone: src.timezone,
    currency_exponent: src.currency_exponent,
    catalog,
    promotions: promotions as StoreData['promotions'],
    tax: { config: parseStoreTaxConfig(src.tax_config), table: parseTaxTable(src.tax_rows) },
    barcodes: barcodeConfigSchema.parse(src.barcodes ?? {}) as BarcodeConfig,
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

export const pricingEngine = (): 'promo-core' | 'hub-fallback' =>
  optional('priceBasket') ? 'promo-core' : 'hub-fallback';

/** Prices a basket with promo-core (the one pricing code path). Throws PricingError for unpriceable input. */
export function price(basket: BasketInput, store: StoreData): PricedBasket {
  const priceBasket = optional<(b: unknown, s: StoreData) => PricedBasket>('priceBasket');
  if (priceBasket) return priceBasket(basket, store);
  return fallbackPrice(basket, store);
}

/** Canonical JSON of a priced basket (decimal strings) as promo-core defines it. */
export function pricedToJson(priced: PricedBasket): unknown {
  const toJson = optional<(p: PricedBasket) => unknown>('pricedBasketToJson');
  if (toJson) {
    const j = toJson(priced);
    return typeof j === 'string' ? (JSON.parse(j) as unknown) : j;
  }
  return JSON.parse(JSON.stringify(priced, (_k, v: unknown) => (typeof v === 'bigint' ? formatMoney(v) : v)));
}

// ---------------------------------------------------------------------------------------------
// Receipts (promo-core's receipt model)

/** JSON with bigints kept exact: encoded as {"$big": "…"} and revived as bigint. */
export const stringifyExact = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? { $big: x.toString() } : x));
export const parseExact = <T>(text: string): T =>
  JSON.parse(text, (_k, x: unknown) =>
    x !== null &&
    typeof x === 'object' &&
    typeof (x as { $big?: unknown }).$big === 'string' &&
    Object.keys(x).length === 1
      ? BigInt((x as { $big: string }).$big)
      : x,
  ) as T;

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

// ---------------------------------------------------------------------------------------------
// Fallback used only while promo-core's priceBasket is not exported.

function fallbackPrice(basket: BasketInput, store: StoreData): PricedBasket {
  const lines: PricedLine[] = [];
  const refusals: PricedBasket['refusals'] = [];
  let total = 0n;
  let mrp = 0n;
  for (const l of basket.lines as BasketLineInput[]) {
    const code = l.scanned_code?.trim();
    const item = l.item_id
      ? store.catalog.getItem(l.item_id)
      : code
        ? (store.catalog.lookupExact(code)?.item ?? store.catalog.lookupGtin(code))
        : undefined;
    if (!item) {
      refusals.push({
        line_id: l.line_id,
        code: 'UNKNOWN_BARCODE',
        message: `no item for code ${code ?? ''}`,
        details: { code },
      });
      continue;
    }
    const qty = l.quantity ?? 1;
    const base = l.price_snapshot ? core.parseMoney(l.price_snapshot.base_price) : item.base_price;
    const sp = l.price_snapshot ? core.parseMoney(l.price_snapshot.selling_price) : item.selling_price;
    const gross = sp * BigInt(qty);
    total += gross;
    mrp += base * BigInt(qty);
    const needsCheck = item.requires_approval || item.is_restricted || (item.minimum_age_required ?? 0) > 0;
    lines.push({
      line_id: l.line_id,
      kind: 'item',
      item_id: item.item_id,
      item_name: item.item_name,
      product_identifier: item.product_identifier,
      retailer_product_id: item.retailer_product_id,
      sku: item.retailer_product_id ?? item.product_identifier,
      scanned_code: code ?? null,
      scan_rule: 'exact',
      symbology: null,
      parent_line_id: null,
      is_return_item: false,
      unit_of_measure: item.unit_of_measure,
      quantity: qty,
      weight_g: null,
      base_price: base,
      selling_price: sp,
      unit_price: sp,
      price_source: l.price_snapshot ? 'snapshot' : 'catalog',
      gross,
      promotions: [],
      item_discount: 0n,
      basket_discounts: [],
      basket_discount: 0n,
      total_discount: 0n,
      payable: gross,
      savings: base * BigInt(qty) - gross,
      promotion_exclusion: null,
      tax: {
        tax_code: item.tax_code,
        amount4: gross * 100n,
        tax4: 0n,
        net4: gross * 100n,
        gross4: gross * 100n,
        tax: 0n,
        levels: [],
      },
      requires_verification: needsCheck,
      minimum_age_required: item.minimum_age_required,
      expiry: null,
      batch: null,
      labels: [],
      explanation: ['hub fallback pricing: selling price × quantity'],
      measure_price: null,
    } as unknown as PricedLine);
  }
  return {
    basket_id: basket.basket_id,
    store_id: store.store_id,
    evaluation_time: basket.evaluation_time,
    currency_exponent: store.currency_exponent ?? 2,
    data_version: store.data_version ?? null,
    prices_include_tax: true,
    lines,
    refusals,
    totals: {
      total_mrp: mrp,
      total_gross: total,
      total_item_discount: 0n,
      total_basket_discount: 0n,
      total_discount: 0n,
      total_after_discount: total,
      total_tax: 0n,
      total_excl_tax: total,
      total_after_tax: total,
      total_savings: mrp - total,
    },
    tax_breakup: [],
    tax_exemption: null,
    promotions: [],
    requires_approval: lines.some((l) => l.requires_verification),
    minimum_age_required: lines.reduce<number | null>(
      (m, l) => (l.minimum_age_required === null ? m : Math.max(m ?? 0, l.minimum_age_required)),
      null,
    ),
    diagnostics: [
      {
        code: 'HUB_FALLBACK_PRICING',
        message: 'promo-core priceBasket not available; no promotions or tax applied',
      },
    ],
  };
}

export function isPricingError(err: unknown): err is PricingError {
  return err instanceof PricingError;
}
