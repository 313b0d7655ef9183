/**
 * The staff console's hub side: builds its services over the hub's and binds every console
 * endpoint. The composition root calls `buildConsole` once and `consoleRoutes` with the router.
 */
import { Assistance } from '../assistance/service';
import { Audit } from '../audit/service';
import { ConsoleAuth } from '../console-auth/service';
import { DeviceAdmin } from '../device-admin/service';
import { ExitChecks } from '../exit-checks/service';
import { OrderReview } from '../order-review/service';
import { Refunds } from '../refunds/service';
import { Shifts } from '../shifts/service';
import type { ConsoleDeps } from './deps';
import { ConsoleSettings } from './settings';

export type { ConsoleDeps } from './deps';
export { consoleRoutes } from './routes';
export { CONSOLE_ENDPOINTS } from './endpoints';
export { staffAdjustmentsFor } from '../assistance/service';

export interface Console {
  deps: ConsoleDeps;
  settings: ConsoleSettings;
  devices: DeviceAdmin;
  assistance: Assistance;
  orders: OrderReview;
  shifts: Shifts;
  refunds: Refunds;
  exitChecks: ExitChecks;
}

export function buildConsole(
  deps: Omit<ConsoleDeps, 'auth' | 'audit'>,
  opts: { refundTerminalTimeoutMs?: number } = {},
): Console {
  const full: ConsoleDeps = { ...deps, auth: new ConsoleAuth(deps.db), audit: new Audit(deps.db) };
  const settings = new ConsoleSettings(deps.db, deps.store);
  const devices = new DeviceAdmin(full);
  const orders = new OrderReview(full);
  const shifts = new Shifts(full, settings, devices);
  return {
    deps: full,
    settings,
    devices,
    assistance: new Assistance(full, settings),
    orders,
    shifts,
    refunds: new Refunds(full, settings, shifts, devices, opts.refundTerminalTimeoutMs),
    exitChecks: new ExitChecks(full, orders, settings),
  };
}
