/** What the console modules need from the rest of the hub (built by the composition root). */
import type { Db } from '../../platform/db/database';
import type { Tx } from '../../platform/db/tx';
import type { Bus } from '../../platform/live/bus';
import type { Audit } from '../audit/service';
import type { Baskets } from '../baskets/service';
import type { StoreDataCache } from '../catalog/store-data';
import type { ConsoleAuth } from '../console-auth/service';
import type { Pairing } from '../clients/service';
import type { Interventions } from '../interventions/service';
import type { PaymentTerminal } from '../payments/terminal/port';
import type { PrintFn, Receipts } from '../receipts/service';

export interface ConsoleDeps {
  db: Db;
  tx: Tx;
  bus: Bus;
  store: StoreDataCache;
  pairing: Pairing;
  baskets: Baskets;
  interventions: Interventions;
  receipts: Receipts;
  terminal: PaymentTerminal;
  /** The receipt printer of a paired client's lane (hardware layer), or null. */
  printerFor: (deviceId: string) => PrintFn | null;
  auth: ConsoleAuth;
  audit: Audit;
}
