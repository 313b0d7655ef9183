import type { Migration } from './types';

export const m0001: Migration = {
  version: 1,
  name: 'initial store schema',
  sql: `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Store configuration: one document, versioned (§1.1). Replicated to kiosks.
CREATE TABLE store_config (
  id TEXT PRIMARY KEY CHECK (id = 'store'),
  doc TEXT NOT NULL,
  config_version INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  retailer_device_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  platform TEXT NOT NULL,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  lane_device_id TEXT REFERENCES devices(device_id),
  paired_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;

CREATE TABLE pairing_codes (
  code TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  device_id TEXT
) STRICT;

CREATE TABLE staff_users (
  user_id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  pin_hash TEXT NOT NULL,
  permissions TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE staff_sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES staff_users(user_id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;

-- Catalogue, promotions, tax: the wire documents as imported, plus the columns lookups need.
-- updated_at is the hub's replication clock (strictly increasing per write transaction).
CREATE TABLE catalog_items (
  item_id TEXT PRIMARY KEY,
  product_identifier TEXT NOT NULL,
  retailer_product_id TEXT,
  doc TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX catalog_items_repl ON catalog_items(updated_at, item_id);

CREATE TABLE item_codes (
  code TEXT PRIMARY KEY,
  item_id TEXT NOT NULL REFERENCES catalog_items(item_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX item_codes_item ON item_codes(item_id);

CREATE TABLE categories (
  category_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX categories_repl ON categories(updated_at, category_id);

CREATE TABLE promotions (
  promo_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX promotions_repl ON promotions(updated_at, promo_id);

CREATE TABLE tax_rows (
  row_id TEXT PRIMARY KEY, -- tax_code || '/' || retailer_tax_level_id
  tax_code TEXT NOT NULL,
  retailer_tax_level_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  UNIQUE (tax_code, retailer_tax_level_id)
) STRICT;
CREATE INDEX tax_rows_repl ON tax_rows(updated_at, row_id);

CREATE TABLE kiosk_sessions (
  session_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  customer TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE baskets (
  basket_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  session_id TEXT REFERENCES kiosk_sessions(session_id),
  state TEXT NOT NULL CHECK (state IN ('active', 'checked_out', 'expired')),
  version INTEGER NOT NULL DEFAULT 0,
  requires_approval INTEGER NOT NULL DEFAULT 0,
  pricing_error TEXT,
  priced TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  expired_at TEXT
) STRICT;
CREATE INDEX baskets_device ON baskets(device_id, state);

CREATE TABLE basket_lines (
  line_id TEXT PRIMARY KEY,
  basket_id TEXT NOT NULL REFERENCES baskets(basket_id),
  seq INTEGER NOT NULL,
  -- the line exactly as promo-core's BasketInput takes it, incl. the price snapshot taken at add time
  input TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX basket_lines_basket ON basket_lines(basket_id, seq);

-- Interventions: age checks (§2.7) and help requests; decided by staff.
CREATE TABLE interventions (
  intervention_id TEXT PRIMARY KEY,
  basket_id TEXT REFERENCES baskets(basket_id),
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  kind TEXT NOT NULL CHECK (kind IN ('age_check', 'help')),
  status TEXT NOT NULL CHECK (status IN ('P', 'A', 'R', 'closed')),
  code TEXT,
  reason TEXT NOT NULL,
  reviewer_user_id TEXT,
  removed_line_ids TEXT,
  created_at TEXT NOT NULL,
  decided_at TEXT
) STRICT;
CREATE UNIQUE INDEX interventions_one_open_age_check ON interventions(basket_id)
  WHERE kind = 'age_check' AND status = 'P';

CREATE TABLE orders (
  order_id TEXT PRIMARY KEY,
  o_id INTEGER NOT NULL,
  basket_id TEXT NOT NULL UNIQUE REFERENCES baskets(basket_id),
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  order_status TEXT NOT NULL CHECK (order_status IN ('created', 'completed', 'verified', 'verification_failed', 'refunded', 'cancelled')),
  payment_status TEXT NOT NULL CHECK (payment_status IN ('not_captured', 'captured_live_mode', 'captured_demo_mode')),
  total INTEGER NOT NULL,
  currency TEXT NOT NULL,
  transaction_id_poslog TEXT,
  receipt_number TEXT,
  priced TEXT NOT NULL, -- the basket as priced when the order was created
  created_at TEXT NOT NULL,
  completed_at TEXT,
  cancelled_at TEXT,
  business_date TEXT,
  -- a completed order has its numbers: the completing transaction sets them together
  CHECK (order_status NOT IN ('completed', 'verified') OR (transaction_id_poslog IS NOT NULL AND receipt_number IS NOT NULL AND completed_at IS NOT NULL))
) STRICT;
CREATE INDEX orders_status ON orders(order_status);

CREATE TABLE payments (
  order_id TEXT PRIMARY KEY REFERENCES orders(order_id),
  status TEXT NOT NULL,
  total INTEGER NOT NULL,
  captured_amount INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  completed_at TEXT,
  CHECK (captured_amount >= 0 AND captured_amount <= total)
) STRICT;

CREATE TABLE tenders (
  tender_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(order_id),
  -- the Idempotency-Key of the request that started it: a retried start finds this tender
  idem_key TEXT UNIQUE,
  method TEXT NOT NULL,
  requested_amount INTEGER NOT NULL,
  amount INTEGER NOT NULL DEFAULT 0, -- captured amount
  status TEXT NOT NULL CHECK (status IN ('pending', 'captured', 'failed', 'voided', 'cancelled')),
  failure_code TEXT,
  psp_reference TEXT,
  auth_code TEXT,
  card_brand TEXT,
  card_last4 TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX tenders_order ON tenders(order_id);
CREATE INDEX tenders_pending ON tenders(status) WHERE status = 'pending';

-- Append-only log of every terminal request and response (P9).
CREATE TABLE payment_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id TEXT NOT NULL,
  tender_id TEXT,
  at TEXT NOT NULL,
  event TEXT NOT NULL,
  detail TEXT NOT NULL
) STRICT;

CREATE TABLE receipts (
  receipt_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL UNIQUE REFERENCES orders(order_id),
  receipt_number TEXT NOT NULL UNIQUE,
  document TEXT NOT NULL,
  text TEXT NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE sequences (
  name TEXT NOT NULL,
  scope_key TEXT NOT NULL,
  current INTEGER NOT NULL,
  min INTEGER NOT NULL,
  max INTEGER NOT NULL,
  PRIMARY KEY (name, scope_key)
) STRICT;

-- hub_seq is the per-hub monotonic sequence of the event envelope (§6.1).
CREATE TABLE outbox (
  hub_seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  key TEXT NOT NULL,
  envelope TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
) STRICT;
CREATE INDEX outbox_unsent ON outbox(hub_seq) WHERE sent_at IS NULL;
CREATE UNIQUE INDEX outbox_one_completion ON outbox(key) WHERE type = 'order.completed';

CREATE TABLE idempotency (
  device_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (device_id, key)
) STRICT;

-- Kiosk-written replicated documents (offline baskets), RxDB push/pull.
CREATE TABLE kiosk_docs (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  doc TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (collection, id)
) STRICT;
CREATE INDEX kiosk_docs_repl ON kiosk_docs(collection, updated_at, id);
`,
};
