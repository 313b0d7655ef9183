/**
 * The hub process: express 5 REST + socket.io live events over one HTTP server. Functional
 * core (sales, checkout, replication) is wired here to HTTP, auth and idempotency.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { Server as IoServer } from 'socket.io';
import { z } from 'zod';
import type { DeviceRow, StaffRow } from './auth';
import {
  createPairingCode,
  deviceForToken,
  pairDevice,
  pairRequestSchema,
  staffForToken,
  staffLogin,
  staffLoginSchema,
} from './auth';
import { Bus } from './bus';
import { HubDevices } from './devices';
import { abortSchema, Checkout, createOrderSchema, tenderSchema } from './checkout';
import type { Db } from './db/database';
import { currentStamp, openDatabase } from './db/database';
import { HubError } from './errors';
import type { Answer } from './idempotency';
import { Idempotency, requestHash } from './idempotency';
import { importDoc } from './import';
import { openApiDocument } from './openapi';
import { outboxStatus, readOutbox } from './outbox';
import { TerminalSimulator } from './payment/simulator';
import { pull, pullQuerySchema, push, pushSchema } from './replication';
import { addLineSchema, changeLineSchema, decideSchema, helpSchema, Sales, versionOnlySchema } from './sales';
import { StoreDataCache } from './store-data';

export interface HubOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Terminal simulator settings (the only terminal adapter so far). */
  simulator?: { file?: string; decideAfterMs?: number; offlineForMs?: number };
  terminalTimeoutMs?: number;
  tenderWaitMs?: number;
  logLevel?: string;
  /** Hardware configuration (see src/devices.ts): hub-attached scanners and printers per lane. */
  hardwareFile?: string;
  /** §9.3: abort unpaid orders idle this long (default 10 minutes; 0 = never). */
  paymentSessionTimeoutMs?: number;
}

export interface Hub {
  url: string;
  port: number;
  db: Db;
  pairingCode: { code: string; expires_at: string };
  recovered: string[];
  close(): Promise<void>;
}

