/**
 * The console as a hub extension (src/extensions.ts): basket adjustments for promo-core, last
 * contact of paired clients, cookie sessions for the staff guard and the socket handshake, and
 * the console endpoints bound on the hub's router (its guards, validation and idempotency).
 */
import type { HubExtension } from '../../extensions';
import type { Db } from '../../platform/db/database';
import type { PaymentTerminal } from '../payments/terminal/port';
import type { PrintFn } from '../receipts/service';
import { staffAdjustmentsFor } from '../assistance/service';
import { ConsoleAuth } from '../console-auth/service';
import { buildConsole, type Console } from './index';
import { consoleRoutes } from './routes';

const auths = new WeakMap<Db, ConsoleAuth>();
const authFor = (db: Db): ConsoleAuth => {
  let a = auths.get(db);
  if (!a) auths.set(db, (a = new ConsoleAuth(db)));
  return a;
};
const built = new WeakMap<Db, Console>();
const touches = new WeakMap<Db, (deviceId: string, at: string) => void>();
/** At most one last-contact write per device in this time (see onDeviceSeen). */
const LAST_CONTACT_EVERY_MS = 2_000;

export function consoleExtension(opts: { refundTerminalTimeoutMs?: number } = {}): HubExtension {
  // For tests of a slow terminal against the real process (like serve's --terminal-timeout-ms).
  const envTimeout = Number(process.env.KASSA_REFUND_TERMINAL_TIMEOUT_MS);
  if (opts.refundTerminalTimeoutMs === undefined && Number.isSafeInteger(envTimeout) && envTimeout > 0)
    opts = { ...opts, refundTerminalTimeoutMs: envTimeout };
  return {
    name: 'console',
    basketAdjustments: (db, basketId) => {
      const a = staffAdjustmentsFor(db, basketId);
      return {
        ...(a.basket_discounts.length > 0 ? { basket_discounts: a.basket_discounts } : {}),
        ...(a.tax_mode_override ? { tax_mode_override: a.tax_mode_override } : {}),
      };
    },
    onDeviceSeen: (db, deviceId) => {
      let st = touches.get(db);
      if (!st) {
        const prepared = db.prepare<[string, string]>(
          `INSERT INTO device_contact(device_id, last_contact_at) VALUES (?, ?)
           ON CONFLICT(device_id) DO UPDATE SET last_contact_at = excluded.last_contact_at`,
        );
        const written = new Map<string, number>();
        st = (id, at) => {
          // Every authenticated request lands here. Written as its own synchronous=FULL commit it
          // was an fsync on the event loop per scan (issue 8 §3: the largest self time in the
          // hub's profile under the store bench). A lane shows offline after OFFLINE_AFTER_MS
          // (8 s) and kiosks beat every 3 s, so one write per device per 2 s is enough, and a
          // lost last-contact time (power cut) costs nothing: it commits at NORMAL.
          const now = Date.now();
          if (now - (written.get(id) ?? 0) < LAST_CONTACT_EVERY_MS) return;
          written.set(id, now);
          if (db.inTransaction) return void prepared.run(id, at);
          // db.pragma, not a prepared statement: SQLite applies this pragma when it is prepared.
          db.pragma('synchronous = NORMAL');
          try {
            prepared.run(id, at);
          } finally {
            db.pragma('synchronous = FULL');
          }
        };
        touches.set(db, st);
      }
      st(deviceId, new Date().toISOString());
    },
    staffFromRequest: (db, req) => authFor(db).fromRequest(req),
    staffFromHandshake: (db, headers) => authFor(db).fromCookieHeader(headers.cookie),
    mount: (_app, { services, router }) => {
      const s = services as typeof services & {
        terminal?: PaymentTerminal;
        printerFor?: (deviceId: string) => PrintFn | null;
      };
      if (!s.terminal) throw new Error('the console extension needs services.terminal');
      const c = buildConsole(
        {
          db: s.db,
          tx: s.tx,
          bus: s.bus,
          store: s.store,
          pairing: s.pairing,
          baskets: s.baskets,
          interventions: s.interventions,
          receipts: s.receipts,
          terminal: s.terminal,
          printerFor: s.printerFor ?? (() => null),
        },
        opts,
      );
      consoleRoutes(router, c);
      built.set(s.db, c);
    },
    // Refunds a previous run left in progress are settled from the terminal's answer once the hub listens.
    start: ({ services, log }) => {
      const c = built.get(services.db);
      const ids = c?.refunds.recover() ?? [];
      if (ids.length > 0) log.info({ refunds: ids }, 'recovering refunds left in progress');
    },
  };
}
