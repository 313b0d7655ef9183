/**
 * Staff access for the console (spec/store.md §7.1): username + password or staff id + 6-digit
 * PIN (argon2), browser sessions in an httpOnly SameSite=Strict cookie with a CSRF token
 * (double submit: a readable cookie the page echoes in `x-csrf-token`, checked against the
 * session's own token on every mutating request), throttling and lockout per account and per
 * client address, `valid_until`, forced PIN reset and sign-out. Devices keep their bearer tokens.
 */
import argon2 from 'argon2';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../platform/db/database';
import { HubError } from '../../platform/errors';
import { newToken, nowIso } from '../../platform/ids';
import { hashToken } from '../../platform/tokens';
import type { StaffUser } from '../staff/schemas';
import { CONSOLE_TABS, visibleTabs } from './permissions';
import type { RequestLike, TrustProxy } from './secure';
import { isSecureRequest, parseTrustProxy } from './secure';

export const CONSOLE_SESSION_TTL_MS = 12 * 3600_000;
export const SESSION_COOKIE = 'kassa_session';
export const CSRF_COOKIE = 'kassa_csrf';

/** Lockout: this many failures inside the window lock the account (or address) for the window. */
export const THROTTLE = { perAccount: 5, perClient: 20, windowMs: 15 * 60_000 };

export interface ConsoleUser extends StaffUser {
  retailer_staff_id: string | null;
  role_tabs: string[];
  valid_until: string | null;
  force_reset_pin: boolean;
}

interface UserRow {
  user_id: string;
  username: string;
  display_name: string;
  pin_hash: string;
  permissions: string;
  password_hash: string | null;
  retailer_staff_id: string | null;
  role_tabs: string | null;
  valid_until: string | null;
  force_reset_pin: number | null;
}

const USER_COLUMNS = `u.user_id, u.username, u.display_name, u.pin_hash, u.permissions,
  a.password_hash, a.retailer_staff_id, a.role_tabs, a.valid_until, a.force_reset_pin`;

// argon2id hash of a random string, used only so unknown users cost the same time as wrong secrets.
const DUMMY_HASH =
  '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$0JQBBU1C2rU1xJ6Ov0kJ8wB6n8y0yq2vB6nNw0L6rSk';

export type SignIn = { username: string; password: string } | { staff_id: string; pin: string };

/** The console's staff fields in an import document (merged into the hub's staff schema). */
export const staffAccessInputShape = {
  password: z.string().min(8, 'a password of at least 8 characters').max(200).optional(),
  retailer_staff_id: z.string().trim().min(1).max(50).nullable().optional(),
  role_tabs: z.array(z.string().min(1).max(40)).max(40).optional(),
  valid_until: z.iso.datetime({ offset: true }).nullable().optional(),
  force_reset_pin: z.boolean().optional(),
};

export interface StaffAccessInput {
  password?: string | undefined;
  retailer_staff_id?: string | null | undefined;
  role_tabs?: string[] | undefined;
  valid_until?: string | null | undefined;
  force_reset_pin?: boolean | undefined;
}

export class ConsoleAuth {
  private readonly st;
  private readonly trust: TrustProxy;

