/**
 * The composition root: builds the platform (database, transactions, live bus), the domain
 * services, binds every module's routes and starts the HTTP server and socket.io gateway.
 * It wires; it holds no domain logic.
 */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Logger } from 'pino';
import { ENDPOINTS } from './api/endpoints';
import { laneRoutes } from './lanes/routes';
import { Lanes } from './lanes';
import { basketRoutes } from './modules/baskets/routes';
import { Baskets } from './modules/baskets/service';
import { catalogRoutes } from './modules/catalog/routes';
import { StoreDataCache } from './modules/catalog/store-data';
import { clientRoutes } from './modules/clients/routes';
import type { PairedClient } from './modules/clients/repo';
import { Pairing } from './modules/clients/service';
import { interventionRoutes } from './modules/interventions/routes';
import { Interventions } from './modules/interventions/service';
import { OrderRepo } from './modules/orders/repo';
import { orderRoutes } from './modules/orders/routes';
import { Orders } from './modules/orders/service';
import { paymentRoutes } from './modules/payments/routes';
import { Payments } from './modules/payments/service';
import type { PaymentTerminal } from './modules/payments/terminal/port';
import { TerminalSimulator } from './modules/payments/terminal/simulator';
import { receiptRoutes } from './modules/receipts/routes';
import type { PrintFn } from './modules/receipts/service';
import { Receipts } from './modules/receipts/service';
import { ReplicationFeed } from './modules/replication/feed';
import { replicationRoutes } from './modules/replication/routes';
import type { StaffUser } from './modules/staff/schemas';
import { securityRoutes } from './modules/security/routes';
import { Security } from './modules/security/service';
import { staffRoutes } from './modules/staff/routes';
import { StaffAuth } from './modules/staff/service';
import { openApiDocument } from './openapi';
import { outboxRoutes } from './outbox/routes';
import type { Db } from './platform/db/database';
import { currentStamp, openDatabase } from './platform/db/database';
import { Tx } from './platform/db/tx';
import { jsonBody } from './platform/http/body';
import type { Endpoint } from './platform/http/contract';
import { errorHandler, notFoundHandler } from './platform/http/error-handler';
import { makeGuards } from './platform/http/guards';
import { Idempotency } from './platform/http/idempotency';
import { Router } from './platform/http/router';
import type { StaticMount } from './platform/http/static';
import { mountStatic } from './platform/http/static';
import { Bus } from './platform/live/bus';
import { startGateway } from './platform/live/gateway';
import type { ExtensionContext, HubExtension } from './extensions';
import type { HubRouter, Services } from './services';

export interface HubOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Terminal simulator settings (the only terminal adapter so far). */
  simulator?: { file?: string; decideAfterMs?: number; offlineForMs?: number };
  terminalTimeoutMs?: number;
  tenderWaitMs?: number;
  logLevel?: string;
  /** A pino logger to use instead of one on stdout (the CLI logs to a file). */
  logger?: Logger;
  /** Hardware configuration (see src/lanes/): hub-attached scanners and printers per lane. */
  hardwareFile?: string;
  /** §9.3: abort unpaid orders idle this long (default 10 minutes; 0 = never). */
  paymentSessionTimeoutMs?: number;
  /** Built web apps served from disk (default: none; `serve` mounts /kiosk/ and /console/). */
  staticMounts?: readonly StaticMount[];
  /** Check every answer against its response schema (default: KASSA_VALIDATE_RESPONSES=1). */
  validateResponses?: boolean;
  /** JSON body limit (default 1 MiB; catalogue imports get 64 MiB). */
  bodyLimit?: string;
  /**
   * Hook for the cloud-sync relay and inbox (src/sync/): called once the hub listens, with the
   * database, the logger, the live bus and the services; its `stop` is awaited first on close.
   */
  startSync?: (ctx: ExtensionContext & { db: Db; bus: Bus }) => { stop(): Promise<void> | void } | undefined;
  /** Console and other plug-ins (src/extensions.ts); `serve` passes EXTENSIONS. */
  extensions?: readonly HubExtension[];
}

