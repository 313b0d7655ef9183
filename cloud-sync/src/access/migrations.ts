/**
 * Forward-only migrations of the dashboard's own tables (issue 14), run by their own Kysely
 * Migrator with their own bookkeeping table, so they never interleave with the HQ service's
 * migration order (src/db/migrations.ts) and either side can add migrations independently.
 * They only reference the service's tables by value (store_id, order_id), never by foreign key,
 * so the two sets can be applied in any order.
 */
import type { Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';

const statements = (text: string): Migration => ({
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>): Promise<void> {
    for (const s of text
      .split(/;\s*\n/)
      .map((x) => x.trim())
      .filter(Boolean))
      await sql.raw(s).execute(db);
  },
});

export const DASHBOARD_MIGRATIONS: Record<string, Migration> = {
  '0001_access': statements(`
CREATE TABLE hq_users (
  user_id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL DEFAULT '',
  role text NOT NULL CHECK (role IN ('admin', 'merchandiser', 'analyst', 'store-ops')),
  password_hash text NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE hq_sessions (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES hq_users(user_id),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX hq_sessions_user ON hq_sessions(user_id);
CREATE TABLE hq_login_failures (
  throttle_key text PRIMARY KEY,
  failures integer NOT NULL,
  window_started_at timestamptz NOT NULL,
  locked_until timestamptz
);
CREATE TABLE hq_audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id uuid,
  username text NOT NULL,
  role text NOT NULL,
  action text NOT NULL,
  outcome text NOT NULL,
  target jsonb NOT NULL,
  details jsonb NOT NULL
);
CREATE INDEX hq_audit_log_at ON hq_audit_log(at)`),
  '0002_testbench_and_audit': statements(`
CREATE TABLE testbench_runs (
  run_id uuid PRIMARY KEY,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'cancelled', 'failed')),
  params jsonb NOT NULL,
  progress_done integer NOT NULL DEFAULT 0,
  progress_total integer NOT NULL DEFAULT 0,
  result jsonb,
  error jsonb,
  finished_at timestamptz
);
CREATE TABLE pricing_audit (
  order_id text PRIMARY KEY,
  store_id text NOT NULL,
  business_date text NOT NULL,
  checked_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL CHECK (status IN ('match', 'mismatch', 'unverifiable')),
  data_version text,
  reason text NOT NULL DEFAULT '',
  hub_total_minor bigint,
  hq_total_minor bigint,
  differences jsonb NOT NULL
);
CREATE INDEX pricing_audit_status ON pricing_audit(status, checked_at);
CREATE TABLE store_pricing_config (
  store_id text PRIMARY KEY,
  config jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`),
};

class InlineProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return DASHBOARD_MIGRATIONS;
  }
}

/** Applies the dashboard's pending migrations; throws with the failing migration's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateDashboard(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new InlineProvider(),
    migrationTableName: 'kysely_migration_dashboard',
    migrationLockTableName: 'kysely_migration_dashboard_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '?';
    throw new Error(`dashboard migration ${failed} failed: ${String(error)}`);
  }
}
