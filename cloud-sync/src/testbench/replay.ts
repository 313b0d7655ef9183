/**
 * The test bench's functional core: price each past basket under the live and the draft
 * promotion sets (same catalogue, tax and evaluation time — only the promotions differ) and
 * fold the differences into a report. Pure; the worker (worker.ts) drives it in batches.
 */
import type { PricedBasket, StoreData } from '@kassa/promo-core';
import { formatMoney, priceBasket } from '@kassa/promo-core';

export interface PastBasket {
  order_id: string;
  store_id: string;
  business_date: string;
  basket: unknown;
}

export interface PromotionImpact {
  promo_id: string;
  title: string;
  baskets_live: number;
  baskets_draft: number;
  discount_live_minor: string;
  discount_draft_minor: string;
  discount_delta_minor: string;
}

export interface LineDiff {
  line_id: string;
  item_id: string;
  item_name: string;
  quantity: number;
  live: { payable_minor: string; discount_minor: string; promotions: string[] } | null;
  draft: { payable_minor: string; discount_minor: string; promotions: string[] } | null;
}

export interface ChangedBasket {
  order_id: string;
  store_id: string;
  business_date: string;
  live_total_minor: string;
  draft_total_minor: string;
  delta_minor: string;
  lines: LineDiff[];
}

export interface BenchReport {
  baskets: number;
  baskets_changed: number;
  skipped: { order_id: string; reason: string }[];
  currency_exponent: number;
  live_total_minor: string;
  draft_total_minor: string;
  /** Σ (draft − live) of what shoppers pay; negative means the draft gives more away. */
  revenue_delta_minor: string;
  /** Σ (draft − live) net of tax: the margin impact at unchanged cost prices. */
  margin_delta_minor: string;
  discount_delta_minor: string;
  promotions: PromotionImpact[];
  most_changed: ChangedBasket[];
}

interface PromoAcc {
  title: string;
  live: number;
  draft: number;
  dLive: bigint;
  dDraft: bigint;
}

export class ReplayAccumulator {
  private n = 0;
  private changed = 0;
  private live = 0n;
  private draft = 0n;
  private marginDelta = 0n;
  private discountDelta = 0n;
  private readonly promos = new Map<string, PromoAcc>();
  private top: { abs: bigint; b: ChangedBasket }[] = [];
  readonly skipped: { order_id: string; reason: string }[] = [];
  exponent = 2;

  constructor(private readonly keepTop = 20) {}

  private promo(id: string, title: string): PromoAcc {
    let p = this.promos.get(id);
    if (!p) this.promos.set(id, (p = { title, live: 0, draft: 0, dLive: 0n, dDraft: 0n }));
    return p;
  }

  add(b: PastBasket, live: PricedBasket, draft: PricedBasket): void {
    this.n++;
    this.exponent = live.currency_exponent;
    const lt = live.totals.total_after_tax;
    const dt = draft.totals.total_after_tax;
    this.live += lt;
    this.draft += dt;
    this.marginDelta += draft.totals.total_excl_tax - live.totals.total_excl_tax;
    this.discountDelta += draft.totals.total_discount - live.totals.total_discount;
    for (const p of live.promotions) {
      const a = this.promo(p.promo_id, p.title);
      a.live++;
      a.dLive += p.discount;
    }
    for (const p of draft.promotions) {
      const a = this.promo(p.promo_id, p.title);
      a.draft++;
      a.dDraft += p.discount;
    }
    const delta = dt - lt;
    if (delta === 0n && !linesDiffer(live, draft)) return;
    this.changed++;
    const abs = delta < 0n ? -delta : delta;
    if (this.top.length >= this.keepTop && abs <= this.top[this.top.length - 1]!.abs) return;
    const exp = this.exponent;
    this.top.push({
      abs,
      b: {
        order_id: b.order_id,
        store_id: b.store_id,
        business_date: b.business_date,
        live_total_minor: lt.toString(),
        draft_total_minor: dt.toString(),
        delta_minor: delta.toString(),
        lines: lineDiffs(live, draft, exp),
      },
    });
    // Largest change first; ties by order id so a re-run gives the same list.
    this.top.sort((x, y) =>
      y.abs > x.abs ? 1 : y.abs < x.abs ? -1 : x.b.order_id.localeCompare(y.b.order_id),
    );
    if (this.top.length > this.keepTop) this.top.length = this.keepTop;
  }

