/**
 * The HQ HTTP service (express 5): stores and groups, publishing (dry run with the validation
 * report and the diff against what is live, then publish), publications, fleet, §8.1 sales,
 * order detail and dead letters. Every body and query is validated with zod; bad input answers
 * 4xx `{ error: { code, message, details } }`. Access control is a pluggable `authorize` hook
 * (issue 14 wires roles and sessions into it), and extensions mount their routes and static
 * files (the dashboard).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import type { HqDb } from '../db';
import { int8, iso } from '../db';
import { listDeadLetters, replayDeadLetters } from '../dead-letters';
import { recomputeAggregates } from '../ingest';
import type { OutboxSender } from '../publishing';
import {
  CsvError,
  documentFromCsv,
  outboxBacklog,
  planPublication,
  publish,
  PublishError,
} from '../publishing';
import { dailySales, fleet, orderDetail, paymentMethods } from '../reports';
import { listStores, storeInputSchema, upsertStore } from '../stores';
import { openApiDocument } from './openapi';
import { publishBodySchema, replayBodySchema, salesQuerySchema } from './schemas';

export type HqAction = 'read' | 'publish' | 'replay' | 'admin';

export interface HqExtension {
  mountPath: string;
  router: Router;
  staticDir?: string;
  staticMount?: string;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export interface HqServerOptions {
  db: HqDb;
  publisher?: OutboxSender | null;
  extensions?: HqExtension[];
  /** Throws HttpError(401/403) to refuse; returns the acting user's name (for publications). */
  authorize?: (req: Request, action: HqAction) => Promise<string | null> | string | null;
  /** Request body limit (a 100,000-item catalogue is ~30 MB of JSON). */
  bodyLimit?: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type Handler = (req: Request, res: Response) => Promise<unknown>;

function zodDetails(err: z.ZodError) {
  return { issues: err.issues.slice(0, 100).map((i) => ({ path: i.path.join('.'), message: i.message })) };
}

