/**
 * Wire types of the console endpoints (money as decimal strings in the store's currency, as the
 * hub sends them). They mirror the zod schemas of the hub's console modules.
 */
export interface StaffUser {
  user_id: string;
  username: string;
  display_name: string;
  retailer_staff_id: string | null;
  permissions: Record<string, boolean>;
  role_tabs: string[];
  force_reset_pin: boolean;
}
export interface SessionInfo {
  user: StaffUser;
  store: { name: string; currency: string; currency_sign: string; timezone: string; denominations: string[] };
}

export type LaneState = 'idle' | 'shopping' | 'paying' | 'needs_help' | 'offline';
export interface Lane {
  device_id: string;
  retailer_device_id: string;
  name: string;
  state: LaneState;
  state_since: string;
  last_contact_at: string | null;
  printer: string;
  terminal: string;
  basket: {
    basket_id: string;
    line_count: number;
    total: string;
    lines: { name: string; quantity: number; payable: string }[];
  } | null;
  open_interventions: number;
}

export interface Intervention {
  intervention_id: string;
  kind: 'age_check' | 'help' | 'unknown_item' | 'quantity_limit' | 'payment_problem';
  status: string;
  device_id: string;
  retailer_device_id: string;
  basket_id: string | null;
  code: string | null;
  reason: string;
  restricted_lines: { line_id: string; item_name: string; minimum_age_required: number | null }[];
  created_at: string;
  decided_at: string | null;
}
export interface InterventionQueue {
  open: Intervention[];
  median_response_seconds: number | null;
  decided_today: number;
}

export interface BasketLine {
  line_id: string;
  item_name: string;
  quantity: number;
  unit_price: string;
  payable: string;
  total_discount: string;
  price_source: string;
  requires_verification: boolean;
}
export interface AssistBasket {
  basket_id: string;
  device_id: string;
  retailer_device_id: string;
  state: string;
  version: number;
  lines: BasketLine[];
  totals: { total_after_tax: string; total_tax: string; total_discount: string };
  tax_exempt: boolean;
  staff_discount: { percent_off?: string; amount?: string; label: string } | null;
}

export interface OrderSummary {
  order_id: string;
  o_id: number;
  receipt_number: string | null;
  order_status: string;
  retailer_device_id: string;
  total: string;
  created_at: string;
  completed_at: string | null;
}
export interface OrderDetail extends OrderSummary {
  lines: {
    line_id: string;
    item_name: string;
    quantity: number;
    unit_price: string;
    payable: string;
    tax: string;
    promotions: { title: string; discount: string }[];
  }[];
  promotions: { title: string; discount: string }[];
  tax_breakup: { tax_level: string; tax_percent: string; taxable_amount: string; tax_amount: string }[];
  tenders: {
    method: string;
    amount: string;
    status: string;
    card_brand: string | null;
    card_last4: string | null;
  }[];
  receipt_text: string | null;
  verifications: { outcome: string; reason: string | null; staff: string; at: string }[];
  refunds: RefundRecord[];
  printers: { device_id: string; name: string }[];
}

export interface RefundableLineWire {
  line_id: string;
  name: string;
  quantity: number;
  refunded_quantity: number;
  processing_quantity: number;
  refundable_quantity: number;
  refundable_amount: string;
  unit_paid: string;
  unit_tax: string;
}
export interface Refundable {
  order_id: string;
  o_id: number;
  lines: RefundableLineWire[];
  methods: ('card' | 'cash')[];
  partial_allowed: boolean;
}
export interface RefundRecord {
  refund_id: string;
  order_id: string;
  status: string;
  mode: 'F' | 'P';
  method: string;
  amount: string;
  tax_amount: string;
  reason: string;
  created_at: string;
  lines: { line_id: string; name: string; quantity: number; amount: string; tax_amount: string }[];
  failure: string | null;
}

export interface Register {
  device_id: string;
  retailer_device_id: string;
  name: string;
}
export interface Shift {
  shift_id: string;
  store_shift_id: number;
  device_id: string;
  retailer_device_id: string;
  status: 'open' | 'closed';
  start_time: string;
  end_time: string | null;
  start_amount: string;
  cash_sales: string;
  cash_returns: string;
  paid_in: string;
  paid_out: string;
  bank_drops: string;
  expected: string;
  counted: string | null;
  mismatch: string | null;
  movements: { kind: string; amount: string; reason: string; at: string }[];
}
export interface CashReportRow {
  register: string;
  business_date: string;
  shift_count: number;
  cash_activity_count: number;
  transaction_count: number;
  cash_sales: string;
  cash_tax: string;
  cash_returns: string;
  mismatch: string;
  bank_drops: string;
}

export interface ExitLookup {
  order: OrderSummary;
  items: { name: string; quantity: number; restricted: boolean }[];
  age_approved_by: string | null;
  verifications: { outcome: string; reason: string | null; staff: string; at: string }[];
  random_check: boolean;
}

export interface DeviceInfo {
  device_id: string;
  retailer_device_id: string;
  name: string;
  kind: string;
  lane_device_id: string | null;
  paired_at: string;
  revoked_at: string | null;
  online: boolean;
  last_contact_at: string | null;
  has_printer: boolean;
}

export interface AuditEntry {
  audit_id: number;
  at: string;
  staff_username: string | null;
  device: string | null;
  action: string;
  subject: string | null;
  what: string;
  why: string | null;
}

export interface SyncStatus {
  unsent: number;
  oldest_unsent_at: string | null;
  oldest_unsent_age_seconds: number | null;
  sent: number;
  last_error: string | null;
  last_contact_at: string | null;
}
