/**
 * The fleet page: the HQ service's fleet read model (reports.fleet) plus what a person looks
 * for first — sync lag from the hub's heartbeat, devices with faults, streams behind, and the
 * open alerts and dead letters themselves.
 */
import { sql } from 'kysely';
import type { DashDb } from '../access/schema';
import type { HqDb } from '../db';
import { listDeadLetters } from '../dead-letters';
import { outboxBacklog } from '../publishing';
import { fleet } from '../reports';

interface Heartbeat {
  kind?: string;
  status?: string;
  printer?: { state?: string; paper?: string } | null;
  terminal?: { state?: string } | null;
  outbox?: { backlog?: number; oldest_unsent_at?: string | null } | null;
}

const PRINTER_OK = new Set(['ok', 'online', 'ready', 'idle']);
const TERMINAL_OK = new Set(['ok', 'online', 'ready', 'idle']);

/** The faults a heartbeat reports, in plain words (pure). */
export function deviceFaults(h: Heartbeat, status: string): string[] {
  const out: string[] = [];
  if (status === 'offline') out.push(`${h.kind ?? 'device'} offline`);
  else if (status === 'degraded') out.push(`${h.kind ?? 'device'} degraded`);
  if (h.printer) {
    if (h.printer.paper && !/^(ok|present|full|near_end)$/i.test(h.printer.paper))
      out.push(`printer paper ${h.printer.paper.replace(/_/g, ' ')}`);
    if (h.printer.state && !PRINTER_OK.has(h.printer.state.toLowerCase()))
      out.push(`printer ${h.printer.state.replace(/_/g, ' ')}`);
  }
  if (h.terminal?.state && !TERMINAL_OK.has(h.terminal.state.toLowerCase()))
    out.push(`terminal ${h.terminal.state.replace(/_/g, ' ')}`);
  return out;
}

export async function fleetView(db: DashDb, now = new Date()) {
  const hq = db as unknown as HqDb;
  const [stores, letters, alerts, outbox] = await Promise.all([
    fleet(hq),
    listDeadLetters(hq, { unresolvedOnly: true, limit: 100 }),
    db
      .selectFrom('alerts')
      .select(['event_id', 'store_id', 'code', 'severity', 'message', 'occurred_at'])
      .where('occurred_at', '>', sql<string>`now() - interval '7 days'`)
      .orderBy('occurred_at', 'desc')
      .limit(100)
      .execute(),
    outboxBacklog(hq),
  ]);
  return {
    generated_at: now.toISOString(),
    hq_outbox: outbox,
    stores: stores.map((s) => {
      let oldest: string | null = null;
      let backlog = 0;
      const devices = s.devices.map((d) => {
        const h = (d.heartbeat ?? {}) as Heartbeat;
        if (h.outbox) {
          backlog = Math.max(backlog, h.outbox.backlog ?? 0);
          const o = h.outbox.oldest_unsent_at ?? null;
          if (o && (!oldest || o < oldest)) oldest = o;
        }
        return {
          device_id: d.device_id,
          kind: h.kind ?? null,
          status: d.status,
          last_seen_at: d.last_seen_at,
          faults: deviceFaults(h, d.status),
        };
      });
      const lagSeconds = oldest ? Math.max(0, Math.round((now.getTime() - Date.parse(oldest)) / 1000)) : 0;
      const streams = Object.entries(s.streams)
        .map(([stream, v]) => ({
          stream,
          published: v.published,
          applied: v.applied,
          behind: v.applied === null ? v.published > 0 : v.applied < v.published,
        }))
        .sort((a, b) => a.stream.localeCompare(b.stream));
      return {
        store_id: s.store_id,
        name: s.name,
        last_contact_at: s.last_contact_at,
        max_hub_seq: s.max_hub_seq,
        gaps: s.gaps,
        missing_events: s.missing_events,
        sync: { backlog, oldest_unsent_at: oldest, lag_seconds: lagSeconds },
        streams,
        devices,
        faults: devices.reduce((n, d) => n + d.faults.length, 0),
        dead_letters: s.dead_letters,
        alerts_24h: s.alerts_24h,
      };
    }),
    alerts: alerts.map((a) => ({ ...a, occurred_at: new Date(a.occurred_at).toISOString() })),
    dead_letters: letters,
  };
}
