/**
 * `device.heartbeat` (§6.2) every 60 s per device, through the outbox like every other event.
 * While a heartbeat of a device is still unsent (broker unreachable) no newer one is queued for
 * it: a heartbeat says "alive now", so days offline must not leave 1,440 a day per device behind.
 */
import type { Db } from './db';
import type { Enqueue, SyncLogger } from './types';
import { NOOP_LOGGER } from './types';

export interface HeartbeatDevice {
  device_id: string;
  kind?: string;
  status: 'online' | 'degraded' | 'offline';
  versions?: Record<string, string | number>;
  printer?: { state: string; paper?: string } | null;
  terminal?: { state: string } | null;
}

export interface HeartbeatOptions {
  db: Db;
  storeId: string;
  enqueue: Enqueue;
  /** The devices to report on each beat (the hub itself and the paired kiosks/lanes). */
  devices: () => HeartbeatDevice[];
  /** Backlog figures added to the hub's own heartbeat. */
  outbox?: () => { backlog: number; oldest_unsent_at: string | null };
  intervalMs?: number;
  logger?: SyncLogger;
}

export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private readonly pendingFor;

  constructor(private readonly o: HeartbeatOptions) {
    this.pendingFor = o.db.prepare<[string], { n: number }>(
      `SELECT COUNT(*) AS n FROM outbox WHERE type = 'device.heartbeat' AND sent_at IS NULL AND json_extract(envelope, '$.data.device_id') = ?`,
    );
  }

  start(): void {
    if (this.timer) return;
    this.beat();
    this.timer = setInterval(() => this.beat(), this.o.intervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One beat; returns how many heartbeats were queued. */
  beat(): number {
    try {
      const devices = this.o.devices();
      const outbox = this.o.outbox?.();
      let queued = 0;
      this.o.db.transaction(() => {
        for (const d of devices) {
          if ((this.pendingFor.get(d.device_id)?.n ?? 0) > 0) continue;
          this.o.enqueue({
            type: 'device.heartbeat',
            key: this.o.storeId,
            device_id: d.device_id,
            data: {
              device_id: d.device_id,
              ...(d.kind ? { kind: d.kind } : {}),
              status: d.status,
              versions: d.versions ?? {},
              ...(d.printer !== undefined ? { printer: d.printer } : {}),
              ...(d.terminal !== undefined ? { terminal: d.terminal } : {}),
              ...(d.kind === 'hub' && outbox ? { outbox } : {}),
            },
          });
          queued++;
        }
      })();
      return queued;
    } catch (err) {
      (this.o.logger ?? NOOP_LOGGER).warn({ err: String(err) }, 'sync: heartbeat not recorded');
      return 0;
    }
  }
}
