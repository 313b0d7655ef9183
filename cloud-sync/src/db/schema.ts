/** Row types of the HQ database (Kysely's compile-time view of the migrations in migrations.ts). */
import type { ColumnType, Generated } from 'kysely';

/** int8 columns: PostgreSQL returns them as strings (pg) or bigints (PGlite); write bigint or string. */
export type Int8 = ColumnType<string | bigint, bigint | string | number, bigint | string | number>;
type Json = ColumnType<unknown, string, string>;
type Timestamp = ColumnType<Date | string, string, string>;

export interface StoresTable {
  store_id: string;
  name: Generated<string>;
  timezone: Generated<string>;
  currency: Generated<string>;
  currency_exponent: Generated<number>;
  demo: Generated<boolean>;
  created_at: Generated<Timestamp>;
  last_event_at: ColumnType<Date | string | null, string | null | undefined, string | null>;
  max_hub_seq: ColumnType<string | bigint, bigint | string | undefined, bigint | string>;
}
export interface StoreGroupsTable {
  group_id: string;
  store_id: string;
}
export interface EventsTable {
  event_id: string;
  store_id: string;
  type: string;
  version: number;
  hub_seq: Int8;
  key: string;
  device_id: string | null;
  occurred_at: Timestamp;
  business_date: string;
  data: Json;
  topic: string;
  partition: number;
  offset: Int8;
  received_at: Generated<Timestamp>;
}
export interface SeqGapsTable {
  store_id: string;
  from_seq: Int8;
  to_seq: Int8;
  detected_at: Generated<Timestamp>;
}
export interface OrdersTable {
  order_id: string;
  event_id: string;
  store_id: string;
  device_id: string;
  platform: string;
  demo: boolean;
  business_date: string;
  calendar_date: string;
  completed_at: Timestamp;
  currency: string;
  total_minor: Int8;
  total_excl_tax_minor: Int8;
  total_tax_minor: Int8;
  total_discount_minor: Int8;
  items_count: Int8;
  snapshot: Json;
}
export interface DailySalesTable {
  demo: boolean;
  platform: string;
  store_id: string;
  calendar_date: string;
  business_date: string;
  device_id: string;
  currency: string;
  total_txn_count: Int8;
  total_items_purchased: Int8;
  total_basket_value_minor: Int8;
  total_basket_value_tax_excluded_minor: Int8;
  total_items_scanned: Int8;
  login_count: Int8;
  sign_up_count: Int8;
  staff_login_count: Int8;
  ratings_0: Int8;
  ratings_1: Int8;
  ratings_2: Int8;
  ratings_3: Int8;
  ratings_4: Int8;
  ratings_5: Int8;
}
export interface DailySalesPaymentsTable {
  demo: boolean;
  platform: string;
  store_id: string;
  calendar_date: string;
  business_date: string;
  device_id: string;
  method: string;
  txn_count: Int8;
  value_minor: Int8;
}
export interface DevicesTable {
  store_id: string;
  device_id: string;
  last_seen_at: Timestamp;
  status: string;
  heartbeat: Json;
}
export interface AlertsTable {
  event_id: string;
  store_id: string;
  code: string;
  severity: string;
  message: string | null;
  context: Json;
  occurred_at: Timestamp;
}
export interface StreamAppliedTable {
  store_id: string;
  stream: string;
  version: Int8;
  applied_at: Timestamp;
}
export interface DeadLettersTable {
  id: ColumnType<string | bigint, never, never>;
  topic: string;
  partition: number;
  offset: Int8;
  record_key: string | null;
  value: string;
  code: string;
  reason: Json;
  store_id: string | null;
  event_id: string | null;
  created_at: Generated<Timestamp>;
  replay_attempts: Generated<number>;
  resolved_at: Timestamp | null;
  last_replay_reason: Json | null;
}
export interface StreamVersionsTable {
  store_id: string;
  stream: string;
  version: Int8;
}
export interface PublicationsTable {
  publication_id: string;
  store_id: string;
  stream: string;
  type: string;
  version: Int8;
  chunks: number;
  counts: Json;
  created_at: Generated<Timestamp>;
  created_by: string | null;
}
export interface HqOutboxTable {
  seq: ColumnType<string | bigint, never, never>;
  topic: string;
  record_key: string;
  value: string;
  created_at: Generated<Timestamp>;
  sent_at: Timestamp | null;
  attempts: Generated<number>;
  last_error: string | null;
}
export interface StreamDocsTable {
  store_id: string;
  stream: string;
  doc_id: string;
  doc: Json;
  version: Int8;
}

export interface HqSchema {
  stores: StoresTable;
  store_groups: StoreGroupsTable;
  events: EventsTable;
  seq_gaps: SeqGapsTable;
  orders: OrdersTable;
  daily_sales: DailySalesTable;
  daily_sales_payments: DailySalesPaymentsTable;
  devices: DevicesTable;
  alerts: AlertsTable;
  stream_applied: StreamAppliedTable;
  dead_letters: DeadLettersTable;
  stream_versions: StreamVersionsTable;
  publications: PublicationsTable;
  hq_outbox: HqOutboxTable;
  stream_docs: StreamDocsTable;
}