  get count(): number {
    return this.n;
  }

  report(): BenchReport {
    return {
      baskets: this.n,
      baskets_changed: this.changed,
      skipped: this.skipped.slice(0, 100),
      currency_exponent: this.exponent,
      live_total_minor: this.live.toString(),
      draft_total_minor: this.draft.toString(),
      revenue_delta_minor: (this.draft - this.live).toString(),
      margin_delta_minor: this.marginDelta.toString(),
      discount_delta_minor: this.discountDelta.toString(),
      promotions: [...this.promos.entries()]
        .map(([promo_id, a]) => ({
          promo_id,
          title: a.title,
          baskets_live: a.live,
          baskets_draft: a.draft,
          discount_live_minor: a.dLive.toString(),
          discount_draft_minor: a.dDraft.toString(),
          discount_delta_minor: (a.dDraft - a.dLive).toString(),
        }))
        .sort((x, y) => {
          const ax = BigInt(x.discount_delta_minor);
          const ay = BigInt(y.discount_delta_minor);
          const ab = (v: bigint) => (v < 0n ? -v : v);
          return ab(ay) > ab(ax) ? 1 : ab(ay) < ab(ax) ? -1 : x.promo_id.localeCompare(y.promo_id);
        }),
      most_changed: this.top.map((t) => t.b),
    };
  }
}

const promoIds = (l: PricedBasket['lines'][number]): string[] => l.promotions.map((p) => p.promo_id);

function linesDiffer(a: PricedBasket, b: PricedBasket): boolean {
  if (a.lines.length !== b.lines.length) return true;
  return a.lines.some((l, i) => {
    const m = b.lines[i]!;
    return l.line_id !== m.line_id || l.payable !== m.payable || promoIds(l).join() !== promoIds(m).join();
  });
}

function lineDiffs(live: PricedBasket, draft: PricedBasket, exp: number): LineDiff[] {
  void exp;
  const d = new Map(draft.lines.map((l) => [l.line_id, l]));
  const side = (l: PricedBasket['lines'][number] | undefined) =>
    l
      ? {
          payable_minor: l.payable.toString(),
          discount_minor: l.total_discount.toString(),
          promotions: promoIds(l),
        }
      : null;
  const out: LineDiff[] = live.lines.map((l) => ({
    line_id: l.line_id,
    item_id: l.item_id,
    item_name: l.item_name,
    quantity: l.quantity,
    live: side(l),
    draft: side(d.get(l.line_id)),
  }));
  const seen = new Set(live.lines.map((l) => l.line_id));
  for (const l of draft.lines)
    if (!seen.has(l.line_id))
      out.push({
        line_id: l.line_id,
        item_id: l.item_id,
        item_name: l.item_name,
        quantity: l.quantity,
        live: null,
        draft: side(l),
      });
  return out;
}

/** Prices one past basket under both sets; a basket that cannot be priced is skipped with its reason. */
export function replayOne(acc: ReplayAccumulator, b: PastBasket, live: StoreData, draft: StoreData): void {
  try {
    acc.add(b, priceBasket(b.basket, live), priceBasket(b.basket, draft));
  } catch (err) {
    acc.skipped.push({ order_id: b.order_id, reason: String((err as Error).message ?? err).slice(0, 200) });
  }
}

export const fmt = (minor: string, exp: number): string => formatMoney(BigInt(minor), exp);
