/**
 * Incremental pricing (issue 8 §3): re-price a basket after one change (a line added, removed,
 * or its quantity or content changed) without redoing the work of the lines that did not change.
 *
 *   const s0 = startPricing(basketInput, store);           // full validation and pricing
 *   const s1 = repriceBasket(s0, { op: 'add', line }, store, { evaluation_time });
 *   s1.priced, s1.json()                                    // === priceBasket(…) byte for byte
 *
 * What is reused, and why it is safe:
 * - Validation: unchanged lines were validated when they entered; only the changed line and
 *   the basket's own fields (small) are checked again.
 * - Resolution and unit-price formation (`draftLine`): a line's draft depends on the line, the
 *   store data, the channel and — through barcode expiry — the evaluation instant. It is reused
 *   for the same validated line object, the same StoreData object, the same channel and the
 *   same store-local day, and never for GS1 element strings or reduce-to-clear labels (their
 *   expiry is judged to the minute). Quantity limits and regulations are checked every time.
 * - Assembly and JSON: a line whose draft, promotions, basket-level shares, explanation, tax
 *   line and regulation flag are all equal to last time keeps its previous priced line object
 *   and JSON text; the basket's JSON is its head plus the lines' texts.
 * - Not reused: the promotion engine and tax run over the whole basket every time. Promotions
 *   interact across lines (best deal, layers, basket thresholds over every line), so which
 *   lines a change affects is not known before evaluating; the engine is the promotions
 *   module's (see docs/benchmarks.md for what this leaves O(lines)).
 *
 * The result is always equal to full `priceBasket` of the same input: the property test in
 * test/pricing-incremental.property.test.ts checks it byte for byte for random sequences.
 */
import { localDate } from '../barcodes/resolve';
import type { EvaluationResult } from '../promotions/response';
import { TaxLedgerMemo } from '../tax/engine';
import type { TaxLevelLedger, TaxResult } from '../tax/types';
import { joinPricedJson, pricedJsonReplacer } from './json';
import type { Draft, PricingMemo } from './price-basket';
import { priceValidated } from './price-basket';
import type {
  AllocatedDiscount,
  Basket,
  BasketInput,
  BasketLine,
  BasketLineInput,
  LinePromotion,
  PricedBasket,
  PricedLine,
  Refusal,
  StoreData,
} from './types';
import { PricingError, basketInputSchema, basketLineInputSchema } from './types';

/** One change to a basket's lines. `replace` swaps a line's whole input (same line_id, same place). */
export type BasketChange =
  | { op: 'add'; line: BasketLineInput }
  | { op: 'remove'; line_id: string }
  | { op: 'quantity'; line_id: string; quantity: number }
  | { op: 'replace'; line: BasketLineInput };

/** The basket's own fields (everything but its lines), as `BasketInput` has them. */
export type BasketFields = Partial<Omit<BasketInput, 'lines'>>;

/** A priced basket together with what the next incremental pricing reuses. Immutable. */
export interface PricingState {
  /** The validated basket input that was priced. */
  readonly basket: Basket;
  readonly priced: PricedBasket;
  /** Canonical JSON text, identical to `pricedBasketToJson(priced)`. */
  json(): string;
  /** Canonical JSON text of one of `priced.lines` (made once per line object). */
  lineJson(line: PricedLine): string;
  /** The basket's canonical JSON with `"lines":[]` (what is not per line: totals, tax, promotions). */
  headJson(): string;
  /**
   * The lines to write when the basket is stored by parts (a head plus one row per line) and
   * `prev` was stored before: `changed` are this state's line ids, in basket order, that are new
   * or whose `lineJson` differs from prev's line of the same id; `removed` are prev's line ids
   * that are gone. A line kept from prev (the same priced line object) is never compared, so
   * the cost is in the lines that were re-made, not in the basket. `prev` null: every line is
   * changed. Line order is `priced.lines`; `joinPricedJson(headJson(), texts in that order)`
   * equals `json()`.
   */
  changedLines(prev: PricingState | null): LineChanges;
  /**
   * What the promotion engine answered in this pricing (its suggestions: "add 1 more…"), with
   * the lines it was given in order; null when no line went to the engine. Not part of the JSON.
   */
  readonly engine: {
    suggestions: EvaluationResult['suggestions'];
    lines: readonly { line_id: string; item_id: string }[];
  } | null;
}

/** What `PricingState.changedLines` answers. */
export interface LineChanges {
  changed: string[];
  removed: string[];
}

const headSchema = basketInputSchema.omit({ lines: true });

/** What assembling a line depended on, to tell whether the previous priced line still holds. */
interface AssemblyInputs {
  from: Draft;
  explanation: string[];
  promotions: Draft['promotions'];
  basketDiscounts: Draft['basketDiscounts'];
  regulated: boolean;
  tax: TaxResult['lines'][number];
  out: PricedLine;
}

