/** Builders for valid envelopes and §6.4 order snapshots, used across the HQ tests. */
import { randomUUID } from 'node:crypto';
import type { Envelope, OrderSnapshot } from '../../src/protocol';

export const STORE_A = '5e1f0c9a-3b7d-4c2e-9a6f-0d4b8e2c1a77';
export const STORE_B = 'store-b';

export function envelope<T>(
  type: string,
  key: string,
  data: T,
  over: Partial<Envelope> = {},
): Envelope<T> & Record<string, unknown> {
  return {
    event_id: randomUUID(),
    type,
    version: 1,
    store_id: STORE_A,
    device_id: 'dev-1',
    occurred_at: '2026-03-01T10:15:30.123Z',
    business_date: '2026-03-01',
    hub_seq: 1,
    key,
    ...over,
    data,
  } as Envelope<T> & Record<string, unknown>;
}

export interface OrderSpec {
  orderId?: string;
  storeId?: string;
  deviceId?: string;
  businessDate?: string;
  completedAt?: string;
  /** Line quantities and unit prices in minor units. */
  lines?: { qty: number; unit: number }[];
  method?: string;
  platform?: string;
}

const m = (minor: number): string =>
  `${minor < 0 ? '-' : ''}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, '0')}`;

/** A consistent order snapshot: inclusive 20 % VAT, no discounts. */
export function orderSnapshot(spec: OrderSpec = {}): OrderSnapshot {
  const orderId = spec.orderId ?? randomUUID();
  const lines = spec.lines ?? [{ qty: 2, unit: 150 }];
  const completedAt = spec.completedAt ?? '2026-03-01T10:15:30.000Z';
  const items = lines.map((l, i) => {
    const total = l.qty * l.unit;
    const tax = Math.round(total / 6);
    return {
      basket_item_id: `${orderId}-l${i}`,
      item_id: `item-${i}`,
      name: `Item ${i}`,
      item_type: 'item',
      parent_basket_item_id: null,
      scanned_barcode: '4006381333931',
      retailer_product_id: `RP${i}`,
      quantity: l.qty,
      unit_of_measure: 'each',
      categories: [{ category_id: 'c1', name: 'Dairy' }],
      pricing: {
        unit_original_price: m(l.unit),
        unit_payable_price: m(l.unit),
        unit_discount: '0.00',
        unit_tax: m(Math.round(l.unit / 6)),
        total_original_price: m(total),
        total_payable_price: m(total),
        total_discount: '0.00',
        total_tax: m(tax),
      },
      taxes_applied: [
        {
          tax_code: 'V20',
          retailer_tax_level_id: 'V20',
          tax_level: 'VAT',
          tax_percent: '20.00',
          taxable_amount: m(total),
          tax_amount: m(tax),
        },
      ],
      applied_promotions: [],
      epcs: [],
      flags: { is_return_item: false },
    };
  });
  const total = lines.reduce((s, l) => s + l.qty * l.unit, 0);
  const tax = items.reduce((s, it) => s + Math.round(Number(it.pricing.total_tax.replace('.', ''))), 0);
  return {
    order: {
      order_id: orderId,
      o_id: 100001,
      transaction_id_poslog: '1',
      poslog_scope: 'store',
      receipt_number: 'T001-000001',
      store_id: spec.storeId ?? STORE_A,
      retailer_id: 'retailer',
      device_id: spec.deviceId ?? 'dev-1',
      retailer_device_id: 'K1',
      platform: spec.platform ?? 'kiosk',
      shift_id: null,
      staff_user_id: null,
      order_status: 'completed',
      payment_status: 'captured_live_mode',
      created_at: completedAt,
      completed_at: completedAt,
      business_date: spec.businessDate ?? '2026-03-01',
      offline_receipt_reference_id: null,
      offline_o_id: null,
      purchase_type: 'self_checkout',
    },
    customer: { customer_id: null, is_guest: true },
    totals: {
      total_mrp: m(total),
      total_discount: '0.00',
      total_after_discount: m(total),
      total_tax: m(tax),
      total_excl_tax: m(total - tax),
      total_after_tax: m(total),
      other_charges: '0.00',
      currency: 'EUR',
      tax_mode: 'inclusive',
    },
    items,
    tax_breakup: [
      {
        retailer_tax_level_id: 'V20',
        tax_level: 'VAT',
        tax_percent: '20.00',
        taxable_amount: m(total),
        tax_amount: m(tax),
      },
    ],
    special_programs: [],
    payment: {
      status: 'captured',
      total: m(total),
      captured_amount: m(total),
      tenders: [
        {
          tender_id: `${orderId}-t1`,
          method: spec.method ?? 'card',
          amount: m(total),
          status: 'captured',
          card_brand: 'VISA',
          card_last4: '4242',
        },
      ],
      timings: {},
    },
  };
}
