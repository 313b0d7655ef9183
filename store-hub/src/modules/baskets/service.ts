/**
 * Kiosk sessions and baskets (spec/store.md §1.3, §2.1). Every change re-prices the basket
 * with promo-core inside the same write transaction and bumps its version; a refused line
 * (unknown code, quantity limit…) changes nothing. Kiosks hear about changes after commit.
 */
import type { Db } from '../../platform/db/database';
import type { Tx } from '../../platform/db/tx';
import type { AnswerReferrer } from '../../platform/http/idempotency';
import type { ErrorCode } from '../../platform/errors';
import { HubError, isErrorCode } from '../../platform/errors';
import { newId, nowIso } from '../../platform/ids';
import type { Bus } from '../../platform/live/bus';
import type {
  BasketChange,
  BasketInput,
  BasketLineInput,
  PricedBasket,
  PricedLine,
  PricingState,
} from '../catalog/pricing';
import type { LineResolution } from '../catalog/pricing';
import {
  formatMoney,
  isPricingError,
  joinPricedJson,
  price,
  pricedToJson,
  repriceBasket,
  resolveLine,
  startPricing,
} from '../catalog/pricing';
import type { StoreConfig } from '../catalog/store-config';
import type { StoreDataCache } from '../catalog/store-data';
import type { PairedClient } from '../clients/repo';
import type { Interventions } from '../interventions/service';
import type { BasketHead } from './repo';
import { BasketRepo } from './repo';
import type { AddLine, Basket, BasketDelta } from './schemas';
import { enqueueOutbox } from '../../outbox';

/** promo-core refusal → the hub's code for it (the rest pass through under their own names). */
const REFUSAL_CODE: Record<string, ErrorCode> = {
  UNKNOWN_BARCODE: 'ITEM_NOT_FOUND',
  UNKNOWN_ITEM: 'ITEM_NOT_FOUND',
  BAD_CHECK_DIGIT: 'INVALID_BARCODE',
  MALFORMED: 'INVALID_BARCODE',
};
/** A stored line: promo-core's line input plus the hub's merge key (promo-core ignores it). */
type StoredLine = BasketLineInput & { merge_key?: string };

/**
 * A basket's priced state at one version, kept in memory so a scan neither reads nor parses
 * the 30–80 KB priced JSON back, nor re-prices unchanged lines: promo-core's incremental
 * pricing state, what the priced-line table holds for it, the stored line inputs in order,
 * and — made on first use — the whole JSON, the parsed JSON and the lines' JSON. The version
 * is the basket row's, bumped by every pricing, so an entry is valid exactly while the row is
 * at that version; the priced JSON itself carries the data version it was priced with. After
 * a restart (or eviction) the first read takes the stored parts (`pricing` null) and the next
 * change prices in full once.
 */
interface PricedState {
  version: number;
  /** The pricing the priced JSON is made from (null: `json` holds the stored text). */
  pricing: PricingState | null;
  /**
   * Whether the next change may re-price incrementally from `pricing`: not after a pricing
   * error (the stored lines moved on without it) — the priced JSON is still this pricing's.
   */
  reusable: boolean;
  /** What basket_priced_lines holds at this version, by line id (a scan writes the difference). */
  parts: ReadonlyMap<string, StoredPart>;
  /** The stored line inputs, in order (null: read them from the table). */
  stored: StoredLine[] | null;
  json: string | null;
  obj: Basket['priced'] | null;
  lines: Map<string, string> | null;
}
/**
 * One priced line's row: its position and text, and the priced line object it was made from
 * (null when read from the table) — promo-core keeps that object for a line whose pricing did
 * not change, so an unchanged line is recognised without comparing text.
 */
interface StoredPart {
  readonly pos: number;
  readonly text: string;
  readonly line: PricedLine | null;
}
/** Enough for every kiosk of a large store several times over; the oldest entries go first. */
const MAX_CACHED_BASKETS = 2000;
/** Basket edits commit at synchronous=NORMAL (README "Durability"): a kiosk can scan again. */
const RELAXED = { relaxed: true } as const;

type ParsedLine = NonNullable<Basket['priced']['lines']>[number];
/** Parsed JSON of priced lines, shared by every basket version that still has the line. */
const parsedLines = new WeakMap<PricedLine, ParsedLine>();

export const refusalCode = (code: string): ErrorCode =>
  REFUSAL_CODE[code] ?? (isErrorCode(code) ? code : 'INVALID_LINE');

