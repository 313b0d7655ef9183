/** Row types of the dashboard's tables (migrations.ts), joined with the HQ service's schema. */
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { HqSchema } from '../db';

type Json = ColumnType<unknown, string, string>;
type Timestamp = ColumnType<Date | string, string | undefined, string>;
type Int8 = ColumnType<string | bigint, bigint | string | number | null, bigint | string | number | null>;

export const ROLES = ['admin', 'merchandiser', 'analyst', 'store-ops'] as const;
export type Role = (typeof ROLES)[number];

export interface HqUsersTable {
  user_id: string;
  username: string;
  display_name: Generated<string>;
  role: Role;
  password_hash: string;
  disabled: Generated<boolean>;
  created_at: Timestamp;
}
export interface HqSessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}
export interface HqLoginFailuresTable {
  throttle_key: string;
  failures: number;
  window_started_at: Timestamp;
  locked_until: Timestamp | null;
}
export interface HqAuditLogTable {
  id: ColumnType<string | bigint, never, never>;
  at: Timestamp;
  user_id: string | null;
  username: string;
  role: string;
  action: string;
  outcome: string;
  target: Json;
  details: Json;
}
export interface TestbenchRunsTable {
  run_id: string;
  created_by: string;
  created_at: Timestamp;
  status: 'queued' | 'running' | 'done' | 'cancelled' | 'failed';
  params: Json;
  progress_done: Generated<number>;
  progress_total: Generated<number>;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  error: ColumnType<unknown, string | null | undefined, string | null>;
  finished_at: Timestamp | null;
}
export interface PricingAuditTable {
  order_id: string;
  store_id: string;
  business_date: string;
  checked_at: Timestamp;
  status: 'match' | 'mismatch' | 'unverifiable';
  data_version: string | null;
  reason: Generated<string>;
  hub_total_minor: Int8;
  hq_total_minor: Int8;
  differences: Json;
}

/** The store settings promo-core needs that HQ does not publish as a stream (tax config, barcode layouts). */
export interface StorePricingConfigTable {
  store_id: string;
  config: Json;
  updated_at: Timestamp;
}

export interface DashboardTables {
  store_pricing_config: StorePricingConfigTable;
  hq_users: HqUsersTable;
  hq_sessions: HqSessionsTable;
  hq_login_failures: HqLoginFailuresTable;
  hq_audit_log: HqAuditLogTable;
  testbench_runs: TestbenchRunsTable;
  pricing_audit: PricingAuditTable;
}

export type DashSchema = HqSchema & DashboardTables;
export type DashDb = Kysely<DashSchema>;
