/** An HQ server with the dashboard extension on PGlite (or a given database), and a cookie-aware client. */
import type { OpenedDb } from '../../src/db';
import { openHqDb } from '../../src/db';
import type { Dashboard } from '../../src/dashboard-api';
import { createDashboard } from '../../src/dashboard-api';
import type { DashDb, Role } from '../../src/access';
import { ensureUser } from '../../src/access';
import type { RunningHqServer } from '../../src/server';
import { startHqServer } from '../../src/server';

export interface DashHarness {
  opened: OpenedDb;
  db: DashDb;
  dash: Dashboard;
  server: RunningHqServer;
  url: string;
  close(): Promise<void>;
}

export async function startDashboard(
  opts: { opened?: OpenedDb; auditIntervalMs?: number } = {},
): Promise<DashHarness> {
  const opened = opts.opened ?? (await openHqDb('memory://'));
  const dash = createDashboard({ db: opened.db, auditIntervalMs: opts.auditIntervalMs ?? 0 });
  const server = await startHqServer({ db: opened.db, extensions: [dash], authorize: dash.authorize });
  return {
    opened,
    db: opened.db as unknown as DashDb,
    dash,
    server,
    url: server.url,
    close: async () => {
      await server.close();
      await opened.close();
    },
  };
}

export const PASSWORD = 'correct horse battery';

export async function addUser(db: DashDb, username: string, role: Role): Promise<void> {
  await ensureUser(db, { username, role, password: PASSWORD });
}

/** A browser-like client: keeps the session cookie and sends the CSRF token on changes. */
export class Client {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }

  async signIn(username: string, password = PASSWORD) {
    const r = await this.req('POST', '/v1/dashboard/auth/sign-in', { username, password });
    if (r.status === 200) this.csrf = r.body.csrf_token;
    return r;
  }
}
