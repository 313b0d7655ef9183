/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Staff access for the console against the real hub process: cookie sessions (httpOnly,
 * SameSite=Strict), CSRF on mutating requests, lockout after repeated failures, valid_until,
 * forced PIN reset, sign-out, role_tabs enforced on the hub, and an audit log that cannot be
 * edited.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../harness';
import { FIXTURE, importFile, removeTempDirs, startHubProcess, tempDataDir } from '../harness';

let hub: RunningHub;
let dataDir: string;

class Browserish {
  cookies = new Map<string, string>();
  constructor(readonly url: string) {}
  async req(method: string, p: string, body?: unknown, opts: { csrf?: boolean } = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (opts.csrf !== false && this.cookies.has('kassa_csrf'))
      headers['x-csrf-token'] = this.cookies.get('kassa_csrf')!;
    const res = await fetch(this.url + p, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const [k, v] = kv!.split('=');
      if (v) this.cookies.set(k!, v);
      else this.cookies.delete(k!);
    }
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as any) : null,
      setCookie: res.headers.getSetCookie(),
    };
  }
}

beforeAll(async () => {
  dataDir = tempDataDir();
  const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  doc.staff = [
    {
      username: 'ana',
      pin: '111111',
      password: 'ana-password',
      retailer_staff_id: 'A1',
      permissions: { can_refund: true },
    },
    { username: 'old', pin: '222222', password: 'old-password', valid_until: '2020-01-01T00:00:00Z' },
    { username: 'new', pin: '333333', password: 'new-password', force_reset_pin: true },
    { username: 'lock', pin: '444444', password: 'lock-password' },
    { username: 'tabs', pin: '555555', password: 'tabs-password', role_tabs: ['lanes'] },
  ];
  const file = path.join(dataDir, 'store.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  expect(importFile(dataDir, file).code).toBe(0);
  hub = await startHubProcess(dataDir);
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  removeTempDirs();
});

describe('console access', { timeout: 30_000 }, () => {
  it('signs in with a password into an httpOnly SameSite=Strict cookie and checks CSRF on mutations', async () => {
    const b = new Browserish(hub.url);
    const r = await b.req('POST', '/v1/console/session', { username: 'ana', password: 'ana-password' });
    expect(r.status).toBe(201);
    const session = r.setCookie.find((c) => c.startsWith('kassa_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(r.setCookie.find((c) => c.startsWith('kassa_csrf='))).not.toMatch(/HttpOnly/);
    expect(r.body.data.user).toMatchObject({
      username: 'ana',
      retailer_staff_id: 'A1',
      force_reset_pin: false,
    });
    expect((await b.req('GET', '/v1/console/session')).status).toBe(200);
    const noCsrf = await b.req('POST', '/v1/console/pairing-codes', {}, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('CSRF_TOKEN_INVALID');
    expect((await b.req('POST', '/v1/console/pairing-codes', {})).status).toBe(201);
    // sign out ends the session
    expect((await b.req('DELETE', '/v1/console/session')).status).toBe(200);
    expect((await b.req('GET', '/v1/console/session')).status).toBe(401);
  });

  it('signs in with staff id and 6-digit PIN', async () => {
    const b = new Browserish(hub.url);
    expect((await b.req('POST', '/v1/console/session', { staff_id: 'A1', pin: '111111' })).status).toBe(201);
    expect((await b.req('POST', '/v1/console/session', { staff_id: 'A1', pin: '12345' })).status).toBe(400);
  });

  it('locks an account out after repeated failures, even for the right password', async () => {
    const b = new Browserish(hub.url);
    for (let i = 0; i < 5; i++)
      expect(
        (await b.req('POST', '/v1/console/session', { username: 'lock', password: `wrong-${i}` })).status,
      ).toBe(401);
    const r = await b.req('POST', '/v1/console/session', { username: 'lock', password: 'lock-password' });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(r.body.error.details.retry_after_seconds).toBeGreaterThan(0);
  });

  it('refuses an expired account', async () => {
    const r = await new Browserish(hub.url).req('POST', '/v1/console/session', {
      username: 'old',
      password: 'old-password',
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('STAFF_ACCOUNT_EXPIRED');
  });

  it('requires a new PIN before any module when force_reset_pin is set', async () => {
    const b = new Browserish(hub.url);
    const s = await b.req('POST', '/v1/console/session', { username: 'new', password: 'new-password' });
    expect(s.body.data.user.force_reset_pin).toBe(true);
    const blocked = await b.req('GET', '/v1/console/lanes');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('PIN_RESET_REQUIRED');
    expect(
      (await b.req('POST', '/v1/console/session/pin', { current_pin: '333333', new_pin: '12' })).status,
    ).toBe(400);
    const ok = await b.req('POST', '/v1/console/session/pin', { current_pin: '333333', new_pin: '909090' });
    expect(ok.status).toBe(200);
    expect(ok.body.data.user.force_reset_pin).toBe(false);
    expect((await b.req('GET', '/v1/console/lanes')).status).toBe(200);
    expect(
      (await new Browserish(hub.url).req('POST', '/v1/console/session', { staff_id: 'new', pin: '909090' }))
        .status,
    ).toBe(201);
  });

  it('enforces role_tabs and permissions on the hub, naming what is missing', async () => {
    const b = new Browserish(hub.url);
    await b.req('POST', '/v1/console/session', { username: 'tabs', password: 'tabs-password' });
    expect((await b.req('GET', '/v1/console/lanes')).status).toBe(200);
    const r = await b.req('GET', '/v1/console/devices');
    expect(r.status).toBe(403);
    expect(r.body.error.details.permission).toBe('role_tabs:devices');
  });

  it('keeps audit rows that cannot be changed', async () => {
    const db = new Database(path.join(dataDir, 'kassa-hub.sqlite'));
    try {
      const n = (
        db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'staff.sign_in'`).get() as {
          n: number;
        }
      ).n;
      expect(n).toBeGreaterThan(0);
      expect(() => db.prepare(`UPDATE audit_log SET why = 'edited'`).run()).toThrow(/never updated/);
      expect(() => db.prepare(`DELETE FROM audit_log`).run()).toThrow(/never deleted/);
    } finally {
      db.close();
    }
  });
});