type Handler<T> = (req: Request, res: Response) => T;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new HubError(400, 'VALIDATION_FAILED', 'the request is not valid', {
      issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return r.data;
}

const bearer = (req: Request): string | undefined => {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
};

export async function startHub(opts: HubOptions): Promise<Hub> {
  const log = pino({ level: opts.logLevel ?? process.env.LOG_LEVEL ?? 'info' });
  const db = openDatabase(opts.dataDir);
  const bus = new Bus();
  const store = new StoreDataCache(db);
  const sales = new Sales(db, store, bus);
  const terminal = new TerminalSimulator(
    opts.simulator?.file ?? path.join(opts.dataDir, 'simulator', 'terminal.sqlite'),
    opts.simulator,
  );
  const devices = opts.hardwareFile ? HubDevices.fromFile(opts.hardwareFile, db, sales, bus, log) : null;
  const checkout = new Checkout(db, store, sales, terminal, bus, {
    terminalTimeoutMs: opts.terminalTimeoutMs ?? 60_000,
    tenderWaitMs: opts.tenderWaitMs ?? 30_000,
    pollMs: 10,
    printerFor: (deviceId) => devices?.printer(deviceId) ?? null,
    paymentSessionTimeoutMs: opts.paymentSessionTimeoutMs ?? 10 * 60_000,
  });
  const idem = new Idempotency(db);

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '2mb' }));

  const device = (req: Request): DeviceRow => {
    const d = deviceForToken(db, bearer(req));
    if (!d)
      throw new HubError(
        401,
        'DEVICE_UNAUTHENTICATED',
        'a paired device token is required (Authorization: Bearer dev_…)',
      );
    return d;
  };
  const staff = (req: Request): StaffRow => {
    const s = staffForToken(db, bearer(req));
    if (!s)
      throw new HubError(
        401,
        'STAFF_UNAUTHENTICATED',
        'a staff session is required (Authorization: Bearer stf_…)',
      );
    return s;
  };

  const send = (res: Response, a: Answer): void => {
    res.status(a.status).json(a.body);
  };
  const route =
    (fn: Handler<Answer | Promise<Answer>>) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      try {
        send(res, await fn(req, res));
      } catch (err) {
        next(err);
      }
    };
  const idemKey = (req: Request): string => {
    const k = req.header('idempotency-key');
    if (!k || k.length > 200)
      throw new HubError(
        400,
        'IDEMPOTENCY_KEY_REQUIRED',
        'mutating requests need an Idempotency-Key header (≤200 chars)',
      );
    return k;
  };
  /** A device mutation whose effect is one synchronous transaction. */
  const mutateSync = (fn: (d: DeviceRow, req: Request) => Answer) =>
    route((req) => {
      const d = device(req);
      const key = idemKey(req);
      return idem.runSync(d.device_id, key, requestHash(req.method, req.path, req.body), () => fn(d, req));
    });
  const mutateAsync = (fn: (d: DeviceRow, req: Request, key: string) => Promise<Answer>) =>
    route((req) => {
      const d = device(req);
      const key = idemKey(req);
      return idem.runAsync(d.device_id, key, requestHash(req.method, req.path, req.body), () =>
        fn(d, req, key),
      );
    });
  const ok = (body: unknown, status = 200): Answer => ({ status, body: { data: body } });
  const p = (req: Request, name: string): string => String(req.params[name]);

  app.get('/healthz', (_req, res) => {
    res.json({ data: { ok: true, pricing_engine: 'promo-core', configured: store.hasConfig() } });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  // --- pairing and staff ----------------------------------------------------------------------
  app.post(
    '/v1/devices/pair',
    route((req) => ok(pairDevice(db, parse(pairRequestSchema, req.body)), 201)),
  );
  app.post(
    '/v1/staff/sessions',
    route(async (req) => ok(await staffLogin(db, parse(staffLoginSchema, req.body)), 201)),
  );
  app.post(
    '/v1/staff/pairing-codes',
    route((req) => (staff(req), ok(createPairingCode(db), 201))),
  );

  // --- kiosk flows ------------------------------------------------------------------------------
  app.post(
    '/v1/kiosk-sessions',
    mutateSync((d, req) => ok(sales.startSession(d, parse(sessionSchema, req.body ?? {}).customer), 201)),
  );
  app.get(
    '/v1/scan',
    route((req) => {
      device(req);
      const code = typeof req.query.code === 'string' ? req.query.code.trim() : '';
      if (!code || code.length > 512)
        throw new HubError(400, 'VALIDATION_FAILED', 'query parameter code is required');
      const sym = typeof req.query.symbology === 'string' ? req.query.symbology : undefined;
      return ok(sales.scan(code, sym));
    }),
  );
  app.post(
    '/v1/baskets',
    mutateSync((d, req) => {
      const sid = (req.body as { session_id?: unknown } | undefined)?.session_id;
      return ok(sales.createBasket(d, typeof sid === 'string' ? sid : null), 201);
    }),
  );
  app.get(
    '/v1/baskets/:id',
    route((req) => ok(sales.get(device(req), p(req, 'id')))),
  );
  app.post(
    '/v1/baskets/:id/lines',
    mutateSync((d, req) => ok(sales.addLine(d, p(req, 'id'), parse(addLineSchema, req.body)), 201)),
  );
  app.patch(
    '/v1/baskets/:id/lines/:lineId',
    mutateSync((d, req) =>
      ok(sales.changeLine(d, p(req, 'id'), p(req, 'lineId'), parse(changeLineSchema, req.body))),
    ),
  );
  app.delete(
    '/v1/baskets/:id/lines/:lineId',
    mutateSync((d, req) => {
      const v = req.query.basket_version;
      const body = parse(versionOnlySchema, req.body ?? {});
      const version = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : body.basket_version;
      return ok(sales.removeLine(d, p(req, 'id'), p(req, 'lineId'), version));
    }),
  );
  app.post(
    '/v1/baskets/:id/verification',
    mutateSync((d, req) => ok(sales.requestAgeCheck(d, p(req, 'id')), 201)),
  );
  app.get(
    '/v1/baskets/:id/verification',
    route((req) => ok((sales.get(device(req), p(req, 'id')) as { approval: unknown }).approval)),
  );
  app.post(
    '/v1/help-requests',
    mutateSync((d, req) => {
      const body = parse(helpSchema.and(versionOnlySchema).and(pullBasketId), req.body ?? {});
      return ok(sales.requestHelp(d, body.basket_id ?? null, body.reason), 201);
    }),
  );
  app.post(
    '/v1/orders',
    mutateSync((d, req) => {
      const r = checkout.createOrder(d, parse(createOrderSchema, req.body));
      return ok(r.order, r.created ? 201 : 200);
    }),
  );
  app.get(
    '/v1/orders/:id',
    route((req) => ok(checkout.get(device(req), p(req, 'id')))),
  );
  app.get(
    '/v1/orders/:id/payment',
    route((req) => ok((checkout.get(device(req), p(req, 'id')) as { payment: unknown }).payment)),
  );
  app.get(
    '/v1/orders/:id/receipt',
    route((req) => {
      const o = checkout.get(device(req), p(req, 'id')) as { receipt: unknown };
      if (!o.receipt) throw new HubError(404, 'NOT_FOUND', 'the order has no receipt yet');
      return ok(o.receipt);
    }),
  );
  app.post(
    '/v1/orders/:id/tenders',
    mutateAsync(async (d, req, key) =>
      ok(await checkout.startTender(d, p(req, 'id'), parse(tenderSchema, req.body ?? {}), key), 202),
    ),
  );
  app.post(
    '/v1/orders/:id/tenders/:tid/void',
    mutateAsync(async (d, req) => ok(await checkout.voidTender(d, p(req, 'id'), p(req, 'tid')))),
  );
  app.post(
    '/v1/orders/:id/abort',
    mutateAsync(async (d, req) =>
      ok(await checkout.abort(d, p(req, 'id'), parse(abortSchema, req.body ?? {}))),
    ),
  );
  app.post(
    '/v1/orders/:id/receipts',
    mutateSync((d, req) => {
      const o = checkout.get(d, p(req, 'id')) as { receipt: unknown };
      if (!o.receipt)
        throw new HubError(409, 'ORDER_NOT_COMPLETED', 'receipts exist for completed orders only');
      // No printer is attached to this hub yet (hardware layer): the receipt is an e-receipt QR.
      return ok({ channel: 'e_receipt', receipt: o.receipt });
    }),
  );

  // --- devices routed to a lane (hub-attached scanners) -------------------------------------
  app.post(
    '/v1/devices/events',
    mutateSync((d, req) => {
      const body = parse(deviceEventSchema, req.body);
      if (!d.lane_device_id) throw new HubError(409, 'NO_LANE', 'this device is not attached to a lane');
      const lane = db
        .prepare(
          `SELECT device_id, retailer_device_id, kind, platform, name, lane_device_id FROM devices WHERE device_id = ?`,
        )
        .get(d.lane_device_id) as DeviceRow;
      bus.emitTo(lane.device_id, 'device.event', { from: d.device_id, ...body });
      if (body.type !== 'scan') return ok({ routed_to: lane.device_id });
      const b = db
        .prepare(
          `SELECT basket_id FROM baskets WHERE device_id = ? AND state = 'active' ORDER BY created_at DESC LIMIT 1`,
        )
        .get(lane.device_id) as { basket_id: string } | undefined;
      if (!b) throw new HubError(409, 'NO_ACTIVE_BASKET', 'the lane has no active basket');
      return ok(
        {
          routed_to: lane.device_id,
          ...sales.addLine(
            lane,
            b.basket_id,
            parse(addLineSchema, { code: body.code, symbology: body.symbology }),
          ),
        },
        201,
      );
    }),
  );

  // --- replication ----------------------------------------------------------------------------
  app.get(
    '/v1/replication/:collection/pull',
    route((req) => (device(req), ok(pull(db, p(req, 'collection'), parse(pullQuerySchema, req.query))))),
  );
  app.post(
    '/v1/replication/:collection/push',
    route((req) => {
      device(req);
      const conflicts = push(db, p(req, 'collection'), parse(pushSchema, req.body));
      notifyReplication();
      return ok(conflicts);
    }),
  );

  // --- staff ----------------------------------------------------------------------------------
  app.get(
    '/v1/interventions',
    route(
      (req) => (
        staff(req),
        ok(sales.listInterventions(typeof req.query.status === 'string' ? req.query.status : undefined))
      ),
    ),
  );
  app.post(
    '/v1/interventions/:id/decide',
    route((req) => {
      const s = staff(req);
      const key = req.header('idempotency-key');
      const run = (): Answer => ok(sales.decide(s, p(req, 'id'), parse(decideSchema, req.body)));
      // Staff clients may send an Idempotency-Key too (scoped to the staff user).
      return key && key.length <= 200
        ? idem.runSync(`staff:${s.user_id}`, key, requestHash(req.method, req.path, req.body), run)
        : run();
    }),
  );
  app.post(
    '/v1/catalog/import',
    route(async (req) => {
      const s = staff(req);
      if (!s.permissions.can_import)
        throw new HubError(403, 'PERMISSION_DENIED', 'this staff user may not import');
      if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))
        throw new HubError(400, 'VALIDATION_FAILED', 'an import document object is required');
      const body = req.body as Record<string, unknown[]>;
      const run = async (): Promise<Answer> => {
        const report = await importDoc(db, body);
        notifyReplication();
        return ok(report, report.applied ? 200 : 422);
      };
      const key = req.header('idempotency-key');
      return key && key.length <= 200
        ? idem.runAsync(`staff:${s.user_id}`, key, requestHash(req.method, req.path, req.body), run)
        : run();
    }),
  );
  app.get(
    '/v1/staff/orders/:id',
    route((req) => (staff(req), ok(checkout.get(null, p(req, 'id'))))),
  );
  app.get(
    '/v1/sync/status',
    route((req) => (staff(req), ok(outboxStatus(db)))),
  );
  app.get(
    '/v1/sync/outbox',
    route((req) => {
      staff(req);
      const after = Number(req.query.after ?? 0);
      const limit = Math.min(Number(req.query.limit ?? 100) || 100, 1000);
      return ok(readOutbox(db, Number.isFinite(after) ? after : 0, limit));
    }),
  );

  app.use((_req: Request, _res: Response, next: NextFunction) =>
    next(new HubError(404, 'ROUTE_NOT_FOUND', 'no such endpoint')),
  );
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HubError) {
      res.status(err.status).json(err.toBody());
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({
        error: { code: 'MALFORMED_JSON', message: 'the request body is not valid JSON', details: {} },
      });
      return;
    }
    if (e.type === 'entity.too.large') {
      res
        .status(413)
        .json({ error: { code: 'BODY_TOO_LARGE', message: 'the request body is too large', details: {} } });
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res
        .status(e.status)
        .json({ error: { code: 'BAD_REQUEST', message: e.message ?? 'bad request', details: {} } });
      return;
    }
    log.error({ err }, 'unhandled error');
    res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error', details: {} } });
  });

  const server = http.createServer(app);
  const io = new IoServer(server, { cors: { origin: false } });
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const t = typeof token === 'string' ? token : undefined;
    const d = deviceForToken(db, t);
    if (d) {
      socket.data.device = d;
      return next();
    }
    const s = staffForToken(db, t);
    if (s) {
      socket.data.staff = s;
      return next();
    }
    next(new Error('UNAUTHENTICATED'));
  });
  io.on('connection', (socket) => {
    const d = socket.data.device as DeviceRow | undefined;
    if (d) {
      void socket.join(d.device_id);
      void socket.join('devices');
      // A reconnecting kiosk gets its current state back.
      try {
        socket.emit('state', sales.deviceState(d.device_id));
      } catch (err) {
        log.warn({ err }, 'state on connect failed');
      }
      socket.emit('replication.changed', { checkpoint: currentStamp(db) });
    } else {
      void socket.join('staff');
    }
  });
  bus.on('event', (e) => {
    io.to(e.to).emit(e.name, e.payload);
  });

  // Catalogue/promotion/tax changes reach kiosks: poll the replication clock (also catches the
  // import CLI writing from another process) and tell every device to pull.
  let lastStamp = currentStamp(db);
  const notifyReplication = (): void => {
    const s = currentStamp(db);
    if (s !== lastStamp) {
      lastStamp = s;
      io.to('devices').emit('replication.changed', { checkpoint: s });
    }
  };
  const replTimer = setInterval(notifyReplication, 200);
  const sweepEvery = Math.max(
    50,
    Math.min(30_000, Math.floor((opts.paymentSessionTimeoutMs ?? 600_000) / 4)),
  );
  const sweepTimer = setInterval(() => {
    checkout.sweepAbandoned().catch((err: unknown) => log.error({ err }, 'abandoned-order sweep failed'));
    try {
      sales.expireIdleBaskets();
    } catch (err) {
      log.error({ err }, 'idle-basket sweep failed');
    }
  }, sweepEvery);

  if (devices) await devices.start();
  const pairingCode = createPairingCode(db);
  const recovered = checkout.recover();
  if (recovered.length > 0) log.info({ tenders: recovered }, 'recovering pending tenders');

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.host === '0.0.0.0' ? 'localhost' : (opts.host ?? '127.0.0.1')}:${port}`;
  log.info({ url, dataDir: opts.dataDir, pricing: 'promo-core' }, 'store hub listening');

  return {
    url,
    port,
    db,
    pairingCode,
    recovered,
    async close() {
      clearInterval(replTimer);
      clearInterval(sweepTimer);
      checkout.stop();
      if (devices) await devices.stop();
      await checkout.drain();
      await new Promise<void>((r) => io.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
      terminal.close();
      db.close();
    },
  };
}

/** Optional shopper details for e-receipts and loyalty (§1.1 Customer); anonymous by default. */
const sessionSchema = z.object({
  customer: z
    .object({
      email: z.email().max(200).optional(),
      phone: z
        .string()
        .regex(/^\+?[0-9 ()-]{5,32}$/)
        .optional(),
      loyalty_number: z.string().min(1).max(64).optional(),
    })
    .strict()
    .default({}),
});
const pullBasketId = z.object({ basket_id: z.string().min(1).max(64).optional() });
const deviceEventSchema = z.object({
  type: z.enum(['scan', 'status']),
  code: z.string().trim().min(1).max(512).optional(),
  symbology: z.enum(['EAN13', 'EAN8', 'UPCA', 'UPCE', 'GS1_128', 'DATAMATRIX', 'ITF']).optional(),
  status: z.string().max(200).optional(),
});
