import type { Migration } from './types';

/**
 * A refund paid back in parts (issue 12): one row per card tender it goes back to, and one for
 * the cash part. Each card part carries its own terminal reference (`part_id`), so a refund left
 * in progress by a crash is resolved part by part from the terminal's answer and never sent
 * twice. Refunds made before this migration become one part each, so the per-tender sums only
 * ever read this table.
 */
export const m0006: Migration = {
  version: 6,
  name: 'refund parts: a refund split across card tenders and cash',
  sql: `
CREATE TABLE refund_parts (
  part_id TEXT PRIMARY KEY,
  refund_id TEXT NOT NULL REFERENCES refunds(refund_id),
  seq INTEGER NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('card', 'cash')),
  tender_id TEXT REFERENCES tenders(tender_id),
  amount INTEGER NOT NULL CHECK (amount > 0),
  status TEXT NOT NULL CHECK (status IN ('PROCESSING', 'REFUNDED', 'FAILED')),
  reference TEXT,
  failure TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (refund_id, seq),
  CHECK ((method = 'card') = (tender_id IS NOT NULL))
) STRICT;
CREATE INDEX refund_parts_tender ON refund_parts(tender_id) WHERE tender_id IS NOT NULL;

INSERT INTO refund_parts(part_id, refund_id, seq, method, tender_id, amount, status, reference, failure, created_at, updated_at)
  SELECT refund_id || ':1', refund_id, 1, method, CASE WHEN method = 'card' THEN tender_id END, amount,
         CASE status WHEN 'REFUNDED' THEN 'REFUNDED' WHEN 'PSP_FAILED' THEN 'FAILED' WHEN 'FAILED' THEN 'FAILED' ELSE 'PROCESSING' END,
         gateway_reference, failure, created_at, updated_at
  FROM refunds WHERE amount > 0 AND (method = 'cash' OR tender_id IS NOT NULL);
`,
};