/** Drafts cached for one store data object, channel and store-local day. */
interface DraftCache {
  store: StoreData;
  channel: Basket['channel'];
  day: string;
  drafts: WeakMap<BasketLine, Draft>;
  /** Tax ledger entries of this chain's lines (bound to the store's table and tax config). */
  tax: TaxLedgerMemo;
}

/** Priced lines' JSON texts, shared by every state (a priced line object never changes). */
const lineTexts = new WeakMap<PricedLine, string>();

const lineText = (line: PricedLine, exp: number): string => {
  let t = lineTexts.get(line);
  if (t === undefined) {
    t = JSON.stringify(line, pricedJsonReplacer(exp));
    lineTexts.set(line, t);
  }
  return t;
};

/** Codes whose resolution reads the evaluation instant finer than the day. */
const TIME_BOUND_RULES = new Set(['gs1_element_string', 'reduce_to_clear']);

class State implements PricingState {
  private text: string | null = null;
  private head: string | null = null;
  engine: PricingState['engine'] = null;

  constructor(
    readonly basket: Basket,
    readonly priced: PricedBasket,
    readonly cache: DraftCache,
    readonly assembly: Map<string, AssemblyInputs>,
  ) {}

  lineJson(line: PricedLine): string {
    return lineText(line, this.priced.currency_exponent);
  }

  headJson(): string {
    this.head ??= JSON.stringify(
      { ...this.priced, lines: [] },
      pricedJsonReplacer(this.priced.currency_exponent),
    );
    return this.head;
  }

  json(): string {
    if (this.text === null) {
      const exp = this.priced.currency_exponent;
      this.text = joinPricedJson(
        this.headJson(),
        this.priced.lines.map((l) => lineText(l, exp)),
      );
    }
    return this.text;
  }

  changedLines(prev: PricingState | null): LineChanges {
    const had = new Map<string, PricedLine>();
    if (prev !== null) for (const l of prev.priced.lines) had.set(l.line_id, l);
    const exp = this.priced.currency_exponent;
    const prevExp = prev?.priced.currency_exponent;
    const changed: string[] = [];
    for (const l of this.priced.lines) {
      const p = had.get(l.line_id);
      had.delete(l.line_id);
      if (p === l) continue;
      // A re-made line can come out equal (e.g. a new data version with the same prices): its
      // row need not be written. Both texts are cached per line object, and the new one is
      // what the caller writes anyway.
      if (p !== undefined && lineText(p, prevExp!) === lineText(l, exp)) continue;
      changed.push(l.line_id);
    }
    return { changed, removed: [...had.keys()] };
  }
}

/**
 * The fields of each compared kind, checked at compile time to be all of its type's fields (a
 * field added to the type and not here fails the build, so no field can be missed). Key order
 * needs no check: each kind is made by one object literal (a basket promotion's line record by
 * spreading that literal), so its keys always come in that literal's order.
 */
type Fields<T> = readonly (keyof T)[];
type Covers<T, K extends Fields<T>> = Exclude<keyof T, K[number]> extends never ? K : never;
const fields =
  <T>() =>
  <K extends Fields<T>>(k: Covers<T, K>): Fields<T> =>
    k;
const PROMOTION_FIELDS = fields<LinePromotion>()([
  'promo_id',
  'promo_id_retailer',
  'title',
  'family',
  'layer',
  'discount_apply_type',
  'units',
  'discount',
  'level',
] as const);
const ALLOCATED_FIELDS = fields<AllocatedDiscount>()(['source', 'id', 'label', 'amount'] as const);
const LEVEL_FIELDS = fields<TaxLevelLedger>()([
  'taxCode',
  'taxLevel',
  'retailerTaxLevelId',
  'ratePpm',
  'tableRatePpm',
  'exempt',
  'tax4',
] as const);

/** Field by field over the type's listed fields (no key arrays: they were a sizeable share of a scan's allocation). */
function sameFields<T>(a: T, b: T, keys: Fields<T>): boolean {
  if (a === b) return true;
  for (let i = 0; i < keys.length; i++) if (a[keys[i]!] !== b[keys[i]!]) return false;
  return true;
}

function sameList<T>(a: readonly T[], b: readonly T[], keys: Fields<T>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameFields(a[i]!, b[i]!, keys)) return false;
  return true;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameTax(a: TaxResult['lines'][number], b: TaxResult['lines'][number]): boolean {
  if (
    a.taxCode !== b.taxCode ||
    a.amount4 !== b.amount4 ||
    a.tax4 !== b.tax4 ||
    a.net4 !== b.net4 ||
    a.gross4 !== b.gross4 ||
    a.taxMinor !== b.taxMinor
  )
    return false;
  return sameList(a.levels, b.levels, LEVEL_FIELDS);
}

