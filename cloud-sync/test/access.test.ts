import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterFailure, THROTTLE } from '../src/access';
import { can, PERMISSIONS } from '../src/access';
import { ROLES } from '../src/access';
import type { DashHarness } from './dashboard-support/server';
import { addUser, Client, startDashboard } from './dashboard-support/server';

describe('HQ access: users, sessions, CSRF, roles, throttling, audit', () => {
  let h: DashHarness;
  beforeAll(async () => {
    h = await startDashboard();
    await h.dash.start?.();
    await addUser(h.db, 'ada', 'admin');
    await addUser(h.db, 'ana', 'analyst');
    await addUser(h.db, 'mia', 'merchandiser');
    await addUser(h.db, 'olu', 'store-ops');
  });
  afterAll(async () => h?.close());

  it('signs in with a password and sets an httpOnly SameSite=Strict cookie holding no user data', async () => {
    const c = new Client(h.url);
    const r = await c.signIn('ada');
    expect(r.status).toBe(200);
    const set = r.headers.get('set-cookie')!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).not.toMatch(/ada/);
    expect(r.body.user).toMatchObject({ username: 'ada', role: 'admin' });
    expect(r.body.user.permissions).toContain('publish');
    const me = await c.req('GET', '/v1/dashboard/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.csrf_token).toBe(c.csrf);
    // The database keeps only a hash of the token.
    const rows = await h.db.selectFrom('hq_sessions').select('token_hash').execute();
    const token = c.cookie.split('=')[1]!;
    expect(rows.some((x) => x.token_hash === token)).toBe(false);
  });

  it('answers a wrong password and an unknown user the same way, with a plain sentence', async () => {
    const c = new Client(h.url);
    const a = await c.signIn('ana', 'not the password');
    const b = await c.signIn('nobody-here', 'not the password');
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body.error.code).toBe('BAD_CREDENTIALS');
    expect(a.body.error.message).toBe(b.body.error.message);
  });

  it('rejects bad input with 400 and the problem by path', async () => {
    const c = new Client(h.url);
    const r = await c.req('POST', '/v1/dashboard/auth/sign-in', { username: '', password: 5 });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('INVALID_INPUT');
    expect(r.body.error.details.issues.length).toBeGreaterThan(0);
    const j = await fetch(`${h.url}/v1/dashboard/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(j.status).toBe(400);
  });

  it('locks a username after 5 failures (429 with Retry-After) and the right password does not get through', async () => {
    await addUser(h.db, 'target', 'analyst');
    const c = new Client(h.url);
    for (let i = 0; i < THROTTLE.maxFailures; i++)
      expect((await c.signIn('target', 'wrong-wrong')).status).toBe(401);
    const locked = await c.signIn('target');
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user from the same address still signs in (the address limit is higher).
    expect((await new Client(h.url).signIn('mia')).status).toBe(200);
  });

  it('lock durations grow with failures and stay within the cap (policy)', () => {
    let prev: { failures: number; window_started_at: number } | null = null;
    let last = 0;
    for (let i = 1; i <= 20; i++) {
      const n = afterFailure(prev, 1000 * i);
      if (i < THROTTLE.maxFailures) expect(n.locked_until).toBeNull();
      else {
        const len = n.locked_until! - 1000 * i;
        expect(len).toBeGreaterThanOrEqual(last);
        expect(len).toBeLessThanOrEqual(THROTTLE.maxLockMs);
        last = len;
      }
      prev = n;
    }
    // A failure after the window starts a new count.
    expect(afterFailure({ failures: 9, window_started_at: 0 }, THROTTLE.windowMs + 1).failures).toBe(1);
  });

  it('requires a session (401) and the CSRF header on changes (403)', async () => {
    const anon = new Client(h.url);
    expect((await anon.req('GET', '/v1/dashboard/fleet')).status).toBe(401);
    const c = new Client(h.url);
    await c.signIn('ada');
    const noCsrf = await c.req('POST', '/v1/dashboard/pricing-audit/run', {}, { 'x-csrf-token': 'forged' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('CSRF_FAILED');
    expect((await c.req('POST', '/v1/dashboard/pricing-audit/run', {})).status).toBe(200);
    // The HQ service's own routes are guarded by the same sessions.
    expect((await anon.req('GET', '/v1/fleet')).status).toBe(401);
    expect((await c.req('GET', '/v1/fleet')).status).toBe(200);
  });

  it('checks roles on the server: an analyst cannot publish (403), nor manage users', async () => {
    const c = new Client(h.url);
    await c.signIn('ana');
    const body = { stream: 'promotions', store_ids: ['s1'], format: 'json', content: '[]' };
    const p = await c.req('POST', '/v1/dashboard/publishing/publish', body);
    expect(p.status).toBe(403);
    expect(p.body.error.code).toBe('FORBIDDEN');
    expect(p.body.error.message).toMatch(/analyst/);
    expect(
      (await c.req('POST', '/v1/publish/promotions', { mode: 'snapshot', store_ids: ['s1'], document: {} }))
        .status,
    ).toBe(403);
    expect((await c.req('GET', '/v1/dashboard/users')).status).toBe(403);
    expect((await c.req('GET', '/v1/dashboard/sales?from=2026-01-01&to=2026-01-31')).status).toBe(200);
  });

  it('the role table: admin can everything, only admin and merchandiser publish', () => {
    for (const p of PERMISSIONS) expect(can('admin', p)).toBe(true);
    expect(ROLES.filter((r) => can(r, 'publish'))).toEqual(['admin', 'merchandiser']);
    expect(ROLES.filter((r) => can(r, 'users.manage'))).toEqual(['admin']);
  });

  it('an admin creates and disables a user; disabling ends their sessions; the audit log records it', async () => {
    const admin = new Client(h.url);
    await admin.signIn('ada');
    const created = await admin.req('POST', '/v1/dashboard/users', {
      username: 'newbie',
      role: 'store-ops',
      password: 'a long enough password',
    });
    expect(created.status).toBe(201);
    const dup = await admin.req('POST', '/v1/dashboard/users', {
      username: 'newbie',
      role: 'analyst',
      password: 'another long one',
    });
    expect(dup.status).toBe(409);
    const weak = await admin.req('POST', '/v1/dashboard/users', {
      username: 'weak',
      role: 'analyst',
      password: 'short',
    });
    expect(weak.status).toBe(400);
    const u = new Client(h.url);
    expect((await u.signIn('newbie', 'a long enough password')).status).toBe(200);
    expect((await u.req('GET', '/v1/dashboard/fleet')).status).toBe(200);
    const off = await admin.req('POST', `/v1/dashboard/users/${created.body.user.user_id}/disabled`, {
      disabled: true,
    });
    expect(off.status).toBe(200);
    expect((await u.req('GET', '/v1/dashboard/fleet')).status).toBe(401);
    expect((await u.signIn('newbie', 'a long enough password')).status).toBe(401);
    const log = await admin.req('GET', '/v1/dashboard/audit-log');
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['user.create', 'user.disable', 'sign_in']),
    );
  });

  it('signing out ends the session', async () => {
    const c = new Client(h.url);
    await c.signIn('olu');
    expect((await c.req('POST', '/v1/dashboard/auth/sign-out', {})).status).toBe(200);
    expect((await c.req('GET', '/v1/dashboard/auth/me')).status).toBe(401);
  });
});
