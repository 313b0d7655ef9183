/**
 * The functional core of ingestion: what one decoded event contributes to HQ's read models.
 * Pure, so the incremental path (each event as it arrives) and the recompute path (every stored
 * event again) run the same code and cannot disagree.
 */
import type { Envelope, OrderSnapshot } from '../protocol';
import { parseMinor } from '../protocol';

export interface StoreInfo {
  store_id: string;
  timezone: string;
  currency: string;
  currency_exponent: number;
  demo: boolean;
}

/** §8.1 uniqueness of an aggregate row: (demo, platform, store, date, business_date, device). */
export interface AggregateKey {
  demo: boolean;
  platform: string;
  store_id: string;
  calendar_date: string;
  business_date: string;
  device_id: string;
}

export interface SalesDelta {
  key: AggregateKey;
  currency: string;
  total_txn_count: bigint;
  total_items_purchased: bigint;
  total_basket_value_minor: bigint;
  total_basket_value_tax_excluded_minor: bigint;
  total_items_scanned: bigint;
  login_count: bigint;
  sign_up_count: bigint;
  staff_login_count: bigint;
  ratings: [bigint, bigint, bigint, bigint, bigint, bigint];
}

export interface PaymentDelta {
  key: AggregateKey;
  method: string;
  txn_count: bigint;
  value_minor: bigint;
}

export interface OrderRow {
  order_id: string;
  event_id: string;
  store_id: string;
  device_id: string;
  platform: string;
  demo: boolean;
  business_date: string;
  calendar_date: string;
  completed_at: string;
  currency: string;
  total_minor: bigint;
  total_excl_tax_minor: bigint;
  total_tax_minor: bigint;
  total_discount_minor: bigint;
  items_count: bigint;
}

