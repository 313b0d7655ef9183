/**
 * Devices for the console: last contact per paired client (every authenticated request, socket
 * connect and heartbeat touches it), the lanes board, pairing codes, revoke (the next request is
 * 401 and live sockets are dropped), test print and terminal connectivity check.
 */
import { HubError, notFound } from '../../platform/errors';
import { newId, nowIso } from '../../platform/ids';
import type { ConsoleDeps } from '../console/deps';
import type { ConsoleUser } from '../console-auth/service';

/** A kiosk that has not been heard from for this long shows offline (issue 12: within 10 s). */
export const OFFLINE_AFTER_MS = 8_000;

export type LaneState = 'idle' | 'shopping' | 'paying' | 'needs_help' | 'offline';

export interface LaneView {
  device_id: string;
  retailer_device_id: string;
  name: string;
  state: LaneState;
  state_since: string;
  last_contact_at: string | null;
  printer: string;
  terminal: string;
  basket: {
    basket_id: string;
    line_count: number;
    total: string;
    lines: { name: string; quantity: number; payable: string }[];
  } | null;
  open_interventions: number;
}

export interface DeviceView {
  device_id: string;
  retailer_device_id: string;
  name: string;
  kind: string;
  lane_device_id: string | null;
  paired_at: string;
  revoked_at: string | null;
  online: boolean;
  last_contact_at: string | null;
  has_printer: boolean;
}

/** The lane state as the board shows it, from what the hub knows (pure). */
export function laneState(f: {
  now: number;
  lastContactAt: string | null;
  openInterventionSince: string | null;
  paymentSince: string | null;
  basketSince: string | null;
  basketLines: number;
  pairedAt: string;
}): { state: LaneState; since: string } {
  const contact = f.lastContactAt ? Date.parse(f.lastContactAt) : null;
  if (contact === null || f.now - contact > OFFLINE_AFTER_MS)
    return { state: 'offline', since: f.lastContactAt ?? f.pairedAt };
  if (f.openInterventionSince) return { state: 'needs_help', since: f.openInterventionSince };
  if (f.paymentSince) return { state: 'paying', since: f.paymentSince };
  if (f.basketSince && f.basketLines > 0) return { state: 'shopping', since: f.basketSince };
  return { state: 'idle', since: f.basketSince ?? f.lastContactAt ?? f.pairedAt };
}

interface DeviceRow {
  device_id: string;
  retailer_device_id: string;
  name: string;
  kind: string;
  lane_device_id: string | null;
  paired_at: string;
  revoked_at: string | null;
  last_contact_at: string | null;
  printer: string | null;
  terminal: string | null;
}

export class DeviceAdmin {
  private readonly st;
  constructor(private readonly d: ConsoleDeps) {
    const db = d.db;
    this.st = {
      touch: db.prepare(
        `INSERT INTO device_contact(device_id, last_contact_at) VALUES (?, ?)
         ON CONFLICT(device_id) DO UPDATE SET last_contact_at = excluded.last_contact_at`,
      ),
      heartbeat: db.prepare(
        `INSERT INTO device_contact(device_id, last_contact_at, printer, terminal, app_version) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(device_id) DO UPDATE SET last_contact_at = excluded.last_contact_at, printer = excluded.printer,
           terminal = excluded.terminal, app_version = excluded.app_version`,
      ),
      devices: db.prepare<[], DeviceRow>(
        `SELECT d.device_id, d.retailer_device_id, d.name, d.kind, d.lane_device_id, d.paired_at, d.revoked_at,
                c.last_contact_at, c.printer, c.terminal
         FROM devices d LEFT JOIN device_contact c USING (device_id) ORDER BY d.retailer_device_id, d.paired_at`,
      ),
      basket: db.prepare<[string], { basket_id: string; state: string; created_at: string }>(
        `SELECT basket_id, state, created_at FROM baskets WHERE device_id = ? AND state IN ('active', 'checked_out')
         ORDER BY created_at DESC LIMIT 1`,
      ),
      payment: db.prepare<[string], { created_at: string }>(
        `SELECT created_at FROM orders WHERE basket_id = ? AND order_status = 'created' ORDER BY created_at DESC LIMIT 1`,
      ),
      interventions: db.prepare<[string], { n: number; since: string | null }>(
        `SELECT COUNT(*) AS n, MIN(created_at) AS since FROM interventions WHERE device_id = ? AND status = 'P'`,
      ),
      revoke: db.prepare(`UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL`),
    };
  }

  touch(deviceId: string): void {
    this.st.touch.run(deviceId, nowIso());
  }

  heartbeat(
    deviceId: string,
    h: { printer: string; terminal: string; app_version?: string | undefined },
  ): void {
    this.st.heartbeat.run(deviceId, nowIso(), h.printer, h.terminal, h.app_version ?? null);
  }

