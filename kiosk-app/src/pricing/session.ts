/**
 * One basket's pricing across scans. The controller hands over the whole line list each time
 * (the basket as it now is); the session works out what changed since the last pricing (lines
 * removed, quantities changed, lines replaced, lines appended) and lets promo-core's incremental
 * pricing redo only that, falling back to a full pricing when the change is anything else (a
 * reorder, another data version, another basket). promo-core guarantees incremental = full
 * priceBasket byte for byte, and test/unit/pricing-session.test.ts checks the session's diffing
 * against full pricing over random sequences.
 *
 * The screen's copy of the priced basket (PricedJson) is parsed from promo-core's per-line JSON
 * texts, once per priced line object: a line the change did not touch keeps its object from the
 * previous pricing, so React skips it (memoised line components) and nothing re-parses it.
 */
import type { BasketChange, BasketLineInput, PricedLine, PricingState, StoreData } from '@kassa/promo-core';
import { repriceBasket, startPricing } from '@kassa/promo-core';
import type { PricedJson, PricedLineJson } from './types';

/** The basket's own fields the kiosk sets (everything else keeps promo-core's defaults). */
export interface BasketHead {
  basket_id: string;
  evaluation_time: string;
  channel: 'self_checkout' | 'assisted';
}

export interface Priced {
  /** promo-core's canonical JSON, what the hub's is compared with byte for byte (made on first read). */
  readonly json: string;
  /** The same, parsed: what the screen shows (unchanged lines keep their objects). */
  priced: PricedJson;
  state: PricingState;
}

/** Parsed screen copies of priced lines, per promo-core line object (those never change). */
const parsedLines = new WeakMap<PricedLine, PricedLineJson>();

function view(state: PricingState): PricedJson {
  const head = JSON.parse(state.headJson()) as PricedJson;
  head.lines = state.priced.lines.map((l) => {
    let p = parsedLines.get(l);
    if (p === undefined) {
      p = JSON.parse(state.lineJson(l)) as PricedLineJson;
      parsedLines.set(l, p);
    }
    return p;
  });
  return head;
}

const sameSnapshot = (a: BasketLineInput['price_snapshot'], b: BasketLineInput['price_snapshot']): boolean =>
  a === b || (!!a && !!b && a.base_price === b.base_price && a.selling_price === b.selling_price);

/** Equal line inputs, quantity aside (the kiosk's inputs carry only these fields). */
function sameButQuantity(a: BasketLineInput, b: BasketLineInput): boolean {
  return (
    a.line_id === b.line_id &&
    a.scanned_code === b.scanned_code &&
    a.item_id === b.item_id &&
    a.weight_g === b.weight_g &&
    a.kind === b.kind &&
    a.amount === b.amount &&
    a.is_return_item === b.is_return_item &&
    a.parent_line_id === b.parent_line_id &&
    a.symbology === b.symbology &&
    a.price_override === b.price_override &&
    sameSnapshot(a.price_snapshot, b.price_snapshot)
  );
}

/**
 * The changes that turn `prev` into `next`, or null when they are not a removal, edit and
 * append (then a full pricing is simpler and as fast).
 */
export function diffLines(
  prev: readonly BasketLineInput[],
  next: readonly BasketLineInput[],
): BasketChange[] | null {
  const nextIds = new Set<string>();
  for (const l of next) {
    if (nextIds.has(l.line_id)) return null;
    nextIds.add(l.line_id);
  }
  const changes: BasketChange[] = [];
  const kept: BasketLineInput[] = [];
  const prevIds = new Set<string>();
  for (const p of prev) {
    prevIds.add(p.line_id);
    if (nextIds.has(p.line_id)) kept.push(p);
    else changes.push({ op: 'remove', line_id: p.line_id });
  }
  if (next.length < kept.length) return null;
  for (let i = 0; i < kept.length; i++) {
    const p = kept[i]!;
    const n = next[i]!;
    if (n.line_id !== p.line_id) return null;
    if (sameButQuantity(p, n)) {
      if ((p.quantity ?? 1) !== (n.quantity ?? 1))
        changes.push(
          n.quantity === undefined
            ? { op: 'replace', line: n }
            : { op: 'quantity', line_id: n.line_id, quantity: n.quantity },
        );
    } else changes.push({ op: 'replace', line: n });
  }
  for (let i = kept.length; i < next.length; i++) {
    const n = next[i]!;
    if (prevIds.has(n.line_id)) return null;
    changes.push({ op: 'add', line: n });
  }
  return changes;
}

export class PricingSession {
  private last: { state: PricingState; store: StoreData; head: BasketHead; lines: BasketLineInput[] } | null =
    null;
  private lastPriced: Priced | null = null;

  /** Prices `lines` under `head`; throws promo-core's PricingError as priceBasket does. */
  price(head: BasketHead, lines: BasketLineInput[], store: StoreData): Priced {
    const last = this.last;
    let state: PricingState | null = null;
    if (last && last.store === store && last.head.basket_id === head.basket_id) {
      const changes = diffLines(last.lines, lines);
      if (changes) {
        if (
          changes.length === 0 &&
          last.head.evaluation_time === head.evaluation_time &&
          last.head.channel === head.channel
        )
          return this.lastPriced!;
        const fields: Partial<BasketHead> = {};
        if (last.head.evaluation_time !== head.evaluation_time) fields.evaluation_time = head.evaluation_time;
        if (last.head.channel !== head.channel) fields.channel = head.channel;
        state = repriceBasket(last.state, changes, store, fields);
      }
    }
    state ??= startPricing({ ...head, lines }, store);
    this.last = { state, store, head, lines };
    const done = state;
    this.lastPriced = {
      get json() {
        return done.json();
      },
      priced: view(state),
      state,
    };
    return this.lastPriced;
  }

  /** The last pricing (null before the first, and after reset). */
  get current(): Priced | null {
    return this.lastPriced;
  }

  /** Forget the basket (a new shopper, another data version): the next pricing is a full one. */
  reset(): void {
    this.last = null;
    this.lastPriced = null;
  }
}
