/**
 * Extension points for modules that plug into the hub without editing its core (the staff
 * console, cloud sync). A module exports a HubExtension and appends it to EXTENSIONS below
 * (one import + one array entry); `store-hub serve` passes EXTENSIONS to startHub, tests may
 * pass their own through HubOptions.extensions.
 */
import type { Express, Request } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { BasketInput } from './modules/catalog/pricing';
import type { StaffUser } from './modules/staff/schemas';
import type { Db } from './platform/db/database';
import type { HubRouter, Services } from './services';
import { consoleExtension } from './modules/console/extension';

/** Basket-level pricing inputs a module may add (e.g. staff discounts, a tax-mode override). */
export type BasketAdjustments = Partial<
  Pick<BasketInput, 'basket_discounts' | 'tax_mode_override' | 'special_promos'>
>;

export interface ExtensionContext {
  services: Services;
  log: Logger;
  /** The hub's router: bind endpoint contracts with the hub's guards, validation and idempotency. */
  router: HubRouter;
}

export interface HubExtension {
  name: string;
  /** Merged into every pricing input of a basket (inside the write transaction). */
  basketAdjustments?: (db: Db, basketId: string) => BasketAdjustments | null;
  /** Called for every authenticated paired-client request and socket connect (last contact). */
  onDeviceSeen?: (db: Db, deviceId: string) => void;
  /** A staff user from something other than a stf_ bearer token (e.g. a console cookie + CSRF). */
  staffFromRequest?: (db: Db, req: Request) => StaffUser | null;
  /** A staff user from the socket.io handshake headers (e.g. the console cookie). */
  staffFromHandshake?: (db: Db, headers: IncomingHttpHeaders) => StaffUser | null;
  /** Mounts routes (after the hub's own, before the 404 handler). */
  mount?: (app: Express, ctx: ExtensionContext) => void;
  /** Started once the hub listens; stopped first on close. */
  start?: (ctx: ExtensionContext) => { stop(): Promise<void> | void } | void;
}

/** The extensions `store-hub serve` runs with. Append yours here. */
export const EXTENSIONS: HubExtension[] = [consoleExtension()];
