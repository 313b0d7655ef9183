/**
 * The dashboard's HTTP API (mounted by the HQ server at /v1/dashboard): every route behind a
 * cookie session, CSRF on changes, and the role check for what it does.
 */
import { Router } from 'express';
import express from 'express';
import { z } from 'zod';
import { writeAudit } from '../access/audit-log';
import { authenticate, requirePermission, userOf } from '../access/guard';
import { ApiError, errorHandler, handle, parse } from '../access/http';
import { accessRoutes } from '../access/routes';
import type { DashDb } from '../access/schema';
import type { HqDb } from '../db';
import { iso } from '../db';
import type { OutboxSender, PublishRequest } from '../publishing';
import { CsvError, documentFromCsv, planPublication, publish, PublishError } from '../publishing';
import type { PricingAuditor } from '../pricing-audit';
import { auditSummary } from '../pricing-audit';
import { listStores } from '../stores';
import type { TestbenchRunner } from '../testbench';
import { benchParamsSchema, loadStoreDocs } from '../testbench';
import { salesFilterSchema } from './filters';
import { fleetView } from './fleet';
import { kpis } from './kpis';
import { listRefunds, orderDetail, orderSearchSchema, searchOrders } from './orders';
import { salesView } from './sales';

export interface DashboardRouteDeps {
  db: DashDb;
  runner: TestbenchRunner;
  auditor: PricingAuditor;
  publisher?: Pick<OutboxSender, 'poke'> | null;
  secureCookies?: boolean;
  log?: (msg: string, ctx?: object) => void;
}

const publishSchema = z
  .object({
    stream: z.enum(['catalog', 'promotions', 'tax']),
    mode: z.enum(['snapshot', 'delta']).default('snapshot'),
    store_ids: z.array(z.string().min(1).max(64)).max(1000).default([]),
    groups: z.array(z.string().min(1).max(64)).max(100).default([]),
    format: z.enum(['json', 'csv']),
    /** The uploaded file's text: the hub's import JSON (sections) or one CSV file. */
    content: z
      .string()
      .min(1, 'choose a file to upload')
      .max(64 * 1024 * 1024),
    deletes: z.array(z.string().min(1).max(256)).max(100_000).optional(),
  })
  .refine((b) => b.store_ids.length + b.groups.length > 0, {
    message: 'choose at least one store or group',
    path: ['store_ids'],
  });

