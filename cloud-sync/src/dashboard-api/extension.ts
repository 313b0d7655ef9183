/**
 * The dashboard as one extension of the HQ server (src/server's HqExtension): its API router,
 * the built React app (dashboard/dist, served at /dashboard/), its own migrations, the pricing
 * auditor in the background and the test bench runner, started and stopped with the server.
 * Also an `authorize` hook for the server's own /v1 routes, so the same sessions and roles
 * guard them.
 */
import type { Request } from 'express';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateDashboard } from '../access/migrations';
import { can } from '../access/permissions';
import type { Permission } from '../access/permissions';
import type { DashDb } from '../access/schema';
import { CSRF_HEADER, SESSION_COOKIE, csrfMatches, readCookie, sessionUser } from '../access/sessions';
import type { HqDb } from '../db';
import type { OutboxSender } from '../publishing';
import { PricingAuditor } from '../pricing-audit';
import type { HqAction, HqExtension } from '../server';
import { HttpError } from '../server';
import { TestbenchRunner } from '../testbench';
import { dashboardRoutes } from './routes';

export const DASHBOARD_API_PATH = '/v1/dashboard';
export const DASHBOARD_STATIC_PATH = '/dashboard';
export const DASHBOARD_DIST = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../dashboard/dist',
);

export interface DashboardOptions {
  db: HqDb;
  publisher?: Pick<OutboxSender, 'poke'> | null;
  secureCookies?: boolean;
  /** How often the pricing auditor looks for new orders (default 2 s; 0 = only on demand). */
  auditIntervalMs?: number;
  log?: (msg: string, ctx?: object) => void;
}

export interface Dashboard extends HqExtension {
  runner: TestbenchRunner;
  auditor: PricingAuditor;
  authorize: (req: Request, action: HqAction) => Promise<string | null>;
}

const ACTION_PERMISSION: Record<HqAction, Permission> = {
  read: 'fleet.view',
  publish: 'publish',
  replay: 'users.manage',
  admin: 'users.manage',
};

export function createDashboard(o: DashboardOptions): Dashboard {
  const db = o.db as unknown as DashDb;
  const runner = new TestbenchRunner(db);
  const auditor = new PricingAuditor(db, {
    intervalMs: o.auditIntervalMs ?? 2000,
    ...(o.log ? { log: o.log } : {}),
  });
  return {
    mountPath: DASHBOARD_API_PATH,
    router: dashboardRoutes({
      db,
      runner,
      auditor,
      publisher: o.publisher ?? null,
      secureCookies: o.secureCookies ?? false,
      ...(o.log ? { log: o.log } : {}),
    }),
    staticDir: DASHBOARD_DIST,
    staticMount: DASHBOARD_STATIC_PATH,
    runner,
    auditor,
    async start() {
      await migrateDashboard(db);
      if ((o.auditIntervalMs ?? 2000) > 0) auditor.start();
    },
    async stop() {
      await auditor.stop();
      await runner.stop();
    },
    async authorize(req, action) {
      const u = await sessionUser(db, readCookie(req.headers.cookie, SESSION_COOKIE));
      if (!u) throw new HttpError(401, 'NOT_SIGNED_IN', 'Please sign in to continue.');
      if (
        !['GET', 'HEAD', 'OPTIONS'].includes(req.method) &&
        !csrfMatches(u.csrf_token, req.headers[CSRF_HEADER])
      )
        throw new HttpError(
          403,
          'CSRF_FAILED',
          'This request did not come from the dashboard; reload the page and try again.',
        );
      if (!can(u.role, ACTION_PERMISSION[action]))
        throw new HttpError(403, 'FORBIDDEN', `Your role (${u.role}) may not do this.`, {
          role: u.role,
          action,
        });
      return u.username;
    },
  };
}