const localDates = new Map<string, Intl.DateTimeFormat>();
/** The store-local calendar date of an instant (falls back to UTC for an unknown zone). */
export function localDate(instant: string, timezone: string): string {
  let f = localDates.get(timezone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-CA', {
        timeZone: timezone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
    } catch {
      f = new Intl.DateTimeFormat('en-CA', {
        timeZone: 'UTC',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
    }
    localDates.set(timezone, f);
  }
  return f.format(new Date(instant));
}

export function emptyDelta(key: AggregateKey, currency: string): SalesDelta {
  return {
    key,
    currency,
    total_txn_count: 0n,
    total_items_purchased: 0n,
    total_basket_value_minor: 0n,
    total_basket_value_tax_excluded_minor: 0n,
    total_items_scanned: 0n,
    login_count: 0n,
    sign_up_count: 0n,
    staff_login_count: 0n,
    ratings: [0n, 0n, 0n, 0n, 0n, 0n],
  };
}

const SUCCESSFUL = new Set(['completed', 'verified', 'refunded', 'partially_refunded']);

/** The order row of an order.completed event. */
export function orderRow(e: Envelope<OrderSnapshot>, store: StoreInfo): OrderRow {
  const s = e.data;
  const exp = s.totals.currency_exponent ?? store.currency_exponent;
  const items = s.items
    .filter((i) => i.flags.is_return_item !== true)
    // A measured line (grams or millilitres) is one item purchased, not 250.
    .reduce((n, i) => n + (i.unit_of_measure === 'each' ? BigInt(i.quantity) : 1n), 0n);
  return {
    order_id: s.order.order_id,
    event_id: e.event_id,
    store_id: e.store_id,
    device_id: s.order.device_id ?? e.device_id ?? '',
    platform: s.order.platform,
    demo: s.order.demo ?? (s.order.payment_status.endsWith('_demo_mode') || store.demo),
    business_date: s.order.business_date,
    calendar_date: s.order.calendar_date ?? localDate(s.order.completed_at, store.timezone),
    completed_at: s.order.completed_at,
    currency: s.totals.currency,
    total_minor: parseMinor(s.totals.total_after_tax, exp),
    total_excl_tax_minor: parseMinor(s.totals.total_excl_tax, exp),
    total_tax_minor: parseMinor(s.totals.total_tax, exp),
    total_discount_minor: parseMinor(s.totals.total_discount, exp),
    items_count: items,
  };
}

export function orderContribution(
  e: Envelope<OrderSnapshot>,
  store: StoreInfo,
): { order: OrderRow; sales: SalesDelta[]; payments: PaymentDelta[] } {
  const o = orderRow(e, store);
  const key: AggregateKey = {
    demo: o.demo,
    platform: o.platform,
    store_id: o.store_id,
    calendar_date: o.calendar_date,
    business_date: o.business_date,
    device_id: o.device_id,
  };
  if (!SUCCESSFUL.has(e.data.order.order_status)) return { order: o, sales: [], payments: [] };
  const d = emptyDelta(key, o.currency);
  d.total_txn_count = 1n;
  d.total_items_purchased = o.items_count;
  d.total_basket_value_minor = o.total_minor;
  d.total_basket_value_tax_excluded_minor = o.total_excl_tax_minor;
  const exp = e.data.totals.currency_exponent ?? store.currency_exponent;
  const byMethod = new Map<string, PaymentDelta>();
  for (const t of e.data.payment.tenders) {
    if (t.status !== 'captured') continue;
    const p = byMethod.get(t.method) ?? { key, method: t.method, txn_count: 0n, value_minor: 0n };
    p.txn_count += 1n;
    p.value_minor += parseMinor(t.amount, exp);
    byMethod.set(t.method, p);
  }
  return { order: o, sales: [d], payments: [...byMethod.values()] };
}

interface AnalyticsData {
  verb: string;
  success?: boolean;
  score?: number;
  platform?: string;
  device_id?: string | null;
}

/** §8.1 counters fed by analytics.event (scans, sign-ins, sign-ups, ratings). */
export function analyticsContribution(e: Envelope<AnalyticsData>, store: StoreInfo): SalesDelta[] {
  const a = e.data;
  const key: AggregateKey = {
    demo: store.demo,
    platform: a.platform ?? 'kiosk',
    store_id: e.store_id,
    calendar_date: localDate(e.occurred_at, store.timezone),
    business_date: e.business_date,
    device_id: a.device_id ?? e.device_id ?? '',
  };
  const d = emptyDelta(key, store.currency);
  switch (a.verb) {
    case 'item_scan':
      if (a.success === false) return [];
      d.total_items_scanned = 1n;
      break;
    case 'login':
      d.login_count = 1n;
      break;
    case 'signup':
    case 'sign_up':
      d.sign_up_count = 1n;
      break;
    case 'staff_login':
      d.staff_login_count = 1n;
      break;
    case 'rating':
      if (a.score === undefined) return [];
      d.ratings[a.score] = 1n;
      break;
    default:
      return [];
  }
  return [d];
}

/** Open gaps after seeing `seq`, given the previous max and open gaps (pure; used by tests too). */
export function advanceGaps(
  maxSeq: bigint,
  gaps: readonly { from: bigint; to: bigint }[],
  seq: bigint,
): { maxSeq: bigint; gaps: { from: bigint; to: bigint }[] } {
  if (seq > maxSeq) {
    const next = seq > maxSeq + 1n ? [...gaps, { from: maxSeq + 1n, to: seq - 1n }] : [...gaps];
    return { maxSeq: seq, gaps: next };
  }
  const out: { from: bigint; to: bigint }[] = [];
  for (const g of gaps) {
    if (seq < g.from || seq > g.to) out.push(g);
    else {
      if (g.from <= seq - 1n) out.push({ from: g.from, to: seq - 1n });
      if (seq + 1n <= g.to) out.push({ from: seq + 1n, to: g.to });
    }
  }
  return { maxSeq, gaps: out };
}