export interface Hub {
  url: string;
  port: number;
  db: Db;
  pairingCode: { code: string; expires_at: string };
  recovered: string[];
  /** Every endpoint contract bound to a handler (tests check it against /openapi.json). */
  endpoints: readonly Endpoint[];
  close(): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The web apps `serve` mounts by default (served only once they are built). */
export const DEFAULT_STATIC_MOUNTS: readonly StaticMount[] = [
  { prefix: '/kiosk', dir: path.join(repoRoot, 'kiosk-app', 'dist') },
  { prefix: '/console', dir: path.join(repoRoot, 'store-hub', 'console', 'dist') },
];

export async function startHub(opts: HubOptions): Promise<Hub> {
  const log = opts.logger ?? pino({ level: opts.logLevel ?? process.env.LOG_LEVEL ?? 'info' });
  const db = openDatabase(opts.dataDir);
  const { services, terminal, lanes } = buildServices(db, log, opts);
  const { tx, bus, pairing, staff, baskets, payments } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(ENDPOINTS.importCatalog.path, jsonBody('64mb'));
  app.use(jsonBody(opts.bodyLimit ?? '1mb'));

  const extensions = opts.extensions ?? [];
  const seen = (deviceId: string): void => {
    for (const x of extensions) x.onDeviceSeen?.(db, deviceId);
  };
  const guards = makeGuards<PairedClient, StaffUser>({
    device: (t) => {
      const d = pairing.forToken(t);
      if (d) seen(d.device_id);
      return d;
    },
    staff: (t) => staff.forToken(t),
    staffFromRequest: (req) => {
      for (const x of extensions) {
        const s = x.staffFromRequest?.(db, req);
        if (s) return s;
      }
      return null;
    },
  });
  const router: HubRouter = new Router(app, {
    guards,
    idempotency: new Idempotency(db, tx),
    tx,
    scopeOf: { device: (d) => d.device_id, staff: (s) => `staff:${s.user_id}` },
    validateResponses: opts.validateResponses ?? process.env.KASSA_VALIDATE_RESPONSES === '1',
  });

  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  for (const routes of [
    catalogRoutes,
    clientRoutes,
    staffRoutes,
    basketRoutes,
    interventionRoutes,
    orderRoutes,
    paymentRoutes,
    receiptRoutes,
    laneRoutes,
    replicationRoutes,
    outboxRoutes,
    securityRoutes,
  ])
    routes(router, services);
  const extCtx: ExtensionContext = { services, log, router };
  for (const x of extensions) x.mount?.(app, extCtx);
  mountStatic(app, opts.staticMounts ?? []);
  app.use(notFoundHandler);
  app.use(errorHandler(log));

  const server = http.createServer(app);
  // Kiosks keep connections open between scans; a server that closes idle sockets before the
  // client does races the next request ("socket hang up"). Outlive common client pools.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const io = startGateway(server, bus, {
    device: (t) => pairing.forToken(t),
    staff: (t) => staff.forToken(t),
    staffFromHandshake: (headers) => {
      for (const x of extensions) {
        const s = x.staffFromHandshake?.(db, headers);
        if (s) return s;
      }
      return null;
    },
    onDeviceConnect: (d) => {
      seen(d.device_id);
      return [
        { name: 'state', payload: baskets.deviceState(d.device_id) },
        { name: 'replication.changed', payload: { checkpoint: currentStamp(db) } },
      ];
    },
    log,
  });
  // Kiosk sockets' scale.watch / scale.unwatch (live weight, src/lanes/).
  lanes?.serveSockets(io);

  const replTimer = setInterval(services.notifyReplication, 200);
  const sweepEvery = Math.max(
    50,
    Math.min(30_000, Math.floor((opts.paymentSessionTimeoutMs ?? 600_000) / 4)),
  );
  const sweepTimer = setInterval(() => {
    payments.sweepAbandoned().catch((err: unknown) => log.error({ err }, 'abandoned-order sweep failed'));
    try {
      baskets.expireIdleBaskets();
    } catch (err) {
      log.error({ err }, 'idle-basket sweep failed');
    }
  }, sweepEvery);

  if (lanes) await lanes.start();
  const pairingCode = pairing.createCode();
  const recovered = payments.recover();
  if (recovered.length > 0) log.info({ tenders: recovered }, 'recovering pending tenders');

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    clearInterval(replTimer);
    clearInterval(sweepTimer);
    payments.stop();
    if (lanes) await lanes.stop();
    await new Promise<void>((r) => io.close(() => r()));
    terminal.close();
    db.close();
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.host === '0.0.0.0' ? 'localhost' : (opts.host ?? '127.0.0.1')}:${port}`;
  log.info({ url, dataDir: opts.dataDir, pricing: 'promo-core' }, 'store hub listening');
  const started = extensions.map((x) => x.start?.(extCtx));
  const sync = opts.startSync?.({ ...extCtx, db, bus });

  return {
    url,
    port,
    db,
    pairingCode,
    recovered,
    endpoints: router.bound,
    async close() {
      clearInterval(replTimer);
      clearInterval(sweepTimer);
      await sync?.stop();
      for (const s of started) await s?.stop();
      payments.stop();
      if (lanes) await lanes.stop();
      await payments.drain();
      await new Promise<void>((r) => io.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
      terminal.close();
      db.close();
    },
  };
}

/**
 * The domain services over one database, without HTTP (the bench and in-process tests use
 * this too). `notifyReplication` tells every kiosk to pull when the replication clock moved.
 */
export function buildServices(
  db: Db,
  log: Logger,
  opts: Omit<HubOptions, 'dataDir'> & {
    dataDir?: string;
    terminal?: PaymentTerminal & { close(): void };
  } = {},
): { services: Services; terminal: PaymentTerminal & { close(): void }; lanes: Lanes | null } {
  const tx = new Tx(db, (err) => log.error({ err }, 'after-commit effect failed'));
  const bus = new Bus(tx);
  const store = new StoreDataCache(db);
  const pairing = new Pairing(db, tx, (deviceId) =>
    bus.emit('event', { to: deviceId, name: 'device.revoked', payload: { device_id: deviceId } }),
  );
  const staff = new StaffAuth(db);
  const interventions = new Interventions(db, tx, bus);
  const baskets = new Baskets(db, tx, store, bus, interventions, (basketId) => {
    let out = {};
    for (const x of opts.extensions ?? []) out = { ...out, ...(x.basketAdjustments?.(db, basketId) ?? {}) };
    return out;
  });
  const terminal =
    opts.terminal ??
    new TerminalSimulator(
      opts.simulator?.file ?? path.join(opts.dataDir ?? '.', 'simulator', 'terminal.sqlite'),
      opts.simulator,
    );
  const lanes = opts.hardwareFile ? Lanes.fromFile(opts.hardwareFile, pairing.repo, baskets, bus, log) : null;
  const orderRepo = new OrderRepo(db);
  const printerFor = (deviceId: string): PrintFn | null => lanes?.printer(deviceId) ?? null;
  const receipts = new Receipts(db, tx, bus, orderRepo, printerFor);
  const orders = new Orders(db, tx, store, baskets, bus, orderRepo, receipts);
  const payments = new Payments(db, tx, store, orders, orderRepo, interventions, terminal, bus, {
    terminalTimeoutMs: opts.terminalTimeoutMs ?? 60_000,
    tenderWaitMs: opts.tenderWaitMs ?? 30_000,
    pollMs: 10,
    paymentSessionTimeoutMs: opts.paymentSessionTimeoutMs ?? 10 * 60_000,
  });

  // Catalogue/promotion/tax changes reach kiosks as the changed documents (modules/replication/
  // feed.ts); polled as well, which catches the import CLI writing from another process.
  const feed = new ReplicationFeed(db, (e) => bus.emitTo('devices', 'replication.changed', e));
  const notifyReplication = (): void => feed.poll();
  return {
    services: {
      db,
      tx,
      bus,
      store,
      pairing,
      staff,
      baskets,
      interventions,
      orders,
      payments,
      receipts,
      security: new Security(bus, db),
      terminal,
      printerFor,
      lanes,
      notifyReplication,
    },
    terminal,
    lanes,
  };
}
