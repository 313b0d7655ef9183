/**
 * Local pricing: every scan is priced at once with promo-core's priceBasket on the replicated
 * data version, and the result is compared byte for byte (pricedBasketToJson) with the hub's.
 */
import type {
  BasketInput,
  BasketLineInput,
  PricedBasket,
  PricingState,
  StoreData,
  SuggestionResult,
  Symbology,
} from '@kassa/promo-core';
import {
  evaluateDetailed,
  formatDecimal,
  formatMoney,
  priceBasket,
  pricedBasketToJson,
  PricingError,
  resolveScan,
} from '@kassa/promo-core';
import type { LocalLine } from '../data/collections';
import type { PricedJson } from './types';

export interface PriceOutcome {
  json: string;
  priced: PricedJson;
}

/** The line as the hub stores it: its code, quantity, weight and the price snapshot. */
export function lineInput(l: LocalLine, lineId = l.line_id): BasketLineInput {
  return {
    line_id: lineId,
    scanned_code: l.code,
    quantity: l.quantity,
    ...(l.weight_g !== undefined ? { weight_g: l.weight_g } : {}),
    ...(l.price_snapshot ? { price_snapshot: l.price_snapshot } : {}),
  };
}

/** The item prices a code stands for now (§1.3 snapshot), exactly as the hub takes them. */
export function snapshotFor(code: string, store: StoreData, now: string) {
  const r = resolveScan(code, null as Symbology | null, store.catalog, store.barcodes, {
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

/** Resolves a code without adding it: the item, or the refusal code (UNKNOWN_BARCODE, …). */
export function resolveCode(code: string, store: StoreData, now: string) {
  return resolveScan(code, null, store.catalog, store.barcodes, { now, timezone: store.timezone });
}

export function priceLocally(input: BasketInput, store: StoreData): PriceOutcome {
  const priced: PricedBasket = priceBasket(input, store);
  const json = pricedBasketToJson(priced);
  return { json, priced: JSON.parse(json) as PricedJson };
}

export function isPricingError(err: unknown): err is PricingError {
  return err instanceof PricingError;
}

export interface Suggestion {
  promo_id: string;
  title: string;
  missing_qty: number | null;
  missing_amount: string | null;
  line_ids: string[];
}

/**
 * promo-core's suggestions ("add 1 more to get …") for the priced basket: the engine is asked
 * with the lines exactly as priceBasket gave them to it (sku, prices, quantities, categories).
 */
export function suggestionsFor(priced: PricedJson, store: StoreData): Suggestion[] {
  if (!store.promotions) return [];
  const lines = priced.lines.filter((l) => l.sku !== null && !l.is_return_item);
  if (lines.length === 0) return [];
  const exp = store.currency_exponent ?? 2;
  const request = {
    store_id: store.store_id,
    evaluation_time: priced.evaluation_time,
    store_timezone: store.timezone,
    basket: {
      id: priced.basket_id,
      items: lines.map((l) => {
        const item = store.catalog.getItem(l.item_id);
        return {
          id: l.line_id,
          item_id: l.item_id,
          sku: l.sku!,
          barcode: l.product_identifier,
          mrp: l.base_price,
          sp: l.selling_price,
          qty: l.quantity,
          ...(l.weight_g !== null ? { weight: formatDecimal(BigInt(l.weight_g), 3) } : {}),
          ...(item && item.pack_size > 1 ? { pack_size: item.pack_size } : {}),
          categories: item ? store.catalog.promoCategoriesOf(item) : [],
        };
      }),
    },
  };
  try {
    const { result } = evaluateDetailed(request, store.promotions, {
      exponent: exp,
      defaultTimezone: store.timezone,
    });
    return shown(result.suggestions, lines, store);
  } catch {
    return [];
  }
}

const titlesBySet = new WeakMap<object, Map<string, string>>();

/** The engine's suggestions as the screen shows them: the first three that say what is missing. */
function shown(
  suggestions: readonly SuggestionResult[],
  lines: readonly { line_id: string }[],
  store: StoreData,
): Suggestion[] {
  const set = store.promotions;
  if (!set) return [];
  let titles = titlesBySet.get(set);
  if (!titles) {
    titles = new Map();
    for (const p of set.promotions ?? []) titles.set(p.id, p.title || p.id);
    titlesBySet.set(set, titles);
  }
  const exp = store.currency_exponent ?? 2;
  const out: Suggestion[] = [];
  for (const s of suggestions) {
    if (out.length === 3) break;
    if (s.freeItemMissing || (s.missingQty === undefined && s.missingAmount === undefined)) continue;
    out.push({
      promo_id: s.promoId,
      title: titles.get(s.promoId) ?? s.promoId,
      missing_qty: s.missingQty ?? null,
      missing_amount: s.missingAmount !== undefined ? formatMoney(s.missingAmount, exp) : null,
      line_ids: s.lines.map((n) => lines[n - 1]?.line_id).filter((x): x is string => !!x),
    });
  }
  return out;
}

/**
 * The suggestions of the pricing itself: priceBasket's own engine run answers them, so the
 * kiosk asks the engine once per scan.
 */
export function suggestionsOf(state: PricingState, store: StoreData): Suggestion[] {
  return state.engine ? shown(state.engine.suggestions, state.engine.lines, store) : [];
}

const storeIds = new WeakMap<StoreData, number>();
let nextStoreId = 1;

/**
 * Everything suggestionsFor reads, as one string: the data version (by object), the minute
 * (promotion windows), and each line's id, sku, prices, quantity and weight. Equal keys give
 * equal suggestions, so the kiosk asks the engine again only when one of these moved.
 */
export function suggestionKey(priced: PricedJson, store: StoreData): string {
  let id = storeIds.get(store);
  if (id === undefined) storeIds.set(store, (id = nextStoreId++));
  let key = `${id}|${priced.basket_id}|${priced.evaluation_time.slice(0, 16)}`;
  for (const l of priced.lines)
    key += `|${l.line_id}:${l.item_id}:${l.sku}:${l.base_price}:${l.selling_price}:${l.quantity}:${l.weight_g}:${l.is_return_item}`;
  return key;
}
