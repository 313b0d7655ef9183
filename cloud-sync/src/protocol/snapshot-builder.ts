/**
 * Builds the §6.4 order snapshot from what the hub holds at completion: the order facts, the
 * canonical priced basket JSON (promo-core's `pricedBasketToJson`, parsed) and the captured
 * tenders. Pure, so the hub calls it inside its completion transaction and HQ tests the same
 * function. Unit prices are the line totals divided by the counted quantity, rounded down; the
 * line and basket totals are the hub's exact figures and are what HQ aggregates.
 */
import type { OrderSnapshot } from './order-snapshot';
import { orderSnapshotSchema } from './order-snapshot';
import { formatMinor, parseMinor } from './wire';

/** The fields of promo-core's priced basket JSON this builder reads (money as strings). */
export interface PricedBasketJson {
  currency_exponent: number;
  data_version: string | null;
  prices_include_tax: boolean;
  lines: {
    line_id: string;
    kind: string;
    item_id: string;
    item_name: string;
    retailer_product_id: string | null;
    scanned_code: string | null;
    parent_line_id: string | null;
    is_return_item: boolean;
    unit_of_measure: string;
    quantity: number;
    weight_g: number | null;
    unit_price: string;
    gross: string;
    total_discount: string;
    payable: string;
    price_source?: string;
    promotion_exclusion?: string | null;
    requires_verification?: boolean;
    promotions: { promo_id: string; title: string; discount: string }[];
    tax: {
      tax_code: string | null;
      amount4: string;
      tax: string;
      levels: { retailer_tax_level_id: string; tax_level: string; tax_percent: string; tax4: string }[];
    };
  }[];
  totals: {
    total_mrp: string;
    total_discount: string;
    total_after_discount: string;
    total_tax: string;
    total_excl_tax: string;
    total_after_tax: string;
  };
  tax_breakup: Record<string, unknown>[];
  tax_exemption: Record<string, unknown> | null;
}

export interface SnapshotInput {
  order: {
    order_id: string;
    o_id: string | number;
    transaction_id_poslog: string | null;
    receipt_number: string | null;
    store_id: string;
    device_id: string | null;
    order_status: string;
    payment_status: string;
    created_at: string;
    completed_at: string;
    business_date: string;
    retailer_id?: string | null;
    retailer_device_id?: string | null;
    platform?: string;
    poslog_scope?: string | null;
    shift_id?: string | null;
    staff_user_id?: string | null;
    offline_receipt_reference_id?: string | null;
    offline_o_id?: string | number | null;
    purchase_type?: string;
    calendar_date?: string;
    demo?: boolean;
  };
  priced: PricedBasketJson;
  currency: string;
  customer?: OrderSnapshot['customer'];
  /** Captured tenders, amounts as decimal strings; no card data beyond brand and last 4. */
  tenders: OrderSnapshot['payment']['tenders'];
  payment_status?: string;
  /** Category names per item id, when the hub has them at hand. */
  categoriesOf?: (itemId: string) => { category_id: string; name: string }[];
  /** The basket input, for HQ's re-pricing audit (issue 14). */
  basket?: unknown;
  /** Include the priced JSON in `audit` (doubles the size of the event; default true). */
  includeAudit?: boolean;
}