export class Baskets {
  readonly repo: BasketRepo;
  private readonly states = new Map<string, PricedState>();

  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
    private readonly store: StoreDataCache,
    private readonly bus: Bus,
    private readonly interventions: Interventions,
    /** Basket-level inputs from extensions (staff discounts…), merged into every pricing input. */
    private readonly adjustments: (basketId: string) => Partial<BasketInput> = () => ({}),
  ) {
    this.repo = new BasketRepo(db);
    interventions.onReject(
      (basketId) => this.removeRestricted(basketId),
      (basketId, deviceId) => this.bus.emitTo(deviceId, 'basket.updated', this.liveView(basketId)),
    );
  }

  startSession(device: PairedClient, customer: unknown): { session_id: string; basket: Basket } {
    return this.tx.run(() => {
      const session_id = newId();
      this.repo.startSession(session_id, device.device_id, customer, nowIso());
      return { session_id, basket: this.createBasketTx(device, session_id) };
    });
  }

  createBasket(device: PairedClient, sessionId: string | null): Basket {
    return this.tx.run(() => this.createBasketTx(device, sessionId));
  }

  private createBasketTx(device: PairedClient, sessionId: string | null): Basket {
    this.store.config(); // refuses when the store is not configured
    if (sessionId !== null && this.repo.sessionOwner(sessionId) !== device.device_id)
      throw new HubError('NOT_FOUND', `session ${sessionId} not found`, { session_id: sessionId });
    // One active basket per kiosk (§2.1 B1): a new shopper's basket expires the previous one.
    const now = nowIso();
    for (const old of this.repo.activeBaskets(device.device_id)) this.repo.expire(old, now);
    const basket_id = newId();
    this.repo.insert(basket_id, device.device_id, sessionId, now);
    this.reprice(basket_id);
    return this.view(basket_id);
  }

  private row(basketId: string): BasketHead {
    const r = this.repo.head(basketId);
    if (!r) throw new HubError('NOT_FOUND', `basket ${basketId} not found`, { basket_id: basketId });
    return r;
  }

  /** The priced state at `version` (the row's current one): from memory, else read once. */
  private pricedState(basketId: string, version: number): PricedState {
    const hit = this.states.get(basketId);
    if (hit && hit.version === version) return hit;
    return this.remember(basketId, this.loadState(basketId));
  }

  /** The priced state as stored: the head with its lines spliced in, or a pre-0007 whole JSON. */
  private loadState(basketId: string): PricedState {
    const row = this.repo.storedPriced(basketId);
    if (!row) throw new HubError('NOT_FOUND', `basket ${basketId} not found`, { basket_id: basketId });
    const parts = new Map<string, StoredPart>();
    if (row.head !== null)
      for (const l of row.lines) parts.set(l.line_id, { pos: l.pos, text: l.json, line: null });
    return {
      version: row.version,
      pricing: null,
      reusable: false,
      parts,
      stored: null,
      json:
        row.head === null
          ? row.whole
          : joinPricedJson(
              row.head,
              row.lines.map((l) => l.json),
            ),
      obj: null,
      lines: null,
    };
  }

  private jsonOf(st: PricedState): string {
    st.json ??= st.pricing!.json();
    return st.json;
  }

  /**
   * Writes `pricing` by parts: the head always (totals, evaluation time…), a line only when it
   * is new, priced differently or out of place, and removes the rows of lines that went. What
   * the table holds is the in-memory state one version back, or — after a restart or an
   * eviction — read from the table once. Returns what the table holds now.
   */
  private storeParts(
    basketId: string,
    pricing: PricingState,
  ): { version: number; parts: Map<string, StoredPart> } {
    const version = this.repo.storePricedHead(
      basketId,
      pricing.headJson(),
      pricing.priced.requires_approval,
      nowIso(),
    );
    const prior = this.states.get(basketId);
    const had: ReadonlyMap<string, StoredPart> =
      prior && prior.version === version - 1
        ? prior.parts
        : new Map(
            this.repo.pricedParts(basketId).map((l) => [l.line_id, { pos: l.pos, text: l.json, line: null }]),
          );
    const parts = new Map<string, StoredPart>();
    // Positions only ever grow along the basket, so ORDER BY pos is the line order; a line that
    // keeps its place keeps its position (adds append, a removal leaves a gap).
    let last = 0;
    for (const line of pricing.priced.lines) {
      const id = line.line_id;
      const was = had.get(id);
      const inPlace = was !== undefined && was.pos > last;
      let part: StoredPart;
      if (inPlace && was.line === line) part = was;
      else {
        const text = pricing.lineJson(line);
        if (inPlace && was.text === text) part = { pos: was.pos, text, line };
        else {
          part = { pos: inPlace ? was.pos : last + 1, text, line };
          this.repo.putPart(basketId, id, part.pos, text);
        }
      }
      parts.set(id, part);
      last = part.pos;
    }
    for (const id of had.keys()) if (!parts.has(id)) this.repo.dropPart(basketId, id);
    return { version, parts };
  }

  /** The stored line inputs at this state (one read of the table when not in memory). */
  private storedLines(basketId: string, st: PricedState): StoredLine[] {
    st.stored ??= this.repo.lines(basketId) as StoredLine[];
    return st.stored;
  }

  /**
   * Prices `next` (the basket's lines after `changes`) from `base`: incrementally when the
   * base's pricing state is in memory and was made with the current store data, else in full.
   * Either way the result is what full pricing of `next` gives (promo-core's property test).
   */
  private priceChange(
    basketId: string,
    base: PricedState,
    changes: BasketChange[],
    next: StoredLine[],
  ): PricingState {
    const { lines: _lines, ...fields } = this.basketInput(basketId, next);
    void _lines;
    const store = this.store.storeData();
    try {
      return base.pricing && base.reusable
        ? repriceBasket(base.pricing, changes, store, fields)
        : startPricing({ ...fields, lines: next }, store);
    } catch (err) {
      if (isPricingError(err)) throw new HubError(err.code, err.message, err.details);
      throw err;
    }
  }

  private remember(basketId: string, st: PricedState): PricedState {
    this.states.delete(basketId);
    this.states.set(basketId, st);
    if (this.states.size > MAX_CACHED_BASKETS) this.states.delete(this.states.keys().next().value!);
    // A rolled-back pricing must not leave its version behind (the row stays at the old one).
    this.tx.onRollback(() => {
      if (this.states.get(basketId) === st) this.states.delete(basketId);
    });
    return st;
  }

  private pricedObj(st: PricedState): Basket['priced'] {
    if (!st.obj && st.pricing) {
      // From the pricing state: only the head and the lines not parsed before are parsed (a
      // priced line object is immutable, so its parsed JSON is shared by every later version).
      const p = st.pricing;
      const head = JSON.parse(p.headJson()) as Basket['priced'];
      head.lines = p.priced.lines.map((l) => {
        let j = parsedLines.get(l);
        if (!j) parsedLines.set(l, (j = JSON.parse(p.lineJson(l)) as ParsedLine));
        return j;
      });
      st.obj = head;
    }
    st.obj ??= JSON.parse(this.jsonOf(st)) as Basket['priced'];
    return st.obj;
  }

  /** The basket, checked to belong to the device (a lane device may reach its kiosk's; staff any). */
  owned(device: PairedClient | null, basketId: string): BasketHead {
    const r = this.row(basketId);
    if (device && r.device_id !== device.device_id && device.lane_device_id !== r.device_id)
      throw new HubError('NOT_FOUND', `basket ${basketId} not found`, { basket_id: basketId });
    return r;
  }

  private mutable(device: PairedClient, basketId: string, expectedVersion: number | undefined): BasketHead {
    const r = this.owned(device, basketId);
    if (r.state === 'expired')
      throw new HubError('BASKET_EXPIRED', 'the basket has expired; start a new one', {
        basket_id: basketId,
      });
    if (r.state !== 'active')
      throw new HubError('BASKET_CHECKED_OUT', 'the basket is in checkout; abort the payment to change it', {
        basket_id: basketId,
      });
    if (expectedVersion !== undefined && expectedVersion !== r.version)
      throw new HubError(
        'BASKET_VERSION_CONFLICT',
        `basket is at version ${r.version}, not ${expectedVersion}`,
        {
          current_version: r.version,
        },
      );
    return r;
  }

  basketInput(basketId: string, lines: BasketLineInput[]): BasketInput {
    return {
      ...this.adjustments(basketId),
      basket_id: basketId,
      evaluation_time: nowIso(),
      channel: 'self_checkout',
      lines,
    };
  }

  /**
   * Prices the basket as stored (in full, from the table) or records `already` (priced from
   * `stored`, the lines just written); records the result or the pricing error (checkout is
   * then blocked).
   */
  reprice(basketId: string, already?: { pricing: PricingState; stored: StoredLine[] }): PricedBasket | null {
    try {
      let pricing = already?.pricing;
      let stored = already?.stored ?? null;
      if (!pricing) {
        stored = this.repo.lines(basketId) as StoredLine[];
        pricing = startPricing(this.basketInput(basketId, stored), this.store.storeData());
      }
      // promo-core's texts are stored as they are, by parts; the whole JSON text is made only
      // if someone reads it (a delta answer does not).
      const { version, parts } = this.storeParts(basketId, pricing);
      this.remember(basketId, {
        version,
        pricing,
        reusable: true,
        parts,
        stored,
        json: null,
        obj: null,
        lines: null,
      });
      return pricing.priced;
    } catch (err) {
      if (!isPricingError(err)) throw err;
      const prior = this.states.get(basketId);
      const version = this.repo.storePricingError(basketId, JSON.stringify(err.toJSON().error), nowIso());
      // The priced JSON is unchanged by a pricing error; only the version moved on (and the
      // lines may have: they are read again, and the next change prices in full). A prior
      // state is carried over only if it is the one just superseded.
      if (prior?.version === version - 1)
        this.remember(basketId, { ...prior, version, reusable: false, stored: null });
      else this.states.delete(basketId);
      return null;
    }
  }

  /**
   * The basket for a live event, built when it is sent: its priced JSON is parsed only if some
   * socket still takes whole baskets (kiosks on the delta answers take `basket.version`).
   */
  private liveView(basketId: string): Basket {
    const r = this.row(basketId);
    const st = this.pricedState(basketId, r.version);
    const approval = this.interventions.repo.latestAgeCheck(basketId);
    const view = {
      basket_id: r.basket_id,
      device_id: r.device_id,
      session_id: r.session_id,
      state: r.state,
      version: r.version,
      requires_approval: r.requires_approval === 1,
      approval,
      pricing_error: r.pricing_error ? (JSON.parse(r.pricing_error) as unknown) : null,
      priced: null as unknown as Basket['priced'],
      updated_at: r.updated_at,
    };
    Object.defineProperty(view, 'priced', { enumerable: true, get: () => this.pricedObj(st) });
    return view;
  }

  view(basketId: string): Basket {
    const r = this.row(basketId);
    return {
      basket_id: r.basket_id,
      device_id: r.device_id,
      session_id: r.session_id,
      state: r.state,
      version: r.version,
      requires_approval: r.requires_approval === 1,
      approval: this.interventions.repo.latestAgeCheck(basketId),
      pricing_error: r.pricing_error ? (JSON.parse(r.pricing_error) as unknown) : null,
      priced: this.pricedObj(this.pricedState(basketId, r.version)),
      updated_at: r.updated_at,
    };
  }

  /**
   * What changed between version `base` (its priced state, taken before the change) and the
   * basket now: the lines that are new or priced differently, the ones that went, the line
   * order, and everything else of the priced basket (totals, promotions, tax) in full.
   */
  delta(basketId: string, base: PricedState, lineId?: string): BasketDelta {
    const r = this.row(basketId);
    const now = this.pricedState(basketId, r.version);
    if (base.pricing && now.pricing) return this.deltaOf(r, base.pricing, now.pricing, base.version, lineId);
    const before = this.lineJson(base);
    const after = this.lineJson(now);
    const full = this.pricedObj(now);
    const lines = full.lines ?? [];
    // `lines: []` keeps the key where it was, so the applied basket is byte for byte the full one.
    const rest = { ...full, ...(full.lines ? { lines: [] } : {}) };
    return {
      basket_id: r.basket_id,
      version: r.version,
      base_version: base.version,
      state: r.state,
      requires_approval: r.requires_approval === 1,
      approval: this.interventions.repo.latestAgeCheck(basketId),
      pricing_error: r.pricing_error ? (JSON.parse(r.pricing_error) as unknown) : null,
      updated_at: r.updated_at,
      ...(lineId !== undefined ? { line_id: lineId } : {}),
      line_ids: lines.map((l) => l.line_id),
      changed_lines: lines.filter((l) => before.get(l.line_id) !== after.get(l.line_id)),
      removed_line_ids: [...before.keys()].filter((id) => !after.has(id)),
      priced: rest,
    };
  }

  /**
   * The delta from two pricing states: promo-core keeps the priced line object of a line whose
   * pricing did not change, so changed lines are found by identity and only they (and the
   * basket's head: totals, tax, promotions) are turned into JSON — work in the change, not the
   * basket. A re-made line that came out equal is sent too (harmless: the client replaces it).
   */
  private deltaOf(
    r: BasketHead,
    base: PricingState,
    now: PricingState,
    baseVersion: number,
    lineId: string | undefined,
  ): BasketDelta {
    const had = new Map<string, PricedLine>();
    for (const l of base.priced.lines) had.set(l.line_id, l);
    const changed: unknown[] = [];
    const ids: string[] = [];
    for (const l of now.priced.lines) {
      ids.push(l.line_id);
      if (had.get(l.line_id) !== l) {
        let j = parsedLines.get(l);
        if (!j) parsedLines.set(l, (j = JSON.parse(now.lineJson(l)) as ParsedLine));
        changed.push(j);
      }
      had.delete(l.line_id);
    }
    return {
      basket_id: r.basket_id,
      version: r.version,
      base_version: baseVersion,
      state: r.state,
      requires_approval: r.requires_approval === 1,
      approval: this.interventions.repo.latestAgeCheck(r.basket_id),
      pricing_error: r.pricing_error ? (JSON.parse(r.pricing_error) as unknown) : null,
      updated_at: r.updated_at,
      ...(lineId !== undefined ? { line_id: lineId } : {}),
      line_ids: ids,
      changed_lines: changed as BasketDelta['changed_lines'],
      removed_line_ids: [...had.keys()],
      priced: JSON.parse(now.headJson()) as BasketDelta['priced'],
    };
  }

  private lineJson(st: PricedState): Map<string, string> {
    if (!st.lines) {
      const lines = (this.pricedObj(st) as { lines?: { line_id: string }[] }).lines ?? [];
      st.lines = new Map(lines.map((l) => [l.line_id, JSON.stringify(l)]));
    }
    return st.lines;
  }

  /** The priced state a mutation starts from (for its delta answer). */
  private baseOf(r: BasketHead): PricedState {
    return this.pricedState(r.basket_id, r.version);
  }

  get(device: PairedClient | null, basketId: string): Basket {
    this.owned(device, basketId);
    return this.view(basketId);
  }

  /**
   * The basket's priced JSON at its current version, parsed (from memory, else rebuilt from the
   * stored parts once) — for readers outside this module (console lanes, assistance queue).
   * Shared with later reads: do not change it.
   */
  pricedOf(basketId: string): Basket['priced'] {
    return this.pricedObj(this.pricedState(basketId, this.row(basketId).version));
  }

  /**
   * Basket answers are stored in the idempotency table as a reference to the basket row (the
   * row already holds the priced JSON; a copy was 34–82 KB per scan). A repeat gets the basket
   * as it is now, with the same line_id.
   */
  answerReferrer(): AnswerReferrer {
    const isBasket = (x: unknown): x is Basket =>
      typeof x === 'object' &&
      x !== null &&
      typeof (x as Basket).basket_id === 'string' &&
      typeof (x as Basket).device_id === 'string' &&
      typeof (x as Basket).version === 'number' &&
      'priced' in x;
    return {
      kind: 'basket',
      refer: (body) => {
        const data = (body as { data?: unknown } | null)?.data as
          | (Basket & { basket?: unknown; line_id?: unknown })
          | { basket?: unknown; line_id?: unknown }
          | undefined;
        if (!data) return null;
        if (isBasket(data)) return { basket_id: data.basket_id };
        if (isBasket(data.basket) && typeof data.line_id === 'string' && Object.keys(data).length === 2)
          return { basket_id: data.basket.basket_id, line_id: data.line_id };
        return null;
      },
      resolve: (ref) => {
        const basket = this.view(String(ref.basket_id));
        return { data: typeof ref.line_id === 'string' ? { basket, line_id: ref.line_id } : basket };
      },
    };
  }

  /** Resolves and prices one code without adding it (GET /v1/scan). */
  scan(code: string, symbology: string | undefined): unknown {
    const line = {
      line_id: 'scan',
      scanned_code: code,
      ...(symbology ? { symbology } : {}),
    } as BasketLineInput;
    const priced = this.priceOrThrow({ basket_id: 'scan', evaluation_time: nowIso(), lines: [line] });
    this.throwRefusal(priced, 'scan');
    return (pricedToJson(priced) as { lines: unknown[] }).lines[0];
  }

  private priceOrThrow(input: BasketInput): PricedBasket {
    try {
      return price(input, this.store.storeData());
    } catch (err) {
      if (isPricingError(err)) throw new HubError(err.code, err.message, err.details);
      throw err;
    }
  }

  private throwRefusal(priced: PricedBasket, lineId: string): void {
    const refusal = priced.refusals.find((x) => x.line_id === lineId);
    if (!refusal) return;
    throw new HubError(refusalCode(refusal.code), refusal.message, {
      ...refusal.details,
      refusal: refusal.code,
    });
  }

  private checkQuantity(q: number): void {
    const max = this.store.config().max_line_quantity;
    if (q > max) throw new HubError('QUANTITY_OUT_OF_RANGE', `quantity must be 1..${max}`, { allowed: max });
  }

  /**
   * Adds a scanned code. A repeat scan of the same item at the same snapshot price adds to its
   * line (B4) — merged on the resolved item, not the raw code, so `…17`, `…17\r\n` and the
   * item's other barcodes are one line; weighed, marked-down and price-embedded codes always
   * make a line of their own.
   */
  addLine(device: PairedClient, basketId: string, req: AddLine): { basket: Basket; line_id: string } {
    return this.tx.run(() => {
      const { lineId } = this.addLineTx(device, basketId, req);
      return { basket: this.view(basketId), line_id: lineId };
    }, RELAXED);
  }

  /** addLine with the small answer: what changed since the version the kiosk had. */
  addLineDelta(device: PairedClient, basketId: string, req: AddLine): BasketDelta {
    return this.tx.run(() => {
      const { lineId, base } = this.addLineTx(device, basketId, req);
      return this.delta(basketId, base, lineId);
    }, RELAXED);
  }

  private addLineTx(
    device: PairedClient,
    basketId: string,
    req: AddLine,
  ): { lineId: string; base: PricedState } {
    const cfg = this.store.config();
    this.checkQuantity(req.quantity);
    const base = this.baseOf(this.mutable(device, basketId, req.basket_version));
    const lines = this.storedLines(basketId, base);
    const res = resolveLine(req.code, req.symbology, this.store.storeData(), nowIso());
    if (res) this.checkWeight(res, req.weight_g, cfg);
    const mergeKey =
      res &&
      !res.measured &&
      res.catalog_price &&
      res.embedded_weight_g === null &&
      req.weight_g === undefined
        ? `${res.item_id}|${res.snapshot.base_price}|${res.snapshot.selling_price}`
        : null;
    const same =
      mergeKey !== null
        ? lines.find((l) => l.merge_key === mergeKey && !l.parent_line_id)
        : req.weight_g === undefined && !res
          ? lines.find(
              (l) => l.merge_key === undefined && l.scanned_code === req.code && l.weight_g === undefined,
            )
          : undefined;
    let lineId: string;
    let next: StoredLine[];
    let change: BasketChange;
    if (same) {
      lineId = same.line_id;
      const q = (same.quantity ?? 1) + req.quantity;
      this.checkQuantity(q);
      next = lines.map((l) => (l.line_id === lineId ? { ...l, quantity: q } : l));
      change = { op: 'quantity', line_id: lineId, quantity: q };
    } else {
      if (lines.length >= cfg.max_basket_lines)
        throw new HubError(
          'BASKET_LINE_LIMIT',
          `this basket has reached ${cfg.max_basket_lines} lines, the most a self-checkout basket may hold here; please ask staff to finish it at a staffed till`,
          { max_lines: cfg.max_basket_lines },
        );
      lineId = newId();
      // Snapshot the prices at add time: later catalogue changes do not alter this line (§1.3).
      next = [
        ...lines,
        {
          line_id: lineId,
          scanned_code: req.code,
          ...(req.symbology ? { symbology: req.symbology } : {}),
          quantity: req.quantity,
          ...(req.weight_g !== undefined ? { weight_g: req.weight_g } : {}),
          ...(res ? { price_snapshot: res.snapshot } : {}),
          ...(mergeKey !== null ? { merge_key: mergeKey } : {}),
        },
      ];
      change = { op: 'add', line: next[next.length - 1]! };
    }
    let pricing = this.priceChange(basketId, base, [change], next);
    const priced = pricing.priced;
    this.throwRefusal(priced, lineId);
    const pl = priced.lines.find((l) => l.line_id === lineId);
    if (same) {
      this.repo.updateLine(next.find((l) => l.line_id === lineId)!);
    } else {
      let input: StoredLine = next[next.length - 1]!;
      if (!input.price_snapshot && pl) {
        // Resolution gave no snapshot but pricing found the item: take its prices, price again.
        input = {
          ...input,
          price_snapshot: {
            base_price: formatMoney(pl.base_price),
            selling_price: formatMoney(pl.selling_price),
          },
        };
        next = [...next.slice(0, -1), input];
        pricing = this.priceChange(
          basketId,
          { ...base, pricing, reusable: true },
          [{ op: 'replace', line: input }],
          next,
        );
      }
      this.repo.insertLine(basketId, input, nowIso());
    }
    // The stored lines are exactly what was priced.
    const repriced = this.reprice(basketId, { pricing, stored: next });
    if (pl?.requires_verification || repriced?.requires_approval)
      this.interventions.ensureAgeCheck(device.device_id, basketId);
    this.bus.emitTo(device.device_id, 'basket.updated', this.liveView(basketId));
    return { lineId, base };
  }

  /** weight_g only on weighed items, and within the store's bounds (a 1 g label, 10 t of bananas). */
  private checkWeight(res: LineResolution, weightG: number | undefined, cfg: StoreConfig): void {
    if (!res.measured && weightG !== undefined)
      throw new HubError(
        'WEIGHT_NOT_ALLOWED',
        'this item is sold by the piece; send a quantity, not a weight',
        {
          item_id: res.item_id,
        },
      );
    const w = res.embedded_weight_g ?? weightG;
    if (res.measured && w !== undefined && (w < cfg.min_weight_g || w > cfg.max_weight_g))
      throw new HubError(
        'WEIGHT_OUT_OF_RANGE',
        `a weighed item must weigh between ${cfg.min_weight_g} g and ${cfg.max_weight_g} g; please ask staff`,
        { weight_g: w, min_weight_g: cfg.min_weight_g, max_weight_g: cfg.max_weight_g },
      );
  }

  changeLine(
    device: PairedClient,
    basketId: string,
    lineId: string,
    req: { quantity: number; basket_version?: number | undefined },
  ): Basket {
    return this.tx.run(() => {
      this.changeLineTx(device, basketId, lineId, req);
      return this.view(basketId);
    }, RELAXED);
  }

  changeLineDelta(
    device: PairedClient,
    basketId: string,
    lineId: string,
    req: { quantity: number; basket_version?: number | undefined },
  ): BasketDelta {
    return this.tx.run(
      () => this.delta(basketId, this.changeLineTx(device, basketId, lineId, req), lineId),
      RELAXED,
    );
  }

  private changeLineTx(
    device: PairedClient,
    basketId: string,
    lineId: string,
    req: { quantity: number; basket_version?: number | undefined },
  ): PricedState {
    this.checkQuantity(req.quantity);
    const base = this.baseOf(this.mutable(device, basketId, req.basket_version));
    const lines = this.storedLines(basketId, base);
    const line = lines.find((l) => l.line_id === lineId);
    if (!line) throw new HubError('NOT_FOUND', `line ${lineId} not found`, { line_id: lineId });
    if (line.weight_g !== undefined)
      throw new HubError('QUANTITY_FIXED', 'a weighed line has no quantity to change');
    const updated = { ...line, quantity: req.quantity };
    const next = lines.map((l) => (l.line_id === lineId ? updated : l));
    const pricing = this.priceChange(
      basketId,
      base,
      [{ op: 'quantity', line_id: lineId, quantity: req.quantity }],
      next,
    );
    this.throwRefusal(pricing.priced, lineId);
    this.repo.updateLine(updated);
    this.reprice(basketId, { pricing, stored: next });
    this.bus.emitTo(device.device_id, 'basket.updated', this.liveView(basketId));
    return base;
  }

  removeLine(
    device: PairedClient,
    basketId: string,
    lineId: string,
    expectedVersion: number | undefined,
  ): Basket {
    return this.tx.run(() => {
      this.removeLineTx(device, basketId, lineId, expectedVersion);
      return this.view(basketId);
    }, RELAXED);
  }

  removeLineDelta(
    device: PairedClient,
    basketId: string,
    lineId: string,
    expectedVersion: number | undefined,
  ): BasketDelta {
    return this.tx.run(
      () => this.delta(basketId, this.removeLineTx(device, basketId, lineId, expectedVersion)),
      RELAXED,
    );
  }

  private removeLineTx(
    device: PairedClient,
    basketId: string,
    lineId: string,
    expectedVersion: number | undefined,
  ): PricedState {
    const base = this.baseOf(this.mutable(device, basketId, expectedVersion));
    const lines = this.storedLines(basketId, base);
    if (!lines.some((l) => l.line_id === lineId) || !this.repo.deleteLine(basketId, lineId))
      throw new HubError('NOT_FOUND', `line ${lineId} not found`, { line_id: lineId });
    // Add-ons go with their parent (B5).
    const gone = lines.filter((l) => l.line_id === lineId || l.parent_line_id === lineId);
    for (const l of gone) if (l.line_id !== lineId) this.repo.deleteLine(basketId, l.line_id);
    const next = lines.filter((l) => !gone.includes(l));
    // A removal the basket cannot be priced without (a pricing error) is recorded, as before.
    let pricing: PricingState | null = null;
    try {
      pricing = this.priceChange(
        basketId,
        base,
        gone.map((l) => ({ op: 'remove' as const, line_id: l.line_id })),
        next,
      );
    } catch (err) {
      if (!(err instanceof HubError)) throw err;
    }
    this.reprice(basketId, pricing ? { pricing, stored: next } : undefined);
    this.bus.emitTo(device.device_id, 'basket.updated', this.liveView(basketId));
    return base;
  }

  /** Inside a decision's transaction: a rejected age check removes the restricted lines and their add-ons. */
  private removeRestricted(basketId: string): string[] {
    const b = this.row(basketId);
    if (b.state !== 'active') return [];
    const priced = this.pricedObj(this.pricedState(basketId, b.version)) as {
      lines?: { line_id: string; requires_verification: boolean }[];
    };
    const gone = new Set((priced.lines ?? []).filter((l) => l.requires_verification).map((l) => l.line_id));
    for (const l of this.repo.lines(basketId))
      if (l.parent_line_id && gone.has(l.parent_line_id)) gone.add(l.line_id);
    for (const id of gone) this.repo.deleteLine(basketId, id);
    this.reprice(basketId);
    return [...gone];
  }

  /** POST /baskets/{id}/verification: idempotent per basket (§2.7). */
  requestAgeCheck(device: PairedClient, basketId: string): ReturnType<Interventions['ensureAgeCheck']> {
    return this.tx.run(() => {
      this.mutable(device, basketId, undefined);
      return this.interventions.ensureAgeCheck(device.device_id, basketId);
    });
  }

  /** §2.1 B14: expires active baskets idle longer than the store's limit; logs basket_abandoned. */
  expireIdleBaskets(now = Date.now()): string[] {
    const cfg = this.store.hasConfig() ? this.store.config() : null;
    if (!cfg || cfg.basket_idle_expiry_seconds <= 0) return [];
    const cutoff = new Date(now - cfg.basket_idle_expiry_seconds * 1000).toISOString();
    return this.tx.run(() => {
      const rows = this.repo.idleSince(cutoff);
      const at = nowIso();
      for (const r of rows) {
        this.repo.expire(r.basket_id, at);
        enqueueOutbox(this.db, cfg, {
          type: 'analytics.event',
          key: cfg.store_id,
          device_id: r.device_id,
          data: { verb: 'basket_abandoned', basket_id: r.basket_id, device_id: r.device_id },
        });
        this.bus.emitTo(r.device_id, 'basket.updated', this.liveView(r.basket_id));
      }
      return rows.map((r) => r.basket_id);
    });
  }

  /** What a reconnecting kiosk needs: its active basket and open order, if any. */
  deviceState(deviceId: string): {
    basket: Basket | null;
    order: { order_id: string; order_status: string } | null;
  } {
    const b = this.repo.currentBasket(deviceId);
    return { basket: b ? this.view(b) : null, order: (b && this.repo.latestOrder(b)) || null };
  }

  /** The device's active basket id (lane scans go there). */
  activeBasket(deviceId: string): string | undefined {
    return this.repo.activeBaskets(deviceId)[0];
  }
}
