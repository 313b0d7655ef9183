/**
 * Forward-only migrations of the HQ database: each has an `up` and no `down`; a change to a
 * released schema is a new migration. Plain SQL so PGlite (PostgreSQL 18 in wasm) and Debian's
 * PostgreSQL 15 run exactly the same statements.
 *
 * Money is int8 minor units; dates that are calendar facts (business and calendar dates) are
 * text 'YYYY-MM-DD' so no driver ever shifts them through a time zone.
 */
import type { Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';

const statements = (text: string) => ({
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>): Promise<void> {
    for (const s of text
      .split(/;\s*\n/)
      .map((x) => x.trim())
      .filter(Boolean))
      await sql.raw(s).execute(db);
  },
});

const DATE_CHECK = (col: string) => `CHECK (${col} ~ '^\\d{4}-\\d{2}-\\d{2}$')`;

export const MIGRATIONS: Record<string, Migration> = {
  '0001_events_and_sales': statements(`
CREATE TABLE stores (
  store_id text PRIMARY KEY,
  name text NOT NULL DEFAULT '',
  timezone text NOT NULL DEFAULT 'UTC',
  currency text NOT NULL DEFAULT 'EUR',
  currency_exponent integer NOT NULL DEFAULT 2,
  demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_event_at timestamptz,
  max_hub_seq bigint NOT NULL DEFAULT 0
);
CREATE TABLE store_groups (
  group_id text NOT NULL,
  store_id text NOT NULL REFERENCES stores(store_id),
  PRIMARY KEY (group_id, store_id)
);
CREATE TABLE events (
  event_id uuid PRIMARY KEY,
  store_id text NOT NULL,
  type text NOT NULL,
  version integer NOT NULL,
  hub_seq bigint NOT NULL,
  key text NOT NULL,
  device_id text,
  occurred_at timestamptz NOT NULL,
  business_date text NOT NULL ${DATE_CHECK('business_date')},
  data jsonb NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL,
  "offset" bigint NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_store_seq ON events(store_id, hub_seq);
CREATE INDEX events_type ON events(type, store_id);
CREATE TABLE seq_gaps (
  store_id text NOT NULL,
  from_seq bigint NOT NULL,
  to_seq bigint NOT NULL,
  detected_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, from_seq),
  CHECK (from_seq <= to_seq)
);
CREATE TABLE orders (
  order_id text PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  store_id text NOT NULL,
  device_id text NOT NULL,
  platform text NOT NULL,
  demo boolean NOT NULL,
  business_date text NOT NULL ${DATE_CHECK('business_date')},
  calendar_date text NOT NULL ${DATE_CHECK('calendar_date')},
  completed_at timestamptz NOT NULL,
  currency text NOT NULL,
  total_minor bigint NOT NULL,
  total_excl_tax_minor bigint NOT NULL,
  total_tax_minor bigint NOT NULL,
  total_discount_minor bigint NOT NULL,
  items_count bigint NOT NULL,
  snapshot jsonb NOT NULL
);
CREATE INDEX orders_store_date ON orders(store_id, business_date);
CREATE TABLE daily_sales (
  demo boolean NOT NULL,
  platform text NOT NULL,
  store_id text NOT NULL,
  calendar_date text NOT NULL,
  business_date text NOT NULL,
  device_id text NOT NULL,
  currency text NOT NULL,
  total_txn_count bigint NOT NULL DEFAULT 0,
  total_items_purchased bigint NOT NULL DEFAULT 0,
  total_basket_value_minor bigint NOT NULL DEFAULT 0,
  total_basket_value_tax_excluded_minor bigint NOT NULL DEFAULT 0,
  total_items_scanned bigint NOT NULL DEFAULT 0,
  login_count bigint NOT NULL DEFAULT 0,
  sign_up_count bigint NOT NULL DEFAULT 0,
  staff_login_count bigint NOT NULL DEFAULT 0,
  ratings_0 bigint NOT NULL DEFAULT 0,
  ratings_1 bigint NOT NULL DEFAULT 0,
  ratings_2 bigint NOT NULL DEFAULT 0,
  ratings_3 bigint NOT NULL DEFAULT 0,
  ratings_4 bigint NOT NULL DEFAULT 0,
  ratings_5 bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (demo, platform, store_id, calendar_date, business_date, device_id)
);
CREATE TABLE daily_sales_payments (
  demo boolean NOT NULL,
  platform text NOT NULL,
  store_id text NOT NULL,
  calendar_date text NOT NULL,
  business_date text NOT NULL,
  device_id text NOT NULL,
  method text NOT NULL,
  txn_count bigint NOT NULL DEFAULT 0,
  value_minor bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (demo, platform, store_id, calendar_date, business_date, device_id, method)
);
CREATE TABLE devices (
  store_id text NOT NULL,
  device_id text NOT NULL,
  last_seen_at timestamptz NOT NULL,
  status text NOT NULL,
  heartbeat jsonb NOT NULL,
  PRIMARY KEY (store_id, device_id)
);
CREATE TABLE alerts (
  event_id uuid PRIMARY KEY,
  store_id text NOT NULL,
  code text NOT NULL,
  severity text NOT NULL,
  message text,
  context jsonb NOT NULL,
  occurred_at timestamptz NOT NULL
);
CREATE TABLE stream_applied (
  store_id text NOT NULL,
  stream text NOT NULL,
  version bigint NOT NULL,
  applied_at timestamptz NOT NULL,
  PRIMARY KEY (store_id, stream)
);
CREATE TABLE dead_letters (
  id bigserial PRIMARY KEY,
  topic text NOT NULL,
  partition integer NOT NULL,
  "offset" bigint NOT NULL,
  record_key text,
  value text NOT NULL,
  code text NOT NULL,
  reason jsonb NOT NULL,
  store_id text,
  event_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  replay_attempts integer NOT NULL DEFAULT 0,
  resolved_at timestamptz,
  last_replay_reason jsonb,
  UNIQUE (topic, partition, "offset")
)`),
  '0002_publishing': statements(`
CREATE TABLE stream_versions (
  store_id text NOT NULL,
  stream text NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (store_id, stream)
);
CREATE TABLE publications (
  publication_id uuid PRIMARY KEY,
  store_id text NOT NULL,
  stream text NOT NULL,
  type text NOT NULL,
  version bigint NOT NULL,
  chunks integer NOT NULL,
  counts jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text,
  UNIQUE (store_id, stream, version)
);
CREATE TABLE hq_outbox (
  seq bigserial PRIMARY KEY,
  topic text NOT NULL,
  record_key text NOT NULL,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX hq_outbox_unsent ON hq_outbox(seq) WHERE sent_at IS NULL;
CREATE TABLE stream_docs (
  store_id text NOT NULL,
  stream text NOT NULL,
  doc_id text NOT NULL,
  doc jsonb NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (store_id, stream, doc_id)
)`),
};

class InlineProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/** Applies every pending migration; throws with the failing migration's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrate(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InlineProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '?';
    throw new Error(`HQ migration ${failed} failed: ${String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
