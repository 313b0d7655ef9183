/**
 * Tables of the staff console (issue 12): staff credentials beyond the PIN, browser sessions,
 * login throttling, the audit log, shifts and cash, refunds, exit checks, device contact and
 * console settings. One migration, appended after the hub's own.
 */
export const CONSOLE_MIGRATION = {
  name: 'staff console: sessions, audit, shifts, refunds, exit checks, device contact',
  sql: `
-- Extra staff fields (§1.1) kept beside staff_users so the hub's import owns that table.
CREATE TABLE staff_access (
  user_id TEXT PRIMARY KEY REFERENCES staff_users(user_id),
  password_hash TEXT,
  retailer_staff_id TEXT UNIQUE,
  role_tabs TEXT,
  valid_until TEXT,
  force_reset_pin INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  csrf_hash TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES staff_users(user_id),
  client TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ended_at TEXT
) STRICT;

-- Failed sign-ins per account and per client address (throttling and lockout).
CREATE TABLE login_failures (
  scope TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_scope ON login_failures(scope, at);

-- Every staff action; written in the action's own transaction and never changed.
CREATE TABLE audit_log (
  audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  staff_user_id TEXT,
  staff_username TEXT,
  device_id TEXT,
  device_label TEXT,
  action TEXT NOT NULL,
  subject TEXT,
  what TEXT NOT NULL,
  why TEXT,
  details TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit rows are never updated'); END;
CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit rows are never deleted'); END;

CREATE TABLE device_contact (
  device_id TEXT PRIMARY KEY REFERENCES devices(device_id),
  last_contact_at TEXT NOT NULL,
  printer TEXT NOT NULL DEFAULT 'unknown',
  terminal TEXT NOT NULL DEFAULT 'unknown',
  app_version TEXT
) STRICT;

-- Basket-level staff changes (§2.1 B7, B11) fed into promo-core's basket input on every pricing.
CREATE TABLE basket_adjustments (
  basket_id TEXT PRIMARY KEY REFERENCES baskets(basket_id),
  basket_discounts TEXT NOT NULL DEFAULT '[]',
  tax_mode_override TEXT,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE console_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE shifts (
  shift_id TEXT PRIMARY KEY,
  store_shift_id INTEGER NOT NULL,
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  staff_user_id TEXT NOT NULL,
  worker_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  business_date TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT,
  start_amount INTEGER NOT NULL,
  start_denominations TEXT NOT NULL,
  cash_sales INTEGER NOT NULL DEFAULT 0,
  cash_tax INTEGER NOT NULL DEFAULT 0,
  cash_returns INTEGER NOT NULL DEFAULT 0,
  cash_activity_count INTEGER NOT NULL DEFAULT 0,
  transaction_count INTEGER NOT NULL DEFAULT 0,
  paid_in INTEGER NOT NULL DEFAULT 0,
  paid_out INTEGER NOT NULL DEFAULT 0,
  bank_drops INTEGER NOT NULL DEFAULT 0,
  expected INTEGER,
  end_amount INTEGER,
  end_denominations TEXT,
  removed_amount INTEGER,
  removed_denominations TEXT,
  counted INTEGER,
  mismatch INTEGER,
  has_mismatch INTEGER,
  UNIQUE (device_id, store_shift_id),
  CHECK (status = 'open' OR (end_time IS NOT NULL AND counted IS NOT NULL AND mismatch IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX shifts_one_open_per_device ON shifts(device_id) WHERE status = 'open';
CREATE INDEX shifts_business_date ON shifts(business_date);

CREATE TABLE shift_movements (
  movement_id TEXT PRIMARY KEY,
  shift_id TEXT NOT NULL REFERENCES shifts(shift_id),
  kind TEXT NOT NULL CHECK (kind IN ('paid_in', 'paid_out', 'bank_drop', 'cash_refund')),
  amount INTEGER NOT NULL CHECK (amount > 0),
  reason TEXT NOT NULL,
  staff_user_id TEXT NOT NULL,
  at TEXT NOT NULL
) STRICT;
CREATE INDEX shift_movements_shift ON shift_movements(shift_id);

-- Refunds are new records (§2.6); the sale is never edited, apart from its status at a full refund.
CREATE TABLE refunds (
  refund_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(order_id),
  status TEXT NOT NULL CHECK (status IN ('CREATED', 'PROCESSING', 'REFUNDED', 'PSP_FAILED', 'FAILED')),
  mode TEXT NOT NULL CHECK (mode IN ('F', 'P')),
  method TEXT NOT NULL CHECK (method IN ('card', 'cash')),
  tender_id TEXT,
  amount INTEGER NOT NULL CHECK (amount >= 0),
  tax_amount INTEGER NOT NULL,
  tax_breakup TEXT NOT NULL,
  reason TEXT NOT NULL,
  staff_user_id TEXT NOT NULL,
  device_id TEXT,
  shift_id TEXT,
  refund_poslog TEXT,
  gateway_reference TEXT,
  failure TEXT,
  receipt_text TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX refunds_order ON refunds(order_id);

CREATE TABLE refund_lines (
  refund_id TEXT NOT NULL REFERENCES refunds(refund_id),
  line_id TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  amount INTEGER NOT NULL CHECK (amount >= 0),
  tax_amount INTEGER NOT NULL,
  PRIMARY KEY (refund_id, line_id)
) STRICT;

CREATE TABLE order_verifications (
  verification_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(order_id),
  outcome TEXT NOT NULL CHECK (outcome IN ('verified', 'verification_failed')),
  method TEXT NOT NULL,
  reason TEXT,
  staff_user_id TEXT,
  at TEXT NOT NULL
) STRICT;
CREATE INDEX order_verifications_order ON order_verifications(order_id);
`,
};
