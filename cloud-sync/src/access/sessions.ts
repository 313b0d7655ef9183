/**
 * Cookie sessions: the cookie carries a random 256-bit token (httpOnly, SameSite=Strict), the
 * database only its SHA-256, so a leaked table opens no session. Each session has its own CSRF
 * token, sent back by the dashboard in a header on every state-changing request (a cross-site
 * page can neither read it nor, with SameSite=Strict, send the cookie).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DashDb, Role } from './schema';

export const SESSION_COOKIE = 'kassa_hq_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface SessionUser {
  user_id: string;
  username: string;
  display_name: string;
  role: Role;
  csrf_token: string;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export async function openSession(
  db: DashDb,
  userId: string,
  now = new Date(),
): Promise<{ token: string; csrf: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  await db
    .insertInto('hq_sessions')
    .values({
      token_hash: sha256(token),
      user_id: userId,
      csrf_token: csrf,
      expires_at: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    })
    .execute();
  return { token, csrf };
}

export async function sessionUser(
  db: DashDb,
  token: string | undefined,
  now = new Date(),
): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const row = await db
    .selectFrom('hq_sessions as s')
    .innerJoin('hq_users as u', 'u.user_id', 's.user_id')
    .select([
      'u.user_id',
      'u.username',
      'u.display_name',
      'u.role',
      'u.disabled',
      's.csrf_token',
      's.expires_at',
    ])
    .where('s.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.disabled || new Date(row.expires_at).getTime() <= now.getTime()) return null;
  return {
    user_id: row.user_id,
    username: row.username,
    display_name: row.display_name,
    role: row.role,
    csrf_token: row.csrf_token,
  };
}

export async function closeSession(db: DashDb, token: string | undefined): Promise<void> {
  if (token) await db.deleteFrom('hq_sessions').where('token_hash', '=', sha256(token)).execute();
}

export async function pruneSessions(db: DashDb, now = new Date()): Promise<void> {
  await db.deleteFrom('hq_sessions').where('expires_at', '<=', now.toISOString()).execute();
}

export function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** Reads one cookie from a Cookie header (no dependency for eight lines). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export function sessionCookie(token: string, secure: boolean): string {
  const attrs = [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${SESSION_TTL_MS / 1000}`,
  ];
  if (secure) attrs.push('Secure');
  return attrs.join('; ');
}

export const clearedCookie = (secure: boolean): string =>
  `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