function documentOf(b: z.output<typeof publishSchema>): PublishRequest['document'] {
  if (b.format === 'csv') {
    try {
      return documentFromCsv(b.stream, b.content);
    } catch (err) {
      if (err instanceof CsvError)
        throw new ApiError(400, 'CSV_INVALID', `The CSV file cannot be used: ${err.message}.`);
      throw err;
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(b.content);
  } catch {
    throw new ApiError(400, 'JSON_INVALID', 'The file is not valid JSON.');
  }
  // A bare array is the stream's one section; an object is the hub's import file (sections by name).
  if (Array.isArray(raw))
    return b.stream === 'catalog'
      ? { items: raw }
      : b.stream === 'promotions'
        ? { promotions: raw }
        : { tax_table: raw };
  if (raw && typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    const arr = (k: string) => (Array.isArray(o[k]) ? (o[k] as unknown[]) : undefined);
    return {
      items: arr('items'),
      categories: arr('categories'),
      promotions: arr('promotions'),
      tax_table: arr('tax_table'),
    };
  }
  throw new ApiError(
    400,
    'JSON_INVALID',
    'The file must hold a list or the import sections (items, promotions, tax_table).',
  );
}

function publishError(err: unknown): never {
  if (err instanceof PublishError) {
    const status = err.code === 'UNKNOWN_STORES' ? 404 : err.code === 'NO_TARGET' ? 400 : 422;
    const message: Record<string, string> = {
      VALIDATION_FAILED:
        'Some rows were rejected, so nothing was published. Fix the rows listed and upload again.',
      UNKNOWN_STORES: 'Some of the chosen stores are not known to HQ.',
      NO_TARGET: 'Choose at least one store or group.',
      MIXED_CURRENCY_PLACES:
        'The chosen stores use currencies with different decimal places; publish to each separately.',
    };
    throw new ApiError(status, err.code, message[err.code] ?? err.message, err.details);
  }
  throw err;
}

export function dashboardRoutes(d: DashboardRouteDeps): Router {
  const { db } = d;
  const hq = db as unknown as HqDb;
  const r = Router();
  r.use(express.json({ limit: '70mb' }));
  r.use(accessRoutes(db, { secureCookies: d.secureCookies ?? false }));
  r.use(authenticate(db));

  r.get(
    '/stores',
    requirePermission('fleet.view'),
    handle(async () => ({ stores: await listStores(hq) })),
  );
  r.get(
    '/fleet',
    requirePermission('fleet.view'),
    handle(async () => fleetView(db)),
  );

  r.get(
    '/sales',
    requirePermission('sales.view'),
    handle(async (req) => salesView(db, parse(salesFilterSchema, req.query, 'sales filter'))),
  );
  r.get(
    '/kpis',
    requirePermission('sales.view'),
    handle(async (req) => kpis(db, parse(salesFilterSchema, req.query, 'KPI filter'))),
  );
  r.get(
    '/orders',
    requirePermission('sales.view'),
    handle(async (req) => searchOrders(db, parse(orderSearchSchema, req.query, 'order search'))),
  );
  r.get(
    '/orders/:id',
    requirePermission('sales.view'),
    handle(async (req) => {
      const id = parse(z.string().min(1).max(128), req.params.id, 'order id');
      const o = await orderDetail(db, id);
      if (!o) throw new ApiError(404, 'ORDER_NOT_FOUND', 'HQ has no order with that id (yet).');
      return o;
    }),
  );
  r.get(
    '/refunds',
    requirePermission('sales.view'),
    handle(async (req) => ({
      refunds: await listRefunds(db, parse(orderSearchSchema, req.query, 'refund search')),
    })),
  );

  // Publishing: a dry run (validation report + diff vs live per store), then publish.
  const publishing = (dry: boolean) =>
    handle(async (req, res) => {
      const b = parse(publishSchema, req.body, 'upload');
      const request: PublishRequest = {
        stream: b.stream,
        mode: b.mode,
        store_ids: b.store_ids,
        groups: b.groups,
        document: documentOf(b),
        deletes: b.deletes,
        created_by: userOf(req).username,
      };
      const target = { stream: b.stream, mode: b.mode, store_ids: b.store_ids, groups: b.groups };
      if (dry) return planPublication(hq, request).catch(publishError);
      try {
        const out = await publish(hq, request);
        d.publisher?.poke();
        await writeAudit(db, userOf(req), {
          action: 'publish',
          outcome: 'ok',
          target,
          details: {
            publications: out.publications.map((p) => ({
              store_id: p.store_id,
              version: p.version,
              type: p.type,
            })),
          },
        });
        res.status(201);
        return out;
      } catch (err) {
        await writeAudit(db, userOf(req), {
          action: 'publish',
          outcome: err instanceof PublishError ? 'rejected' : 'failed',
          target,
          details: {
            code: (err as { code?: string }).code ?? 'INTERNAL',
            message: String((err as Error).message).slice(0, 300),
          },
        });
        return publishError(err);
      }
    });
  r.post('/publishing/plan', requirePermission('publish'), publishing(true));
  r.post('/publishing/publish', requirePermission('publish'), publishing(false));
  r.get(
    '/publishing/publications',
    requirePermission('fleet.view'),
    handle(async (req) => {
      const q = parse(
        z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        req.query,
        'query',
      );
      const rows = await db
        .selectFrom('publications')
        .selectAll()
        .orderBy('created_at', 'desc')
        .limit(q.limit)
        .execute();
      const applied = await db.selectFrom('stream_applied').selectAll().execute();
      return {
        publications: rows.map((p) => {
          const a = applied.find((x) => x.store_id === p.store_id && x.stream === p.stream);
          return {
            publication_id: p.publication_id,
            store_id: p.store_id,
            stream: p.stream,
            type: p.type,
            version: Number(p.version),
            created_at: iso(p.created_at),
            created_by: p.created_by,
            applied_version: a ? Number(a.version) : null,
            applied: a ? BigInt(a.version) >= BigInt(p.version) : false,
            applied_at: a ? new Date(a.applied_at).toISOString() : null,
          };
        }),
      };
    }),
  );
  r.get(
    '/publishing/live',
    requirePermission('sales.view'),
    handle(async (req) => {
      const q = parse(z.object({ store_id: z.string().min(1).max(64) }), req.query, 'query');
      const docs = await loadStoreDocs(db, q.store_id);
      if (!docs) throw new ApiError(404, 'STORE_NOT_FOUND', 'HQ does not know that store.');
      return {
        store_id: q.store_id,
        versions: docs.versions,
        promotions: docs.promotions,
        items: docs.items.length,
        tax_rows: docs.tax_rows.length,
      };
    }),
  );
  r.get(
    '/audit-log/publishing',
    requirePermission('publish'),
    handle(async () => {
      const rows = await db
        .selectFrom('hq_audit_log')
        .selectAll()
        .where('action', '=', 'publish')
        .orderBy('id', 'desc')
        .limit(100)
        .execute();
      return {
        entries: rows.map((e) => ({ ...e, id: String(e.id), at: new Date(e.at as string).toISOString() })),
      };
    }),
  );
  r.put(
    '/stores/:id/pricing-config',
    requirePermission('users.manage'),
    handle(async (req) => {
      const id = parse(z.string().min(1).max(64), req.params.id, 'store id');
      const cfg = parse(
        z.object({
          tax_config: z.record(z.string(), z.unknown()),
          barcodes: z.record(z.string(), z.unknown()).default({}),
          allow_negative_basket: z.boolean().default(false),
        }),
        req.body,
        'pricing configuration',
      );
      await db
        .insertInto('store_pricing_config')
        .values({ store_id: id, config: JSON.stringify(cfg), updated_at: new Date().toISOString() })
        .onConflict((oc) =>
          oc
            .column('store_id')
            .doUpdateSet({ config: JSON.stringify(cfg), updated_at: new Date().toISOString() }),
        )
        .execute();
      await writeAudit(db, userOf(req), {
        action: 'store.pricing_config',
        outcome: 'ok',
        target: { store_id: id },
      });
      return { ok: true };
    }),
  );

  // The promotion test bench.
  r.post(
    '/testbench/runs',
    requirePermission('testbench.run'),
    handle(async (req, res) => {
      const p = parse(benchParamsSchema, req.body, 'test bench run');
      const run = await d.runner.start(p, userOf(req).username);
      res.status(202);
      return run;
    }),
  );
  r.get(
    '/testbench/runs',
    requirePermission('testbench.run'),
    handle(async () => ({ runs: await d.runner.list() })),
  );
  r.get(
    '/testbench/runs/:id',
    requirePermission('testbench.run'),
    handle(async (req) => d.runner.get(parse(z.uuid(), req.params.id, 'run id'))),
  );
  r.post(
    '/testbench/runs/:id/cancel',
    requirePermission('testbench.run'),
    handle(async (req) => {
      await d.runner.cancel(parse(z.uuid(), req.params.id, 'run id'));
      return { ok: true };
    }),
  );

  // The pricing audit.
  r.get(
    '/pricing-audit',
    requirePermission('audit.view'),
    handle(async (req) => {
      const q = parse(
        z.object({
          store_id: z.string().min(1).max(64).optional(),
          status: z.enum(['match', 'mismatch', 'unverifiable']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        req.query,
        'query',
      );
      return auditSummary(db, q);
    }),
  );
  r.post(
    '/pricing-audit/run',
    requirePermission('audit.view'),
    handle(async () => ({ audited: await d.auditor.runOnce() })),
  );

  r.use((_req, _res, next) => next(new ApiError(404, 'NOT_FOUND', 'There is no such dashboard route.')));
  r.use(
    errorHandler((err) =>
      d.log?.('dashboard: internal error', { err: String((err as Error)?.stack ?? err) }),
    ),
  );
  return r;
}
