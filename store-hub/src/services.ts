/** What the composition root builds and hands to each module's routes. */
import type { Db } from './platform/db/database';
import type { Tx } from './platform/db/tx';
import type { Router } from './platform/http/router';
import type { Bus } from './platform/live/bus';
import type { Lanes } from './lanes';
import type { Baskets } from './modules/baskets/service';
import type { StoreDataCache } from './modules/catalog/store-data';
import type { PairedClient } from './modules/clients/repo';
import type { Pairing } from './modules/clients/service';
import type { Interventions } from './modules/interventions/service';
import type { Orders } from './modules/orders/service';
import type { Payments } from './modules/payments/service';
import type { PaymentTerminal } from './modules/payments/terminal/port';
import type { PrintFn, Receipts } from './modules/receipts/service';
import type { Security } from './modules/security/service';
import type { StaffUser } from './modules/staff/schemas';
import type { StaffAuth } from './modules/staff/service';

export type HubRouter = Router<PairedClient, StaffUser>;

export interface Services {
  db: Db;
  tx: Tx;
  bus: Bus;
  store: StoreDataCache;
  pairing: Pairing;
  staff: StaffAuth;
  baskets: Baskets;
  interventions: Interventions;
  orders: Orders;
  payments: Payments;
  receipts: Receipts;
  security: Security;
  /** The payment terminal (refunds from the console go through it too). */
  terminal: PaymentTerminal;
  /** Hub-attached lane hardware (scanners, printers, scales); absent without a hardware file. */
  lanes?: Lanes | null;
  /** The lane printer of a paired client, or null. */
  printerFor: (deviceId: string) => PrintFn | null;
  /** Tell kiosks to pull when reference data changed. */
  notifyReplication: () => void;
}
