/**
 * priceBasket: the one pricing pipeline (spec/store.md §4.3 "line price formation", §1.3 B3).
 *
 *   resolve lines → unit prices (snapshot, override, markdown, variable measure)
 *   → promotions (the engine) → basket-level discounts allocated to lines (largest remainder)
 *   → tax → totals, with an explanation per line.
 *
 * Functional core: no clock, no I/O, insertion-ordered maps only, so hub, kiosk and cloud get
 * the same result for the same basket and data version.
 */
import { needsVerification, priceForWeight, resolveScan } from '../barcodes/resolve';
import type { ScanResolution } from '../barcodes/types';
import { QuantityLimiter } from '../catalog/regulations';
import { parseItem, type Item } from '../catalog/schema';
import { formatDecimal, formatMoney, parseDecimal, roundDiv } from '../money';
import { EvaluateRequestError, evaluateBuilt } from '../promotions/evaluate';
import type { BasketItem } from '../promotions/request';
import type { EvaluationResult } from '../promotions/response';
import { BASKET_FAMILIES } from '../promotions/types';
import type { Family } from '../promotions/types';
import { computeTax, formatTaxPercent, type TaxLedgerMemo } from '../tax/engine';
import { TaxError } from '../tax/errors';
import type { TaxExemption, TaxLineKind, TaxResult } from '../tax/types';
import { allocateLargestRemainder } from './allocation';
import type {
  AllocatedDiscount,
  Basket,
  BasketLine,
  BasketPromotionSummary,
  LinePromotion,
  PriceSource,
  PricedBasket,
  PricedLine,
  Refusal,
  RefusalCode,
  StoreData,
} from './types';
import { PricingError, basketInputSchema } from './types';

/** What incremental pricing lends the pipeline (implemented in incremental.ts). */
export interface PricingMemo {
  /** The line's draft: a fresh clone of a cached one when still valid, else `make()`. */
  draft(line: BasketLine, make: () => Draft | Refusal): Draft | Refusal;
  /** The priced line: the previous object when every input of `assemble` is equal, else `make()`. */
  assembled(d: Draft, t: TaxResult['lines'][number], make: () => PricedLine): PricedLine;
  /** Per-line tax ledger entries kept across pricings of one basket (see TaxLedgerMemo). */
  tax?: TaxLedgerMemo;
  /** The engine's result of this pricing and the lines it was given (kiosk hints reuse it). */
  evaluated?(result: EvaluationResult, lines: readonly { line_id: string; item_id: string }[]): void;
}

/** A line after resolution and unit-price formation, before promotions. */
export interface Draft {
  input: BasketLine;
  item: Item;
  scan: ScanResolution | null;
  quantity: number;
  weightG: number | null;
  mrp: bigint;
  sp: bigint;
  measurePrice: bigint | null;
  priceSource: PriceSource;
  sign: 1n | -1n;
  exclusion: PricedLine['promotion_exclusion'];
  sku: string | null;
  explanation: string[];
  promotions: LinePromotion[];
  basketDiscounts: AllocatedDiscount[];
  /** A verification-required product regulation applies. */
  regulated: boolean;
  /** The cached pristine draft this one was cloned from (incremental pricing), else null. */
  from: Draft | null;
}

const refusal = (
  line_id: string,
  code: RefusalCode,
  message: string,
  details: Record<string, unknown> = {},
): Refusal => ({
  line_id,
  code,
  message,
  details,
});