  constructor(
    private readonly db: Db,
    trustProxy: string | undefined = process.env.KASSA_TRUST_PROXY,
  ) {
    // Parsed here so a wrong setting stops the hub at start-up, not the first sign-in.
    this.trust = parseTrustProxy(trustProxy);
    this.st = {
      byUsername: db.prepare<[string], UserRow>(
        `SELECT ${USER_COLUMNS} FROM staff_users u LEFT JOIN staff_access a USING (user_id) WHERE u.username = ? AND u.active = 1`,
      ),
      byStaffId: db.prepare<[string, string], UserRow>(
        `SELECT ${USER_COLUMNS} FROM staff_users u LEFT JOIN staff_access a USING (user_id)
         WHERE (a.retailer_staff_id = ? OR u.username = ?) AND u.active = 1 ORDER BY a.retailer_staff_id IS NULL LIMIT 1`,
      ),
      byId: db.prepare<[string], UserRow>(
        `SELECT ${USER_COLUMNS} FROM staff_users u LEFT JOIN staff_access a USING (user_id) WHERE u.user_id = ? AND u.active = 1`,
      ),
      session: db.prepare<
        [string],
        { user_id: string; csrf_hash: string; expires_at: string; ended_at: string | null }
      >(`SELECT user_id, csrf_hash, expires_at, ended_at FROM console_sessions WHERE token_hash = ?`),
      insertSession: db.prepare(
        `INSERT INTO console_sessions(token_hash, csrf_hash, user_id, client, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      endSession: db.prepare(
        `UPDATE console_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL`,
      ),
      failures: db.prepare<[string, number], { n: number; first: number | null }>(
        `SELECT COUNT(*) AS n, MIN(at) AS first FROM login_failures WHERE scope = ? AND at > ?`,
      ),
      fail: db.prepare(`INSERT INTO login_failures(scope, at) VALUES (?, ?)`),
      clear: db.prepare(`DELETE FROM login_failures WHERE scope = ?`),
      prune: db.prepare(`DELETE FROM login_failures WHERE at < ?`),
      setPin: db.prepare(`UPDATE staff_users SET pin_hash = ? WHERE user_id = ?`),
      clearReset: db.prepare(`UPDATE staff_access SET force_reset_pin = 0 WHERE user_id = ?`),
    };
  }

  /** Whether the request came over HTTPS (its session cookies then carry `Secure`); see ./secure.ts. */
  isSecure(req: RequestLike): boolean {
    return isSecureRequest(req, this.trust);
  }

  /** Throws TOO_MANY_ATTEMPTS while an account or address is locked out. */
  private checkThrottle(scopes: { scope: string; limit: number }[], now: number): void {
    for (const { scope, limit } of scopes) {
      const f = this.st.failures.get(scope, now - THROTTLE.windowMs)!;
      if (f.n >= limit) {
        const retry = Math.ceil(((f.first ?? now) + THROTTLE.windowMs - now) / 1000);
        throw new HubError('TOO_MANY_ATTEMPTS', 'too many failed sign-ins; wait before trying again', {
          retry_after_seconds: Math.max(1, retry),
        });
      }
    }
  }

  async signIn(
    input: SignIn,
    client: string,
  ): Promise<{ token: string; csrf: string; expires_at: string; user: ConsoleUser }> {
    const now = Date.now();
    const who = 'username' in input ? input.username : input.staff_id;
    const scopes = [
      { scope: `acct:${who.toLowerCase()}`, limit: THROTTLE.perAccount },
      { scope: `client:${client}`, limit: THROTTLE.perClient },
    ];
    this.st.prune.run(now - THROTTLE.windowMs);
    this.checkThrottle(scopes, now);
    const row =
      'username' in input
        ? this.st.byUsername.get(input.username)
        : this.st.byStaffId.get(input.staff_id, input.staff_id);
    const hash = row ? ('username' in input ? row.password_hash : row.pin_hash) : null;
    const secret = 'username' in input ? input.password : input.pin;
    const ok = hash ? await argon2.verify(hash, secret) : (await argon2.verify(DUMMY_HASH, secret), false);
    if (!row || !ok) {
      for (const s of scopes) this.st.fail.run(s.scope, now);
      throw new HubError('STAFF_LOGIN_FAILED', 'unknown user or wrong password or PIN');
    }
    if (row.valid_until && Date.parse(row.valid_until) < now)
      throw new HubError('STAFF_ACCOUNT_EXPIRED', 'this staff account has expired', {
        valid_until: row.valid_until,
      });
    this.st.clear.run(scopes[0]!.scope);
    const token = newToken('cs');
    const csrf = newToken('csrf');
    const expires_at = new Date(now + CONSOLE_SESSION_TTL_MS).toISOString();
    this.st.insertSession.run(hashToken(token), hashToken(csrf), row.user_id, client, nowIso(), expires_at);
    return { token, csrf, expires_at, user: toUser(row) };
  }

  /**
   * The staff user of a request carrying the session cookie, or null. A mutating request must
   * also carry the session's CSRF token; a request from another origin is refused outright.
   */
  fromRequest(req: {
    method: string;
    headers: Record<string, string | string[] | undefined>;
  }): ConsoleUser | null {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (!token) return null;
    const s = this.st.session.get(hashToken(token));
    if (!s || s.ended_at !== null || Date.parse(s.expires_at) < Date.now()) return null;
    const row = this.st.byId.get(s.user_id);
    if (!row) return null;
    if (row.valid_until && Date.parse(row.valid_until) < Date.now()) return null;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const header = req.headers['x-csrf-token'];
      const sent = typeof header === 'string' ? header : '';
      if (!sent || !sameHash(hashToken(sent), s.csrf_hash))
        throw new HubError(
          'CSRF_TOKEN_INVALID',
          'the request lacks this session’s CSRF token (x-csrf-token)',
        );
    }
    return toUser(row);
  }

  /** For the socket.io handshake (cookies only; a handshake mutates nothing). */
  fromCookieHeader(cookie: string | undefined): ConsoleUser | null {
    return this.fromRequest({ method: 'GET', headers: { cookie } });
  }

  user(userId: string): ConsoleUser | null {
    const row = this.st.byId.get(userId);
    return row ? toUser(row) : null;
  }

  signOut(cookie: string | undefined): void {
    const token = cookieValue(cookie, SESSION_COOKIE);
    if (token) this.st.endSession.run(nowIso(), hashToken(token));
  }

  async resetPin(user: ConsoleUser, current: string, next: string): Promise<ConsoleUser> {
    if (!/^\d{6}$/.test(next)) throw new HubError('PIN_INVALID', 'a PIN is exactly 6 digits');
    const row = this.st.byId.get(user.user_id)!;
    if (!(await argon2.verify(row.pin_hash, current)))
      throw new HubError('STAFF_LOGIN_FAILED', 'the current PIN is wrong');
    if (current === next) throw new HubError('PIN_INVALID', 'the new PIN must differ from the current one');
    const hash = await argon2.hash(next, { type: argon2.argon2id });
    this.db.transaction(() => {
      this.st.setPin.run(hash, user.user_id);
      this.st.clearReset.run(user.user_id);
    })();
    return this.user(user.user_id)!;
  }
}

/** Stores the console's extra staff fields (import and tests call this inside their transaction). */
export async function hashStaffAccess(
  input: StaffAccessInput,
): Promise<StaffAccessInput & { password_hash?: string }> {
  return input.password
    ? { ...input, password_hash: await argon2.hash(input.password, { type: argon2.argon2id }) }
    : input;
}

export function upsertStaffAccess(
  db: Db,
  userId: string,
  a: StaffAccessInput & { password_hash?: string },
): void {
  db.prepare(
    `INSERT INTO staff_access(user_id, password_hash, retailer_staff_id, role_tabs, valid_until, force_reset_pin)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(user_id) DO UPDATE SET
       password_hash = COALESCE(excluded.password_hash, password_hash),
       retailer_staff_id = excluded.retailer_staff_id, role_tabs = excluded.role_tabs,
       valid_until = excluded.valid_until, force_reset_pin = excluded.force_reset_pin`,
  ).run(
    userId,
    a.password_hash ?? null,
    a.retailer_staff_id ?? null,
    a.role_tabs ? JSON.stringify(a.role_tabs) : null,
    a.valid_until ?? null,
    a.force_reset_pin ? 1 : 0,
  );
}

function toUser(row: UserRow): ConsoleUser {
  const tabs = row.role_tabs ? (JSON.parse(row.role_tabs) as string[]) : [...CONSOLE_TABS];
  return {
    user_id: row.user_id,
    username: row.username,
    display_name: row.display_name,
    permissions: JSON.parse(row.permissions) as Record<string, boolean>,
    retailer_staff_id: row.retailer_staff_id,
    // A staff record without role_tabs predates the console: it sees every module (permissions still apply).
    role_tabs: visibleTabs(tabs),
    valid_until: row.valid_until,
    force_reset_pin: row.force_reset_pin === 1,
  };
}

export function cookieValue(header: string | string[] | undefined, name: string): string | null {
  const h = Array.isArray(header) ? header.join(';') : header;
  if (!h) return null;
  for (const part of h.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

const sameHash = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * `secure`: the request came over HTTPS (ConsoleAuth.isSecure). The hub serves plain HTTP on the
 * store LAN, where a `Secure` cookie would never be sent back, so it is added only then.
 */
export function sessionCookies(token: string, csrf: string, secure = false): string[] {
  const age = Math.floor(CONSOLE_SESSION_TTL_MS / 1000);
  const s = secure ? '; Secure' : '';
  return [
    `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${age}${s}`,
    `${CSRF_COOKIE}=${csrf}; SameSite=Strict; Path=/; Max-Age=${age}${s}`,
  ];
}

/** Same `secure` as sessionCookies: over HTTPS a browser only lets a Secure cookie replace its own. */
export const clearedCookies = (secure = false): string[] => {
  const s = secure ? '; Secure' : '';
  return [
    `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${s}`,
    `${CSRF_COOKIE}=; SameSite=Strict; Path=/; Max-Age=0${s}`,
  ];
};
