/**
 * Cloud sync for the hub: the outbox relay, the inbox and heartbeats, started together through
 * HubOptions.startSync. Without brokers configured the hub runs alone (sync off, nothing fails).
 */
import { Kafka } from 'kafkajs';
import type { Db } from '../platform/db/database';
import { enqueueOutbox } from '../outbox';
import type { ExtensionContext } from '../extensions';
import type { SyncConfig } from './config';
import { kafkaConfig, syncConfigFromEnv } from './config';
import type { HeartbeatDevice } from './heartbeat';
import { Heartbeat } from './heartbeat';
import { Inbox } from './inbox';
import type { RelayStatus } from './relay';
import { OutboxRelay } from './relay';
import type { Enqueue, SyncLogger } from './types';

export { OutboxRelay } from './relay';
export type { RelayStatus } from './relay';
export { Inbox } from './inbox';
export { Heartbeat } from './heartbeat';
export type { SyncConfig } from './config';
export { syncConfigFromEnv, syncConfigSchema, kafkaConfig } from './config';

export interface SyncHandle {
  relay: OutboxRelay;
  inbox: Inbox;
  heartbeat: Heartbeat;
  status(): SyncStatus;
  stop(): Promise<void>;
}

export interface SyncStatus extends RelayStatus {
  inbox: ReturnType<Inbox['status']>;
}

/** The store's clock settings for envelopes, read without building the whole StoreData. */
function storeClock(db: Db, storeId: string) {
  const row = db
    .prepare(
      `SELECT json_extract(doc, '$.timezone') AS tz, json_extract(doc, '$.business_day_offset_minutes') AS off FROM store_config WHERE id = 'store'`,
    )
    .get() as { tz: string | null; off: number | null } | undefined;
  return { store_id: storeId, timezone: row?.tz ?? 'UTC', business_day_offset_minutes: row?.off ?? 0 };
}

export function hubEnqueue(db: Db, storeId: string): Enqueue {
  return (e) => {
    enqueueOutbox(db, storeClock(db, storeId), e);
  };
}

/** The hub itself and every paired client, online when seen in the last 3 minutes. */
function hubDevices(db: Db, storeId: string): () => HeartbeatDevice[] {
  return () => {
    const hub: HeartbeatDevice = { device_id: `hub-${storeId}`, kind: 'hub', status: 'online' };
    let rows: {
      device_id: string;
      kind: string;
      last: string | null;
      printer: string | null;
      terminal: string | null;
    }[];
    try {
      rows = db
        .prepare(
          `SELECT d.device_id, d.kind, c.last_contact_at AS last, c.printer, c.terminal
             FROM devices d LEFT JOIN device_contact c USING (device_id) WHERE d.revoked_at IS NULL`,
        )
        .all() as typeof rows;
    } catch {
      // No contact table (an older schema): report the hub alone.
      return [hub];
    }
    const fresh = Date.now() - 180_000;
    return [
      hub,
      ...rows.map((r) => ({
        device_id: r.device_id,
        kind: r.kind,
        status: r.last && Date.parse(r.last) >= fresh ? ('online' as const) : ('offline' as const),
        printer: r.printer ? { state: r.printer } : null,
        terminal: r.terminal ? { state: r.terminal } : null,
      })),
    ];
  };
}

let current: SyncHandle | null = null;

/** The running sync's figures for /v1/sync/status (null when sync is off). */
export function currentSyncStatus(): SyncStatus | null {
  return current?.status() ?? null;
}

export function startSync(
  db: Db,
  config: SyncConfig,
  opts: { storeId: string; logger?: SyncLogger; onApplied?: () => void },
): SyncHandle {
  const kafka = new Kafka(kafkaConfig(config, opts.storeId));
  const enqueue = hubEnqueue(db, opts.storeId);
  const relay = new OutboxRelay({
    db,
    kafka,
    storeId: opts.storeId,
    enqueue,
    alertAfterMs: config.alertAfterMs,
    idlePollMs: 100,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const inbox = new Inbox({
    db,
    kafka,
    storeId: opts.storeId,
    enqueue,
    onApplied: () => {
      relay.notify();
      opts.onApplied?.();
    },
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const heartbeat = new Heartbeat({
    db,
    storeId: opts.storeId,
    enqueue,
    devices: hubDevices(db, opts.storeId),
    outbox: () => {
      const s = relay.status();
      return { backlog: s.backlog, oldest_unsent_at: s.oldest_unsent_at };
    },
    intervalMs: config.heartbeatMs,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  relay.start();
  heartbeat.start();
  // The inbox connects in the background and retries on its own while the broker is away.
  const inboxStarted = inbox.start().catch((err: unknown) => {
    opts.logger?.warn({ err: String(err) }, 'sync: inbox could not start; the store runs on its last data');
  });
  const handle: SyncHandle = {
    relay,
    inbox,
    heartbeat,
    status: () => ({ ...relay.status(), inbox: inbox.status() }),
    async stop() {
      heartbeat.stop();
      await inboxStarted;
      await inbox.stop();
      await relay.stop();
      if (current === handle) current = null;
    },
  };
  current = handle;
  return handle;
}

/**
 * For HubOptions.startSync: sync from KASSA_KAFKA_* when brokers are set; the store's id from
 * KASSA_STORE_ID or its stored configuration. Returns undefined (sync off) otherwise.
 */
export function startSyncFromEnv(ctx: ExtensionContext & { db: Db }): SyncHandle | undefined {
  const config = syncConfigFromEnv();
  if (!config) return undefined;
  const row = ctx.db
    .prepare(`SELECT json_extract(doc, '$.store_id') AS id FROM store_config WHERE id = 'store'`)
    .get() as { id: string | null } | undefined;
  const storeId = process.env.KASSA_STORE_ID || row?.id;
  if (!storeId) {
    ctx.log.warn('sync: no store id (import a store or set KASSA_STORE_ID); the hub runs without cloud sync');
    return undefined;
  }
  const log: SyncLogger = {
    info: (o, m) => ctx.log.info(o, m),
    warn: (o, m) => ctx.log.warn(o, m),
    error: (o, m) => ctx.log.error(o, m),
  };
  ctx.log.info({ brokers: config.brokers, storeId }, 'sync: starting relay and inbox');
  return startSync(ctx.db, config, {
    storeId,
    logger: log,
    onApplied: () => ctx.services.notifyReplication(),
  });
}
