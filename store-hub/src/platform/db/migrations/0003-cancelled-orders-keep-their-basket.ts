import type { Migration } from './types';

export const m0003: Migration = {
  version: 3,
  name: 'a cancelled order stays as it was; a new checkout of its basket is a new order',
  rebuildsTables: true,
  // orders.basket_id loses its UNIQUE: at most one order per basket that is not cancelled.
  sql: `
CREATE TABLE orders_v3 (
  order_id TEXT PRIMARY KEY,
  o_id INTEGER NOT NULL,
  basket_id TEXT NOT NULL REFERENCES baskets(basket_id),
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  order_status TEXT NOT NULL CHECK (order_status IN ('created', 'completed', 'verified', 'verification_failed', 'refunded', 'cancelled')),
  payment_status TEXT NOT NULL CHECK (payment_status IN ('not_captured', 'captured_live_mode', 'captured_demo_mode')),
  total INTEGER NOT NULL,
  currency TEXT NOT NULL,
  transaction_id_poslog TEXT,
  receipt_number TEXT,
  priced TEXT NOT NULL,
  created_at TEXT NOT NULL,
  completed_at TEXT,
  cancelled_at TEXT,
  business_date TEXT,
  receipt_input TEXT,
  CHECK (order_status NOT IN ('completed', 'verified') OR (transaction_id_poslog IS NOT NULL AND receipt_number IS NOT NULL AND completed_at IS NOT NULL))
) STRICT;
INSERT INTO orders_v3 (order_id, o_id, basket_id, device_id, order_status, payment_status, total, currency, transaction_id_poslog,
  receipt_number, priced, created_at, completed_at, cancelled_at, business_date, receipt_input)
  SELECT order_id, o_id, basket_id, device_id, order_status, payment_status, total, currency, transaction_id_poslog,
  receipt_number, priced, created_at, completed_at, cancelled_at, business_date, receipt_input FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v3 RENAME TO orders;
CREATE INDEX orders_status ON orders(order_status);
CREATE UNIQUE INDEX orders_one_open_per_basket ON orders(basket_id) WHERE order_status <> 'cancelled';
`,
};
