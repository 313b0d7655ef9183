/**
 * Binds the console endpoints. Every handler resolves the full console user (role_tabs,
 * worker id) and checks the module first; actions check their §1.1 permission in the services.
 */
import { HubError } from '../../platform/errors';
import type { HubRouter } from '../../services';
import { requireTab } from '../console-auth/guard';
import type { ConsoleTab } from '../console-auth/permissions';
import type { ConsoleUser } from '../console-auth/service';
import { clearedCookies, sessionCookies } from '../console-auth/service';
import type { StaffUser } from '../staff/schemas';
import { CONSOLE_ENDPOINTS as e } from './endpoints';
import type { Console } from './index';

export function consoleRoutes(r: HubRouter, c: Console): void {
  const { auth } = c.deps;
  const user = (staff: StaffUser, ...tabs: ConsoleTab[]): ConsoleUser => {
    const u = auth.user(staff.user_id);
    if (!u) throw new HubError('STAFF_UNAUTHENTICATED', 'this staff account is no longer active');
    if (tabs.length > 0) {
      let lastErr: unknown = null;
      for (const t of tabs) {
        try {
          requireTab(u, t);
          return u;
        } catch (err) {
          lastErr = err;
        }
      }
      throw lastErr;
    }
    if (u.force_reset_pin)
      throw new HubError('PIN_RESET_REQUIRED', 'choose a new PIN before using the console');
    return u;
  };
  const session = (u: ConsoleUser) => {
    const cfg = c.deps.store.config();
    return {
      user: u,
      store: {
        name: cfg.name,
        currency: cfg.currency,
        currency_sign: cfg.currency_sign,
        timezone: cfg.timezone,
        denominations: c.settings.denominations(),
      },
    };
  };

  // --- access ---------------------------------------------------------------------------------
  r.async(e.consoleSignIn, async ({ body, req }) => {
    const client = req.socket.remoteAddress ?? 'unknown';
    const s = await auth.signIn(body, client);
    c.deps.tx.run(() =>
      c.deps.audit.write({
        staff: s.user,
        action: 'staff.sign_in',
        what: `signed in to the console from ${client}`,
      }),
    );
    req.res?.append('Set-Cookie', sessionCookies(s.token, s.csrf, auth.isSecure(req)));
    return session(s.user);
  });
  r.sync(e.consoleSession, ({ staff }) => {
    const u = auth.user(staff.user_id);
    if (!u) throw new HubError('STAFF_UNAUTHENTICATED', 'this staff account is no longer active');
    return session(u);
  });
  r.sync(e.consoleSignOut, ({ req }) => {
    auth.signOut(req.headers.cookie);
    req.res?.append('Set-Cookie', clearedCookies(auth.isSecure(req)));
    return { signed_out: true as const };
  });
  r.async(e.consoleResetPin, async ({ staff, body }) => {
    const u = auth.user(staff.user_id)!;
    const next = await auth.resetPin(u, body.current_pin, body.new_pin);
    c.deps.tx.run(() =>
      c.deps.audit.write({ staff: u, action: 'staff.reset_pin', what: 'changed their PIN' }),
    );
    return session(next);
  });

  // --- devices and lanes ----------------------------------------------------------------------
  r.sync(e.deviceHeartbeat, ({ device, body }) => {
    c.devices.heartbeat(device.device_id, body);
    return { ok: true as const };
  });
  r.sync(e.consoleLanes, ({ staff }) => {
    user(staff, 'lanes', 'assistance', 'interventions');
    return { lanes: c.devices.lanes(), server_time: new Date().toISOString() };
  });
  r.sync(e.consoleDevices, ({ staff }) => (user(staff, 'devices'), { devices: c.devices.devices() }));
  r.sync(e.consolePairingCode, ({ staff }) => c.devices.pairingCode(user(staff, 'devices')));
  r.sync(e.consoleRevokeDevice, ({ staff, params, body }) =>
    c.devices.revoke(user(staff, 'devices'), params.id, body.reason),
  );
  r.async(e.consoleTestPrint, async ({ staff, params }) =>
    c.devices.testPrint(user(staff, 'devices'), params.id),
  );
  r.async(e.consoleTerminalCheck, async ({ staff }) => (user(staff, 'devices'), c.devices.terminalCheck()));

  // --- interventions and assistance -----------------------------------------------------------
  r.sync(e.consoleInterventions, ({ staff }) => (user(staff, 'interventions'), c.assistance.queue()));
  r.sync(e.consoleDecide, ({ staff, params, body }) =>
    c.assistance.decide(user(staff, 'interventions'), params.id, body.decision, body.reason),
  );
  r.sync(e.consoleResolve, ({ staff, params, body }) =>
    c.assistance.decide(user(staff, 'interventions'), params.id, 'approve', body.note),
  );
  r.sync(
    e.consoleLaneBasket,
    ({ staff, params }) => (user(staff, 'assistance'), c.assistance.laneBasket(params.id)),
  );
  r.sync(e.consoleSetQuantity, ({ staff, params, body }) =>
    c.assistance.setQuantity(
      user(staff, 'assistance'),
      params.id,
      params.lineId,
      body.quantity,
      body.basket_version,
    ),
  );
  r.sync(e.consoleRemoveLine, ({ staff, params, body }) =>
    c.assistance.removeLine(user(staff, 'assistance'), params.id, params.lineId, body.basket_version),
  );
  r.sync(e.consoleOverridePrice, ({ staff, params, body }) =>
    c.assistance.overridePrice(
      user(staff, 'assistance'),
      params.id,
      params.lineId,
      body,
      body.basket_version,
    ),
  );
  r.sync(e.consoleStaffDiscount, ({ staff, params, body }) =>
    c.assistance.staffDiscount(
      user(staff, 'assistance'),
      params.id,
      body.percent_off,
      body.reason,
      body.basket_version,
    ),
  );
  r.sync(e.consoleTaxMode, ({ staff, params, body }) =>
    c.assistance.taxMode(user(staff, 'assistance'), params.id, body.exempt, body.reason, body.basket_version),
  );
  r.sync(
    e.consoleSearchItems,
    ({ staff, query }) => (user(staff, 'assistance'), { items: c.assistance.searchItems(query.q) }),
  );
  r.sync(e.consoleAddItem, ({ staff, params, body }) =>
    c.assistance.addItem(user(staff, 'assistance'), params.id, body.code, body.quantity),
  );
  r.sync(e.consoleLimitOverride, ({ staff, params, body }) =>
    c.assistance.limitOverride(user(staff, 'assistance'), params.id, body),
  );
  r.sync(e.consoleAddManualItem, ({ staff, params, body }) =>
    c.assistance.addManualItem(user(staff, 'assistance'), params.id, body),
  );
  r.sync(e.consoleCancelSale, ({ staff, params, body }) =>
    c.assistance.cancelSale(user(staff, 'assistance'), params.id, body.reason),
  );

  // --- orders, refunds, exit checks -----------------------------------------------------------
  r.sync(e.consoleOrders, ({ staff, query }) => (user(staff, 'orders'), c.orders.list(query)));
  r.sync(
    e.consoleOrderLookup,
    ({ staff, query }) => (user(staff, 'orders', 'refunds', 'exit_check'), c.orders.lookup(query.q)),
  );
  r.sync(e.consoleOrder, ({ staff, params }) => {
    user(staff, 'orders', 'refunds', 'exit_check');
    return { ...c.orders.detail(params.id), refunds: c.refunds.forOrder(params.id) };
  });
  r.sync(e.consoleReprint, ({ staff, params, body }) =>
    c.orders.reprint(user(staff, 'orders'), params.id, body.printer_device_id),
  );
  r.sync(
    e.consoleRefundable,
    ({ staff, params }) => (user(staff, 'refunds'), c.refunds.refundable(params.id)),
  );
  r.async(e.consoleRefund, async ({ staff, body }) => c.refunds.refund(user(staff, 'refunds'), body));
  r.sync(e.consoleRefundPreview, ({ staff, body }) => (user(staff, 'refunds'), c.refunds.preview(body)));
  r.async(e.consoleRefundFinish, async ({ staff, params, body }) =>
    c.refunds.finish(user(staff, 'refunds'), params.id, body),
  );
  r.sync(e.consoleRefundGet, ({ staff, params }) => (user(staff, 'refunds'), c.refunds.record(params.id)));
  r.sync(e.consoleExitLookup, ({ staff, body }) => (user(staff, 'exit_check'), c.exitChecks.lookup(body.qr)));
  r.sync(e.consoleVerify, ({ staff, params }) =>
    c.exitChecks.record(user(staff, 'exit_check'), params.id, 'verified', null),
  );
  r.sync(e.consoleFailVerification, ({ staff, params, body }) =>
    c.exitChecks.record(user(staff, 'exit_check'), params.id, 'verification_failed', body.reason),
  );
  r.sync(
    e.consoleExitSettings,
    ({ staff }) => (user(staff, 'exit_check'), { random_check_percent: c.settings.randomCheckPercent() }),
  );
  r.sync(e.consoleSaveExitSettings, ({ staff, body }) =>
    c.exitChecks.setRandomRate(user(staff, 'exit_check'), body.random_check_percent),
  );

  // --- shifts and cash ------------------------------------------------------------------------
  r.sync(e.consoleRegisters, ({ staff }) => (user(staff, 'shifts'), { registers: c.shifts.registers() }));
  r.sync(e.consoleCurrentShift, ({ staff, params }) => (user(staff, 'shifts'), c.shifts.current(params.id)));
  r.sync(e.consoleOpenShift, ({ staff, body }) =>
    c.shifts.open(user(staff, 'shifts'), body.device_id, body.denominations),
  );
  r.sync(e.consoleShiftMovement, ({ staff, params, body }) =>
    c.shifts.movement(user(staff, 'shifts'), params.id, body.kind, body.amount, body.reason),
  );
  r.sync(e.consoleCloseShift, ({ staff, params, body }) =>
    c.shifts.close(user(staff, 'shifts'), params.id, body.end_denominations, body.removed_denominations),
  );
  r.sync(e.consoleCashReport, ({ staff, query }) => (user(staff, 'shifts'), c.shifts.cashReport(query)));

  // --- audit and sync -------------------------------------------------------------------------
  r.sync(
    e.consoleAudit,
    ({ staff, query }) => (user(staff, 'audit'), { entries: c.deps.audit.search(query) }),
  );
  r.sync(e.consoleSync, ({ staff }) => {
    user(staff, 'sync');
    const db = c.deps.db;
    const u = db
      .prepare<[], { n: number; oldest: string | null }>(
        `SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL`,
      )
      .get()!;
    const s = db
      .prepare<[], { n: number; last: string | null }>(
        `SELECT COUNT(*) AS n, MAX(sent_at) AS last FROM outbox WHERE sent_at IS NOT NULL`,
      )
      .get()!;
    const err = db
      .prepare<[], { last_error: string | null }>(
        `SELECT last_error FROM outbox WHERE sent_at IS NULL AND last_error IS NOT NULL ORDER BY hub_seq DESC LIMIT 1`,
      )
      .get();
    return {
      unsent: u.n,
      oldest_unsent_at: u.oldest,
      oldest_unsent_age_seconds: u.oldest
        ? Math.max(0, Math.round((Date.now() - Date.parse(u.oldest)) / 1000))
        : null,
      sent: s.n,
      last_error: err?.last_error ?? null,
      last_contact_at: s.last,
    };
  });
}