export function buildOrderSnapshot(input: SnapshotInput): OrderSnapshot {
  const p = input.priced;
  const exp = p.currency_exponent;
  const money = (s: string): bigint => parseMinor(s, exp);
  const fmt = (v: bigint): string => formatMinor(v, exp);
  const per = (total: bigint, qty: number): string => fmt(total / BigInt(Math.max(1, qty)));
  const o = input.order;
  const items = p.lines.map((l) => {
    const gross = money(l.gross);
    const discount = money(l.total_discount);
    const payable = money(l.payable);
    const tax = money(l.tax.tax);
    return {
      basket_item_id: l.line_id,
      item_id: l.item_id,
      name: l.item_name,
      item_type: l.kind,
      parent_basket_item_id: l.parent_line_id,
      scanned_barcode: l.scanned_code,
      retailer_product_id: l.retailer_product_id,
      // §0.2: grams (or millilitres) for a measured line, counted units otherwise.
      quantity: l.weight_g ?? l.quantity,
      unit_of_measure: l.unit_of_measure,
      categories: input.categoriesOf?.(l.item_id) ?? [],
      pricing: {
        unit_original_price: l.unit_price,
        unit_payable_price: per(payable, l.quantity),
        unit_discount: per(discount, l.quantity),
        unit_tax: per(tax, l.quantity),
        total_original_price: fmt(gross),
        total_payable_price: fmt(payable),
        total_discount: fmt(discount),
        total_tax: fmt(tax),
      },
      taxes_applied: l.tax.levels.map((lv) => ({
        tax_code: l.tax.tax_code,
        retailer_tax_level_id: lv.retailer_tax_level_id,
        tax_level: lv.tax_level,
        tax_percent: lv.tax_percent,
        taxable_amount: l.tax.amount4,
        tax_amount: lv.tax4,
      })),
      applied_promotions: l.promotions.map((pr) => ({
        promo_id: pr.promo_id,
        title: pr.title,
        amount: pr.discount,
      })),
      epcs: [],
      flags: {
        is_return_item: l.is_return_item,
        requires_verification: l.requires_verification ?? false,
        price_source: l.price_source ?? null,
        promotion_exclusion: l.promotion_exclusion ?? null,
      },
    };
  });
  const captured = input.tenders
    .filter((t) => t.status === 'captured')
    .reduce((s, t) => s + money(t.amount), 0n);
  const snapshot = {
    order: {
      order_id: o.order_id,
      o_id: o.o_id,
      transaction_id_poslog: o.transaction_id_poslog,
      poslog_scope: o.poslog_scope ?? 'store',
      receipt_number: o.receipt_number,
      store_id: o.store_id,
      retailer_id: o.retailer_id ?? null,
      device_id: o.device_id,
      retailer_device_id: o.retailer_device_id ?? null,
      platform: o.platform ?? 'kiosk',
      shift_id: o.shift_id ?? null,
      staff_user_id: o.staff_user_id ?? null,
      order_status: o.order_status,
      payment_status: o.payment_status,
      created_at: o.created_at,
      completed_at: o.completed_at,
      business_date: o.business_date,
      offline_receipt_reference_id: o.offline_receipt_reference_id ?? null,
      offline_o_id: o.offline_o_id ?? null,
      purchase_type: o.purchase_type ?? 'self_checkout',
      ...(o.calendar_date ? { calendar_date: o.calendar_date } : {}),
      ...(o.demo !== undefined ? { demo: o.demo } : {}),
      data_version: p.data_version,
    },
    customer: input.customer ?? { customer_id: null, is_guest: true },
    totals: {
      total_mrp: p.totals.total_mrp,
      total_discount: p.totals.total_discount,
      total_after_discount: p.totals.total_after_discount,
      total_tax: p.totals.total_tax,
      total_excl_tax: p.totals.total_excl_tax,
      total_after_tax: p.totals.total_after_tax,
      other_charges: fmt(0n),
      currency: input.currency,
      currency_exponent: exp,
      tax_mode: p.prices_include_tax ? 'inclusive' : 'exclusive',
      exemption: p.tax_exemption,
    },
    items,
    tax_breakup: p.tax_breakup,
    special_programs: [],
    payment: {
      status: input.payment_status ?? 'captured',
      total: p.totals.total_after_tax,
      captured_amount: fmt(captured),
      tenders: input.tenders,
      timings: {},
    },
    ...(input.includeAudit === false
      ? {}
      : { audit: { data_version: p.data_version, basket: input.basket ?? null, priced: p } }),
  };
  // Parse so a hub bug surfaces in the hub's own transaction, not as a dead letter at HQ.
  return orderSnapshotSchema.parse(snapshot);
}