function price(basket: Basket, store: StoreData, prev: State | null): State {
  const day = localDate(basket.evaluation_time, store.timezone);
  const keep =
    prev !== null &&
    prev.cache.store === store &&
    prev.cache.channel === basket.channel &&
    prev.cache.day === day;
  const cache: DraftCache = keep
    ? prev.cache
    : { store, channel: basket.channel, day, drafts: new WeakMap(), tax: new TaxLedgerMemo() };
  const before = keep ? prev.assembly : null;
  const assembly = new Map<string, AssemblyInputs>();
  const memo: PricingMemo = {
    tax: cache.tax,
    draft(line, make) {
      const tpl = cache.drafts.get(line);
      if (tpl) {
        return {
          ...tpl,
          explanation: tpl.explanation.slice(),
          promotions: [],
          basketDiscounts: [],
          regulated: false,
          from: tpl,
        };
      }
      const r: Draft | Refusal = make();
      if ('code' in r) return r;
      if (r.scan !== null && TIME_BOUND_RULES.has(r.scan.rule)) return r;
      // The template is never handed out itself: every pricing gets a clone to fill in.
      const pristine: Draft = {
        ...r,
        explanation: r.explanation.slice(),
        promotions: [],
        basketDiscounts: [],
      };
      cache.drafts.set(line, pristine);
      return { ...r, from: pristine };
    },
    assembled(d, t, make) {
      const id = d.input.line_id;
      const p = before?.get(id);
      const out =
        p !== undefined &&
        d.from !== null &&
        p.from === d.from &&
        p.regulated === d.regulated &&
        sameStrings(p.explanation, d.explanation) &&
        sameList(p.promotions, d.promotions, PROMOTION_FIELDS) &&
        sameList(p.basketDiscounts, d.basketDiscounts, ALLOCATED_FIELDS) &&
        sameTax(p.tax, t)
          ? p.out
          : make();
      if (d.from !== null)
        assembly.set(id, {
          from: d.from,
          explanation: d.explanation,
          promotions: d.promotions,
          basketDiscounts: d.basketDiscounts,
          regulated: d.regulated,
          tax: t,
          out,
        });
      return out;
    },
  };
  let engine: PricingState['engine'] = null;
  memo.evaluated = (result, lines) => {
    engine = { suggestions: result.suggestions, lines };
  };
  const state = new State(basket, priceValidated(basket, store, memo), cache, assembly);
  state.engine = engine;
  return state;
}

const invalid = (issues: { path: PropertyKey[]; message: string }[], prefix = ''): PricingError =>
  new PricingError('BASKET_INVALID', 'the basket is not valid', {
    issues: issues.map((i) => ({ path: prefix + i.path.map(String).join('.'), message: i.message })),
  });

/** Validates and prices a basket in full; the state it returns prices its next change incrementally. */
export function startPricing(basketInput: unknown, store: StoreData): PricingState {
  const parsed = basketInputSchema.safeParse(basketInput);
  if (!parsed.success) throw invalid(parsed.error.issues);
  return price(parsed.data, store, null);
}

function parseLine(line: BasketLineInput, at: number): BasketLine {
  const r = basketLineInputSchema.safeParse(line);
  if (!r.success) throw invalid(r.error.issues, `lines.${at}.`);
  return r.data;
}

/**
 * Prices `prev`'s basket after `changes` (applied in order), with the basket's own fields
 * updated by `fields` (typically a new evaluation_time). Throws PricingError as priceBasket does
 * (an invalid changed line, an unknown line_id for remove/quantity/replace, a duplicate line_id).
 * `prev` stays valid: a caller that rolls a change back can price again from it.
 */
export function repriceBasket(
  prev: PricingState,
  changes: BasketChange | readonly BasketChange[],
  store: StoreData,
  fields: BasketFields = {},
): PricingState {
  if (!(prev instanceof State)) throw new TypeError('repriceBasket needs a state from startPricing');
  const { lines: _old, ...head } = prev.basket;
  void _old;
  let basketHead: Omit<Basket, 'lines'> = head;
  if (Object.keys(fields).length > 0) {
    const h = headSchema.safeParse({ ...head, ...fields });
    if (!h.success) throw invalid(h.error.issues);
    basketHead = h.data;
  }
  let lines: BasketLine[] = prev.basket.lines;
  const indexOf = (id: string): number => {
    const i = lines.findIndex((l) => l.line_id === id);
    if (i < 0) throw new PricingError('BASKET_INVALID', `no line ${id} in the basket`, { line_id: id });
    return i;
  };
  for (const c of Array.isArray(changes) ? changes : [changes as BasketChange]) {
    if (c.op === 'add') {
      lines = [...lines, parseLine(c.line, lines.length)];
    } else if (c.op === 'remove') {
      const i = indexOf(c.line_id);
      lines = [...lines.slice(0, i), ...lines.slice(i + 1)];
    } else {
      const i = indexOf(c.op === 'quantity' ? c.line_id : c.line.line_id);
      // A quantity change is validated on the line's wire form, exactly as a full pricing would.
      const input: BasketLineInput =
        c.op === 'quantity' ? { ...(lines[i] as BasketLineInput), quantity: c.quantity } : c.line;
      lines = [...lines.slice(0, i), parseLine(input, i), ...lines.slice(i + 1)];
    }
  }
  return price({ ...basketHead, lines }, store, prev);
}