  lanes(now = Date.now()): LaneView[] {
    return this.st.devices
      .all()
      .filter((r) => r.revoked_at === null && ['self_checkout', 'cashier', 'mpos'].includes(r.kind))
      .map((r) => {
        const b = this.st.basket.get(r.device_id);
        const priced = b
          ? (this.d.baskets.pricedOf(b.basket_id) as {
              lines?: { item_name: string; quantity: number; payable: string }[];
              totals?: { total_after_tax?: string };
            })
          : null;
        const lines = priced?.lines ?? [];
        const pay = b ? this.st.payment.get(b.basket_id) : undefined;
        const iv = this.st.interventions.get(r.device_id)!;
        const s = laneState({
          now,
          lastContactAt: r.last_contact_at,
          openInterventionSince: iv.n > 0 ? iv.since : null,
          paymentSince: pay?.created_at ?? null,
          basketSince: b?.created_at ?? null,
          basketLines: lines.length,
          pairedAt: r.paired_at,
        });
        const printerAttached = this.d.printerFor(r.device_id) !== null;
        return {
          device_id: r.device_id,
          retailer_device_id: r.retailer_device_id,
          name: r.name,
          state: s.state,
          state_since: s.since,
          last_contact_at: r.last_contact_at,
          printer: r.printer && r.printer !== 'unknown' ? r.printer : printerAttached ? 'ok' : 'none',
          terminal: r.terminal ?? 'unknown',
          basket: b
            ? {
                basket_id: b.basket_id,
                line_count: lines.length,
                total: priced?.totals?.total_after_tax ?? '0.00',
                lines: lines.map((l) => ({ name: l.item_name, quantity: l.quantity, payable: l.payable })),
              }
            : null,
          open_interventions: iv.n,
        };
      });
  }

  devices(now = Date.now()): DeviceView[] {
    return this.st.devices.all().map((r) => ({
      device_id: r.device_id,
      retailer_device_id: r.retailer_device_id,
      name: r.name,
      kind: r.kind,
      lane_device_id: r.lane_device_id,
      paired_at: r.paired_at,
      revoked_at: r.revoked_at,
      online:
        r.revoked_at === null &&
        r.last_contact_at !== null &&
        now - Date.parse(r.last_contact_at) <= OFFLINE_AFTER_MS,
      last_contact_at: r.last_contact_at,
      has_printer: this.d.printerFor(r.device_id) !== null,
    }));
  }

  pairingCode(staff: ConsoleUser): { code: string; expires_at: string } {
    return this.d.tx.run(() => {
      const c = this.d.pairing.createCode();
      this.d.audit.write({
        staff,
        action: 'device.pairing_code',
        what: `issued a pairing code valid until ${c.expires_at}`,
      });
      return c;
    });
  }

  revoke(staff: ConsoleUser, deviceId: string, reason: string): DeviceView {
    return this.d.tx.run(() => {
      const row = this.st.devices.all().find((r) => r.device_id === deviceId);
      if (!row) throw notFound('device', deviceId);
      if (row.revoked_at)
        throw new HubError('DEVICE_REVOKED', `device ${row.retailer_device_id} is already revoked`);
      this.st.revoke.run(nowIso(), deviceId);
      this.d.audit.write({
        staff,
        device: { device_id: deviceId, label: row.retailer_device_id },
        action: 'device.revoke',
        subject: deviceId,
        what: `revoked ${row.retailer_device_id} (${row.name})`,
        why: reason,
      });
      this.d.tx.afterCommit(() => {
        // The gateway drops the device's sockets on this event.
        this.d.bus.emitTo(deviceId, 'device.revoked', { device_id: deviceId });
        this.d.bus.emitTo('staff', 'device.revoked', { device_id: deviceId });
      });
      return this.devices().find((d) => d.device_id === deviceId)!;
    });
  }

  async testPrint(staff: ConsoleUser, deviceId: string): Promise<{ printed: boolean }> {
    const print = this.d.printerFor(deviceId);
    if (!print) throw new HubError('NO_PRINTER', 'this device has no receipt printer attached');
    const cfg = this.d.store.config();
    this.d.tx.run(() =>
      this.d.audit.write({
        staff,
        action: 'device.test_print',
        subject: deviceId,
        what: 'printed a test page',
      }),
    );
    const doc = {
      version: 1,
      meta: {
        type: 'order',
        orderId: 'test',
        receiptNumber: 'TEST',
        total: '0.00',
        currencySign: cfg.currency_sign,
        completedAt: nowIso(),
        qr: null,
      },
      copy: false,
      sections: [
        {
          name: 'header',
          lines: [
            {
              type: 'text',
              text: cfg.name,
              align: 'center',
              bold: true,
              underline: false,
              invert: false,
              size: 1,
            },
            {
              type: 'text',
              text: 'TEST PRINT',
              align: 'center',
              bold: true,
              underline: false,
              invert: false,
              size: 2,
            },
            {
              type: 'text',
              text: nowIso(),
              align: 'center',
              bold: false,
              underline: false,
              invert: false,
              size: 1,
            },
          ],
        },
      ],
      drawer: 'none',
      cut: 'full',
    };
    return { printed: (await print(doc, `test-${newId()}`)) === 'printed' };
  }

  /** Asks the terminal about a transaction that does not exist: an answer of any kind means it is reachable. */
  async terminalCheck(): Promise<{ ok: boolean; ms: number }> {
    const t0 = performance.now();
    try {
      await this.d.terminal.status(`connectivity-check-${newId()}`);
      return { ok: true, ms: Math.round(performance.now() - t0) };
    } catch {
      return { ok: false, ms: Math.round(performance.now() - t0) };
    }
  }

  /** Opens a register's cash drawer through its printer (a document with only a drawer kick). */
  async kickDrawer(deviceId: string): Promise<boolean> {
    const print = this.d.printerFor(deviceId);
    if (!print) return false;
    const doc = {
      version: 1,
      meta: {
        type: 'order',
        orderId: 'drawer',
        receiptNumber: 'DRAWER',
        total: '0.00',
        currencySign: '',
        completedAt: nowIso(),
        qr: null,
      },
      copy: false,
      sections: [{ name: 'footer', lines: [] }],
      drawer: 'pin2',
      cut: 'none',
    };
    return (await print(doc, `drawer-${newId()}`)) === 'printed';
  }
}