/** Prices a basket. Throws PricingError for input that cannot be priced at all (invalid basket, missing tax code). */
export function priceBasket(basketInput: unknown, store: StoreData): PricedBasket {
  const parsed = basketInputSchema.safeParse(basketInput);
  if (!parsed.success) {
    throw new PricingError('BASKET_INVALID', 'the basket is not valid', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return priceValidated(parsed.data, store, null);
}

/**
 * The pipeline on an already validated basket. With `memo` (incremental pricing, see
 * incremental.ts) unchanged lines reuse their resolved unit price and, where every input of
 * their assembly is equal, their previous priced line object; the output is the same either way.
 */
export function priceValidated(basket: Basket, store: StoreData, memo: PricingMemo | null): PricedBasket {
  const exp = store.currency_exponent ?? 2;
  const fmt = (v: bigint): string => formatMoney(v, exp);
  const ids = new Set<string>();
  for (const l of basket.lines) {
    if (ids.has(l.line_id))
      throw new PricingError('BASKET_INVALID', `duplicate line_id ${l.line_id}`, { line_id: l.line_id });
    ids.add(l.line_id);
  }

  // 1–2. Resolve every line and form its unit price.
  const refusals: Refusal[] = [];
  const drafts: Draft[] = [];
  const unitsPerItem = new Map<string, number>();
  const limiter =
    store.regulations && !store.regulations.isEmpty
      ? new QuantityLimiter(store.regulations, store.catalog, basket.evaluation_time)
      : null;
  for (const line of basket.lines) {
    const r = memo
      ? memo.draft(line, () => draftLine(line, basket, store, exp, fmt))
      : draftLine(line, basket, store, exp, fmt);
    if ('code' in r) {
      refusals.push(r);
      continue;
    }
    if (line.parent_line_id !== null && !drafts.some((d) => d.input.line_id === line.parent_line_id)) {
      refusals.push(
        refusal(line.line_id, 'INVALID_LINE', 'the parent line is not in the basket', {
          parent_line_id: line.parent_line_id,
        }),
      );
      continue;
    }
    if (r.sign > 0n) {
      const max = r.item.max_basket_qty;
      const had = unitsPerItem.get(r.item.item_id) ?? 0;
      const waived = line.limit_override !== undefined && r.quantity <= line.limit_override.max_quantity;
      if (waived) {
        limiter?.count(r.item, r.quantity);
        unitsPerItem.set(r.item.item_id, had + r.quantity);
        if (limiter?.needsVerification(r.item)) r.regulated = true;
        drafts.push(r);
        continue;
      }
      if (max > 0 && had + r.quantity > max) {
        refusals.push(
          refusal(line.line_id, 'QUANTITY_RESTRICTED', `at most ${max} of this item per basket`, {
            item_id: r.item.item_id,
            allowed: Math.max(0, max - had),
          }),
        );
        continue;
      }
      const stop = limiter?.add(r.item, r.quantity);
      if (stop) {
        refusals.push(
          refusal(
            line.line_id,
            'QUANTITY_RESTRICTED',
            stop.regulation.reason || 'a quantity limit applies to this item',
            {
              item_id: r.item.item_id,
              allowed: stop.allowed,
              regulation_id: stop.regulation.regulation_id,
            },
          ),
        );
        continue;
      }
      unitsPerItem.set(r.item.item_id, had + r.quantity);
    }
    if (limiter?.needsVerification(r.item)) r.regulated = true;
    drafts.push(r);
  }

  // 3. Promotions.
  const diagnostics: PricedBasket['diagnostics'] = [];
  const summaries = new Map<string, BasketPromotionSummary>();
  const engineLines = drafts.filter((d) => d.exclusion === null);
  if (store.promotions !== null && engineLines.length > 0) {
    const result = applyPromotions(engineLines, basket, store, exp, fmt, summaries, diagnostics);
    memo?.evaluated?.(
      result,
      engineLines.map((d) => ({ line_id: d.input.line_id, item_id: d.item.item_id })),
    );
  }

  // 4. Manual basket-level discounts (staff, coupons): allocated over item lines still payable.
  for (const md of basket.basket_discounts) {
    const eligible = drafts.filter((d) => d.sign > 0n && d.input.kind === 'item' && payableOf(d) > 0n);
    const base = eligible.reduce((s, d) => s + payableOf(d), 0n);
    if (base === 0n) continue;
    const wanted =
      md.amount !== undefined
        ? parseDecimal(md.amount, exp)
        : roundDiv(base * parseDecimal(md.percent_off!, 2), 10000n);
    const total = wanted > base ? base : wanted;
    if (total === 0n) continue;
    const shares = allocateLargestRemainder(
      total,
      eligible.map((d) => payableOf(d)),
    );
    eligible.forEach((d, i) => {
      const amount = shares[i]!;
      if (amount === 0n) return;
      d.basketDiscounts.push({ source: 'manual', id: md.id, label: md.label, amount });
      // The explanation names this line's share only: the basket's total is in `promotions` and
      // totals, and a line that names it would change with every other line added (issue 8 §3).
      d.explanation.push(
        `basket discount ${md.id}${md.label ? ` "${md.label}"` : ''}: −${fmt(amount)} (this line's share by value)`,
      );
    });
  }

  // 5. Tax.
  const exemption = exemptionFor(basket, store);
  const scale = 10n ** BigInt(4 - exp);
  let tax: TaxResult;
  try {
    tax = computeTax(
      {
        pricesIncludeTax: store.tax.config.pricesIncludeTax,
        rounding: store.tax.config.rounding,
        taxTable: store.tax.table,
        exemption,
        lines: drafts.map((d) => ({
          lineId: d.input.line_id,
          amount4: payableOf(d) * scale,
          taxCode: d.item.tax_code,
          kind: taxKind(d),
          ...(store.tax.config.source === 'item_rate' &&
            d.item.vat_rate_bp !== null && { ratePpm: d.item.vat_rate_bp * 100n }),
        })),
        ...(store.tax.config.defaultTaxCode !== undefined && {
          defaultTaxCode: store.tax.config.defaultTaxCode,
        }),
        codesForSpecialLines: store.tax.config.codesForSpecialLines,
        currencyExponent: exp,
      },
      memo?.tax,
    );
  } catch (err) {
    if (err instanceof TaxError) {
      throw new PricingError(
        err.code === 'TAX_CODE_MISSING' ? 'TAX_CODE_MISSING' : 'PRICING_FAILED',
        err.message,
        err.details,
      );
    }
    throw err;
  }

  // 6. Assemble lines and totals.
  const lines: PricedLine[] = drafts.map((d, i) =>
    memo
      ? memo.assembled(d, tax.lines[i]!, () => assemble(d, tax.lines[i]!, store, fmt))
      : assemble(d, tax.lines[i]!, store, fmt),
  );
  const sum = (f: (l: PricedLine) => bigint): bigint => lines.reduce((s, l) => s + f(l), 0n);
  const totalAfterDiscount = sum((l) => l.payable);
  const totalTax = tax.totalTax;
  const pricesIncludeTax = store.tax.config.pricesIncludeTax;
  const ages = lines
    .filter((l) => l.requires_verification)
    .map((l) => l.minimum_age_required)
    .filter((a): a is number => a !== null && a > 0);
  return {
    basket_id: basket.basket_id,
    store_id: store.store_id,
    evaluation_time: basket.evaluation_time,
    currency_exponent: exp,
    data_version: store.data_version ?? null,
    prices_include_tax: pricesIncludeTax,
    lines,
    refusals,
    totals: {
      total_mrp: sum((l) => (l.is_return_item ? 0n : l.base_price * BigInt(l.quantity))),
      total_gross: sum((l) => l.gross),
      total_item_discount: sum((l) => l.item_discount),
      total_basket_discount: sum((l) => l.basket_discount),
      total_discount: sum((l) => l.total_discount),
      total_after_discount: totalAfterDiscount,
      total_tax: totalTax,
      total_excl_tax: pricesIncludeTax ? totalAfterDiscount - totalTax : totalAfterDiscount,
      total_after_tax: pricesIncludeTax ? totalAfterDiscount : totalAfterDiscount + totalTax,
      total_savings: sum((l) => l.savings),
    },
    tax_breakup: tax.breakup.map((b) => ({
      retailer_tax_level_id: b.retailerTaxLevelId,
      tax_level: b.taxLevel,
      tax_percent: b.taxPercent,
      taxable_basis: b.taxableBasis,
      taxable_amount: b.taxableMinor,
      tax_amount: b.taxMinor,
      exempt: b.exempt,
    })),
    tax_exemption: exemption,
    promotions: [...summaries.values()],
    requires_approval: lines.some((l) => l.requires_verification),
    minimum_age_required: ages.length ? Math.max(...ages) : null,
    diagnostics,
  };
}

/** What the line costs after the discounts known so far (basket-level shares live in basketDiscounts only). */
const payableOf = (d: Draft): bigint =>
  d.sign * d.sp * BigInt(d.quantity) -
  d.promotions.reduce((s, p) => (p.level === 'item' ? s + p.discount : s), 0n) -
  d.basketDiscounts.reduce((s, b) => s + b.amount, 0n);

function taxKind(d: Draft): TaxLineKind {
  if (d.input.kind === 'item') return d.item.is_deposit ? 'deposit' : 'item';
  return d.input.kind;
}

function exemptionFor(basket: Basket, store: StoreData): TaxExemption | null {
  const o = basket.tax_mode_override;
  if (o === null) return null;
  if ('apply_tax' in o) return { exemptTaxCodes: 'ALL', label: 'tax not applied' };
  const prog = store.tax.config.exemptionPrograms.find((p) => p.id === o.exemption_program_id);
  if (!prog) {
    throw new PricingError('BASKET_INVALID', `unknown tax exemption programme ${o.exemption_program_id}`, {
      exemption_program_id: o.exemption_program_id,
    });
  }
  return {
    exemptTaxCodes: prog.exemptTaxCodes,
    programId: prog.id,
    label: prog.label,
    ...(o.reference !== undefined && { reference: o.reference }),
  };
}

function draftLine(
  line: BasketLine,
  basket: Basket,
  store: StoreData,
  exp: number,
  fmt: (v: bigint) => string,
): Draft | Refusal {
  const { catalog } = store;
  const id = line.line_id;
  let item: Item | undefined;
  let scan: ScanResolution | null = null;
  if (line.manual_item !== undefined) {
    const m = line.manual_item;
    const parsed = parseItem(
      {
        item_id: `manual:${id}`,
        product_identifier: line.scanned_code ?? `manual:${id}`,
        item_name: m.item_name,
        base_price: line.amount,
        tax_code: m.tax_code,
      },
      exp,
    );
    if (!parsed.ok)
      return refusal(id, 'INVALID_LINE', 'this manual item cannot be priced', { issues: parsed.issues });
    item = parsed.item;
  } else if (line.scanned_code !== undefined) {
    const out = resolveScan(line.scanned_code, line.symbology ?? null, catalog, store.barcodes, {
      now: basket.evaluation_time,
      timezone: store.timezone,
    });
    // WEIGHT_REQUIRED carries the item: the line's own weight (a scale) prices it below, or
    // the weight branch refuses it with the same code.
    if (!out.ok && !out.needs_weight) {
      const details: Record<string, unknown> = { ...out.error.details };
      if (out.choice) details.item_ids = out.choice.items.map((i) => i.item_id);
      return refusal(id, out.error.code, out.error.message, details);
    }
    scan = out.ok ? out.resolution : out.needs_weight!;
    item = scan.item;
  } else {
    item = catalog.getItem(line.item_id!);
    if (!item) return refusal(id, 'UNKNOWN_ITEM', 'no item has this id', { item_id: line.item_id });
  }

  // Restrictions (§1.3 B4, §9.1).
  const isReturn = line.is_return_item;
  if (isReturn && !store.allow_negative_basket) {
    return refusal(id, 'RETURN_NOT_ALLOWED', 'this store does not take returns in a basket');
  }
  if (!isReturn) {
    if (item.is_item_sold)
      return refusal(id, 'ITEM_ALREADY_SOLD', 'this unique item is already sold', { item_id: item.item_id });
    if (item.not_for_self_checkout && basket.channel === 'self_checkout') {
      return refusal(id, 'RESTRICTED_ITEM', 'this item cannot be sold at a self-checkout', {
        item_id: item.item_id,
      });
    }
    if (store.refuse_age_restricted && needsVerification(item, catalog)) {
      return refusal(id, 'RESTRICTED_AGE', 'this item needs an age check, which this checkout cannot do', {
        item_id: item.item_id,
        minimum_age_required: item.minimum_age_required,
      });
    }
  }

  const explanation: string[] = [];
  const quantity = line.quantity ?? 1;
  let weightG: number | null = null;
  let mrp = item.base_price;
  let sp = item.selling_price;
  let measurePrice: bigint | null = null;
  let source: PriceSource = 'catalog';
  const measured = item.unit_of_measure !== 'each';

  if (line.price_snapshot) {
    mrp = parseDecimal(line.price_snapshot.base_price, exp);
    sp = parseDecimal(line.price_snapshot.selling_price, exp);
    source = 'snapshot';
  }
  if (scan && scan.price_source !== 'catalog') {
    weightG = scan.weight_g;
    if (scan.price_source === 'weight') {
      measurePrice = scan.unit_price;
      sp = scan.line_price;
      mrp = sp;
      source = 'weight';
      explanation.push(
        `weighed ${scan.weight_g} g at ${fmt(scan.unit_price)}/${item.unit_of_measure} = ${fmt(sp)}`,
      );
    } else if (scan.price_source === 'price_embedded') {
      sp = scan.line_price;
      mrp = sp;
      source = 'price_embedded';
      explanation.push(`price printed in the barcode: ${fmt(sp)}`);
    } else {
      sp = scan.unit_price;
      source = 'markdown';
      explanation.push(
        `reduced-to-clear label: ${fmt(scan.markdown?.original_price ?? item.selling_price)} → ${fmt(sp)}`,
      );
    }
  } else if (measured && line.weight_g !== undefined) {
    weightG = line.weight_g;
    measurePrice = item.price_per_unit_measure ?? item.selling_price;
    sp = priceForWeight(item, line.weight_g);
    mrp = sp;
    source = 'weight';
    explanation.push(
      `weighed ${line.weight_g} g at ${fmt(measurePrice)}/${item.unit_of_measure} = ${fmt(sp)}`,
    );
  } else if (line.amount !== undefined) {
    sp = parseDecimal(line.amount, exp);
    mrp = sp;
    source = 'amount';
    explanation.push(`amount entered: ${fmt(sp)}`);
  } else if (measured) {
    return refusal(
      id,
      'WEIGHT_REQUIRED',
      `this item is sold per ${item.unit_of_measure}: weigh it or scan its label`,
      {
        item_id: item.item_id,
      },
    );
  } else {
    explanation.push(`${source === 'snapshot' ? 'price when added' : 'catalogue price'}: ${fmt(sp)}`);
  }
  if ((line.kind === 'donation' || line.kind === 'tip' || line.kind === 'bag') && sp === 0n) {
    return refusal(id, 'PRICE_REQUIRED', 'this line needs an amount', { item_id: item.item_id });
  }

  if (line.price_override) {
    if (!item.allow_price_override) {
      return refusal(id, 'OVERRIDE_NOT_ALLOWED', 'this item does not allow a price override', {
        item_id: item.item_id,
      });
    }
    const o = line.price_override;
    const before = sp;
    sp =
      o.new_unit_price !== undefined
        ? parseDecimal(o.new_unit_price, exp)
        : roundDiv(sp * (10000n - parseDecimal(o.percent_off!, 2)), 10000n);
    source = 'override';
    explanation.push(`price override by ${o.staff_user_id} (${o.reason}): ${fmt(before)} → ${fmt(sp)}`);
  }
  if (line.manual_item)
    explanation.push(
      `not in the catalogue: sold at a price entered by ${line.manual_item.staff_user_id} (${line.manual_item.reason})`,
    );
  if (line.limit_override)
    explanation.push(
      `quantity limit waived by ${line.limit_override.staff_user_id} (${line.limit_override.reason}) for up to ${line.limit_override.max_quantity}`,
    );

  const sign: 1n | -1n = isReturn ? -1n : 1n;
  let exclusion: PricedLine['promotion_exclusion'] = null;
  if (isReturn) exclusion = 'return';
  else if (line.kind !== 'item' || item.is_deposit) exclusion = 'special_line';
  else if (source === 'override' || line.manual_item !== undefined) exclusion = 'override';
  else if (source === 'markdown') exclusion = 'markdown';
  else if (catalog.excludedFromPromotions(item)) exclusion = 'excluded_item';
  else if (sp === 0n) exclusion = 'zero_price';
  if (exclusion !== null && exclusion !== 'zero_price')
    explanation.push(`not offered to promotions (${exclusion.replace('_', ' ')})`);
  if (quantity !== 1 && !measured) explanation.push(`× ${quantity}`);
  if (isReturn) explanation.push('returned goods: negative value');

  const sku =
    store.promotion_sku === 'product_identifier'
      ? item.product_identifier
      : (item.retailer_product_id ?? item.product_identifier);
  return {
    input: line,
    item,
    scan,
    quantity,
    weightG,
    mrp,
    sp,
    measurePrice,
    priceSource: source,
    sign,
    exclusion,
    sku: exclusion === null ? sku : null,
    explanation,
    promotions: [],
    basketDiscounts: [],
    regulated: false,
    from: null,
  };
}

/** Engine request items by the cached draft template they were made from (see applyPromotions). */
const engineItems = new WeakMap<Draft, BasketItem>();

function engineItem(d: Draft, store: StoreData, exp: number): BasketItem {
  return {
    id: d.input.line_id,
    item_id: d.item.item_id,
    sku: d.sku!,
    barcode: d.item.product_identifier,
    mrp: formatMoney(d.mrp, exp),
    sp: formatMoney(d.sp, exp),
    qty: d.quantity,
    // Values quoted per kg apply to the measured weight (spec/promotions.md §7.1).
    ...(d.weightG !== null && { weight: formatDecimal(BigInt(d.weightG), 3) }),
    ...(d.item.pack_size > 1 && { pack_size: d.item.pack_size }),
    categories: store.catalog.promoCategoriesOf(d.item),
    item_type: 'REGULAR' as const,
  };
}

function applyPromotions(
  lines: Draft[],
  basket: Basket,
  store: StoreData,
  exp: number,
  fmt: (v: bigint) => string,
  summaries: Map<string, BasketPromotionSummary>,
  diagnostics: PricedBasket['diagnostics'],
): EvaluationResult {
  const request = {
    store_id: store.store_id,
    customer_id: basket.customer_id,
    evaluation_time: basket.evaluation_time,
    store_timezone: store.timezone,
    special_promos: basket.special_promos,
    basket: {
      id: basket.basket_id,
      items: lines.map((d) => {
        // The request item reads only the draft's resolution fields (line id, item, sku, prices,
        // quantity, weight), which a cached template shares with every clone made from it
        // (clones differ only in explanation, promotions, basket shares and the regulated flag),
        // and the store's catalogue and exponent, fixed for the template's store. So the item
        // made for a template holds for every later pricing of its clones; the engine only reads
        // request items (it builds its own units from them).
        if (d.from === null) return engineItem(d, store, exp);
        let it = engineItems.get(d.from);
        if (it === undefined) engineItems.set(d.from, (it = engineItem(d, store, exp)));
        return it;
      }),
    },
  };
  let result: EvaluationResult;
  try {
    // Built here from validated lines: no second zod pass over them (only special_promos are checked).
    result = evaluateBuilt(request, store.promotions ?? [], {
      exponent: exp,
      defaultTimezone: store.timezone,
    }).result;
  } catch (err) {
    if (err instanceof EvaluateRequestError) {
      // Only special_promos come from the basket unchecked; everything else is built here.
      throw new PricingError('BASKET_INVALID', err.message, { issues: err.issues });
    }
    throw new PricingError('PRICING_FAILED', `promotion evaluation failed: ${(err as Error).message}`);
  }
  for (const dg of result.diagnostics) diagnostics.push({ ...dg });

  // Item-level promotions: the engine's per-unit discounts, summed per line.
  // Basket-level (b/t) promotions: the promotion's total, re-spread over the lines it touched
  // by largest remainder on their value before it (store.md §4.4 Example E).
  interface BasketPromo {
    title: string;
    rec: LinePromotion;
    total: bigint;
    perLine: Map<number, { weight: bigint; engine: bigint; units: number }>;
  }
  const basketPromos = new Map<string, BasketPromo>();
  // The record of a promotion on a line: made once per promotion and line (not once per unit).
  const recordOf = (
    r: (typeof result.lines)[number]['units'][number]['records'][number],
    basketLevel: boolean,
  ): LinePromotion => ({
    promo_id: r.promoId,
    promo_id_retailer: r.promoIdRetailer,
    title: r.title,
    family: r.family,
    layer: r.layer,
    discount_apply_type: r.discountApplyType,
    units: 0,
    discount: 0n,
    level: basketLevel ? 'basket' : 'item',
  });
  result.lines.forEach((lr, i) => {
    const d = lines[i]!;
    // Most lines carry no item promotion: the map is made for the first one.
    let item: Map<string, LinePromotion> | null = null;
    for (const u of lr.units) {
      for (const r of u.records) {
        const basketLevel = BASKET_FAMILIES.has(r.family as Family);
        // A basket promotion's receiver that the engine's rounding left at 0 still shares in the re-spread.
        if (r.discount === 0n && !(basketLevel && r.role === 'target')) continue;
        let sum = summaries.get(r.promoId);
        if (sum === undefined) {
          sum = {
            promo_id: r.promoId,
            promo_id_retailer: r.promoIdRetailer,
            title: r.title,
            family: r.family,
            discount_apply_type: r.discountApplyType,
            discount: 0n,
          };
          summaries.set(r.promoId, sum);
        }
        sum.discount += r.discount;
        if (!basketLevel) {
          item ??= new Map();
          let lp = item.get(r.promoId);
          if (lp === undefined) item.set(r.promoId, (lp = recordOf(r, false)));
          lp.units += 1;
          lp.discount += r.discount;
        } else {
          let bp = basketPromos.get(r.promoId);
          if (bp === undefined)
            basketPromos.set(
              r.promoId,
              (bp = { title: r.title, rec: recordOf(r, true), total: 0n, perLine: new Map() }),
            );
          bp.total += r.discount;
          let pl = bp.perLine.get(i);
          if (pl === undefined) bp.perLine.set(i, (pl = { weight: 0n, engine: 0n, units: 0 }));
          pl.weight += r.finalPrice + r.discount;
          pl.engine += r.discount;
          pl.units += 1;
        }
      }
    }
    if (item !== null)
      for (const lp of item.values()) {
        d.promotions.push(lp);
        d.explanation.push(
          `promotion ${lp.promo_id_retailer || lp.promo_id} "${lp.title}" (${lp.family}, layer ${lp.layer}): −${fmt(lp.discount)} on ${lp.units} unit${lp.units === 1 ? '' : 's'}`,
        );
      }
  });

  const allocations = new Map<string, Map<number, bigint>>();
  for (const [id, bp] of basketPromos) {
    const idx = [...bp.perLine.keys()];
    const shares = allocateLargestRemainder(
      bp.total,
      idx.map((i) => bp.perLine.get(i)!.weight),
    );
    allocations.set(id, new Map(idx.map((i, k) => [i, shares[k]!])));
  }
  // A re-spread share can exceed what the engine left on a line when a later layer also
  // discounted it; then keep the engine's own per-unit split for every basket promotion.
  const itemDisc = lines.map((d) => d.promotions.reduce((s, p) => s + p.discount, 0n));
  const spread = lines.map((d, i) => {
    let b = 0n;
    for (const a of allocations.values()) b += a.get(i) ?? 0n;
    return d.sp * BigInt(d.quantity) - itemDisc[i]! - b;
  });
  const useEngine = spread.some((v) => v < 0n);
  if (useEngine) {
    diagnostics.push({
      code: 'BASKET_ALLOCATION_ENGINE_SPLIT',
      message: 'largest-remainder allocation would leave a line negative; the engine split is kept',
    });
  }
  for (const [id, bp] of basketPromos) {
    for (const [i, pl] of bp.perLine) {
      const amount = useEngine ? pl.engine : allocations.get(id)!.get(i)!;
      if (amount === 0n) continue;
      const d = lines[i]!;
      d.promotions.push({ ...bp.rec, units: pl.units, discount: amount });
      d.basketDiscounts.push({ source: 'promotion', id, label: bp.title, amount });
      d.explanation.push(
        `basket promotion ${bp.rec.promo_id_retailer || id} "${bp.title}" (${bp.rec.family}): −${fmt(amount)}, this line's share allocated by line value`,
      );
    }
  }
  return result;
}

function assemble(
  d: Draft,
  t: TaxResult['lines'][number],
  store: StoreData,
  fmt: (v: bigint) => string,
): PricedLine {
  const gross = d.sign * d.sp * BigInt(d.quantity);
  const itemDiscount = d.promotions.filter((p) => p.level === 'item').reduce((s, p) => s + p.discount, 0n);
  const basketDiscount = d.basketDiscounts.reduce((s, b) => s + b.amount, 0n);
  const totalDiscount = itemDiscount + basketDiscount;
  const payable = gross - totalDiscount;
  const mrpTotal = d.mrp * BigInt(d.quantity);
  const savings = d.sign < 0n ? 0n : mrpTotal - payable > 0n ? mrpTotal - payable : 0n;
  const explanation = [...d.explanation];
  for (const lv of t.levels) {
    explanation.push(
      `tax ${t.taxCode ?? '-'} ${lv.retailerTaxLevelId} ${formatTaxPercent(lv.ratePpm)}%${lv.exempt ? ' (exempt)' : ''}: ${formatDecimal(lv.tax4, 4)} ${store.tax.config.pricesIncludeTax ? 'included' : 'added'}`,
    );
  }
  explanation.push(`payable ${fmt(payable)}`);
  const labels = [...new Set(d.promotions.map((p) => p.title).filter((s) => s.length > 0))];
  if (d.priceSource === 'markdown') labels.push('Reduced');
  return {
    line_id: d.input.line_id,
    kind: d.input.kind,
    item_id: d.item.item_id,
    item_name: d.item.item_name,
    product_identifier: d.item.product_identifier,
    retailer_product_id: d.item.retailer_product_id,
    sku: d.sku,
    scanned_code: d.scan?.code ?? null,
    scan_rule: d.scan?.rule ?? null,
    symbology: d.scan?.symbology ?? null,
    parent_line_id: d.input.parent_line_id,
    is_return_item: d.sign < 0n,
    unit_of_measure: d.item.unit_of_measure,
    quantity: d.quantity,
    weight_g: d.weightG,
    base_price: d.mrp,
    selling_price: d.sp,
    unit_price: d.sp,
    price_source: d.priceSource,
    measure_price: d.measurePrice,
    gross,
    promotions: d.promotions,
    item_discount: itemDiscount,
    basket_discounts: d.basketDiscounts,
    basket_discount: basketDiscount,
    total_discount: totalDiscount,
    payable,
    savings,
    promotion_exclusion: d.exclusion,
    tax: {
      tax_code: t.taxCode,
      amount4: t.amount4,
      tax4: t.tax4,
      net4: t.net4,
      gross4: t.gross4,
      tax: t.taxMinor,
      levels: t.levels.map((lv) => ({
        retailer_tax_level_id: lv.retailerTaxLevelId,
        tax_level: lv.taxLevel,
        tax_percent: formatTaxPercent(lv.ratePpm),
        exempt: lv.exempt,
        tax4: lv.tax4,
      })),
    },
    // Goods coming back need no age check.
    requires_verification: d.sign > 0n && (d.regulated || needsVerification(d.item, store.catalog)),
    minimum_age_required: d.item.minimum_age_required,
    expiry: d.scan?.expiry ?? null,
    batch: d.scan?.batch ?? null,
    labels,
    explanation,
  };
}