export function createHqApp(o: HqServerOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: o.bodyLimit ?? '64mb' }));
  app.use(express.text({ type: ['text/csv', 'text/plain'], limit: o.bodyLimit ?? '64mb' }));
  const authorize = o.authorize ?? (() => null);

  const route =
    (
      action: HqAction,
      fn: (req: Request, user: string | null) => Promise<{ status?: number; data: unknown }>,
    ): Handler =>
    async (req, res) => {
      const user = await authorize(req, action);
      const r = await fn(req, user);
      res.status(r.status ?? 200).json({ data: r.data });
    };
  const wrap = (h: Handler) => (req: Request, res: Response, next: NextFunction) => {
    h(req, res).catch(next);
  };

  app.get('/health', (_req, res) => void res.json({ data: { ok: true } }));
  app.get('/openapi.json', (_req, res) => void res.json(openApiDocument()));

  app.get('/v1/stores', wrap(route('read', async () => ({ data: await listStores(o.db) }))));
  app.put(
    '/v1/stores/:store_id',
    wrap(
      route('admin', async (req) => {
        const input = storeInputSchema.parse({ ...(req.body as object), store_id: req.params.store_id });
        await upsertStore(o.db, input);
        return { data: (await listStores(o.db)).find((s) => s.store_id === input.store_id) };
      }),
    ),
  );

  app.post(
    '/v1/publish/:stream',
    wrap(
      route('publish', async (req, user) => {
        const stream = z.enum(['catalog', 'promotions', 'tax']).parse(req.params.stream);
        const raw =
          typeof req.body === 'string' ? { csv: req.body, ...req.query } : { ...(req.body as object) };
        if (typeof req.body === 'string') {
          for (const k of ['store_ids', 'groups'] as const) {
            const v = (raw as Record<string, unknown>)[k];
            if (typeof v === 'string') (raw as Record<string, unknown>)[k] = v.split(',');
          }
          const dry = (raw as Record<string, unknown>).dry_run;
          if (typeof dry === 'string')
            (raw as Record<string, unknown>).dry_run = dry === 'true' || dry === '1';
        }
        const body = publishBodySchema.parse(raw);
        let document = body.document ?? {};
        if (body.csv !== undefined) {
          try {
            document = documentFromCsv(stream, body.csv);
          } catch (err) {
            if (err instanceof CsvError) throw new HttpError(400, 'CSV_INVALID', err.message);
            throw err;
          }
        }
        const req2 = {
          stream,
          mode: body.mode,
          store_ids: body.store_ids,
          groups: body.groups,
          document,
          deletes: body.deletes,
          created_by: user,
        };
        if (body.dry_run) return { data: await planPublication(o.db, req2) };
        const out = await publish(o.db, req2);
        o.publisher?.poke();
        return { status: 201, data: out };
      }),
    ),
  );

  app.get(
    '/v1/publications',
    wrap(
      route('read', async (req) => {
        const q = z
          .object({
            store_id: z.string().optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          })
          .parse(req.query);
        const rows = await o.db
          .selectFrom('publications')
          .selectAll()
          .$if(q.store_id !== undefined, (b) => b.where('store_id', '=', q.store_id!))
          .orderBy('created_at', 'desc')
          .limit(q.limit)
          .execute();
        const applied = await o.db.selectFrom('stream_applied').selectAll().execute();
        return {
          data: rows.map((r) => {
            const a = applied.find((x) => x.store_id === r.store_id && x.stream === r.stream);
            return {
              ...r,
              version: Number(int8(r.version)),
              created_at: iso(r.created_at),
              applied: a ? int8(a.version) >= int8(r.version) : false,
            };
          }),
        };
      }),
    ),
  );

  app.get(
    '/v1/fleet',
    wrap(
      route('read', async () => ({ data: { stores: await fleet(o.db), outbox: await outboxBacklog(o.db) } })),
    ),
  );

  app.get(
    '/v1/sales/daily',
    wrap(
      route('read', async (req) => {
        const q = salesQuerySchema.parse(req.query);
        return { data: { rows: await dailySales(o.db, q), payment_methods: await paymentMethods(o.db, q) } };
      }),
    ),
  );

  app.get(
    '/v1/orders/:order_id',
    wrap(
      route('read', async (req) => {
        const d = await orderDetail(o.db, String(req.params.order_id));
        if (!d) throw new HttpError(404, 'ORDER_NOT_FOUND', 'no such order at HQ');
        return { data: d };
      }),
    ),
  );

  app.get(
    '/v1/dead-letters',
    wrap(
      route('read', async (req) => {
        const q = z.object({ unresolved: z.enum(['true', 'false']).default('true') }).parse(req.query);
        return { data: await listDeadLetters(o.db, { unresolvedOnly: q.unresolved === 'true' }) };
      }),
    ),
  );
  app.post(
    '/v1/dead-letters/replay',
    wrap(
      route('replay', async (req) => {
        const b = replayBodySchema.parse(req.body ?? {});
        return {
          data: await replayDeadLetters(o.db, {
            ...(b.store_id ? { storeId: b.store_id } : {}),
            ...(b.ids ? { ids: b.ids } : {}),
          }),
        };
      }),
    ),
  );
  app.post(
    '/v1/aggregates/recompute',
    wrap(
      route('admin', async (req) => {
        const b = z.object({ store_ids: z.array(z.string()).optional() }).parse(req.body ?? {});
        return { data: await recomputeAggregates(o.db, b.store_ids) };
      }),
    ),
  );

  for (const ext of o.extensions ?? []) {
    app.use(ext.mountPath, ext.router);
    if (ext.staticDir) {
      const mount = ext.staticMount ?? '/dashboard';
      app.use(mount, express.static(ext.staticDir, { index: 'index.html' }));
      app.get(`${mount}/{*rest}`, (_req, res) => res.sendFile('index.html', { root: ext.staticDir! }));
    }
  }

  app.use(
    (_req, res) =>
      void res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route', details: {} } }),
  );
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const send = (status: number, code: string, message: string, details: Record<string, unknown> = {}) =>
      void res.status(status).json({ error: { code, message, details } });
    if (err instanceof HttpError) return send(err.status, err.code, err.message, err.details);
    if (err instanceof z.ZodError)
      return send(400, 'VALIDATION_FAILED', 'the request is not valid', zodDetails(err));
    if (err instanceof PublishError)
      return send(err.code === 'UNKNOWN_STORES' ? 404 : 422, err.code, err.message, err.details);
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') return send(400, 'MALFORMED_JSON', 'the body is not valid JSON');
    if (e?.type === 'entity.too.large') return send(413, 'BODY_TOO_LARGE', 'the body is too large');
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
      return send(e.status, 'BAD_REQUEST', e.message ?? 'bad request');
    console.error('hq: internal error', err);
    return send(500, 'INTERNAL', 'HQ could not complete the request');
  });
  return app;
}

export interface RunningHqServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startHqServer(
  o: HqServerOptions & { port?: number; host?: string },
): Promise<RunningHqServer> {
  for (const ext of o.extensions ?? []) await ext.start?.();
  const app = createHqApp(o);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(o.port ?? 0, o.host ?? '127.0.0.1', (err?: Error) =>
      err ? reject(err) : resolve(s),
    );
    s.once('error', reject);
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address}:${addr.port}`,
    server,
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      // Idle keep-alive connections would hold close() open.
      server.closeIdleConnections?.();
      await closed;
      for (const ext of o.extensions ?? []) await ext.stop?.();
    },
  };
}
