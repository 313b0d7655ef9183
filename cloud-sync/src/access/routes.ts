/** /auth (sign in, sign out, who am I) and /users, /audit-log (admin only). */
import type { Request } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { readAudit, writeAudit } from './audit-log';
import { authenticate, requirePermission, userOf } from './guard';
import { ApiError, handle, parse } from './http';
import { permissionsOf } from './permissions';
import type { DashDb } from './schema';
import {
  SESSION_COOKIE,
  clearedCookie,
  closeSession,
  openSession,
  readCookie,
  sessionCookie,
  sessionUser,
} from './sessions';
import { clearFailures, lockedFor, recordFailure } from './throttle';
import { checkPassword, createUser, listUsers, newUserSchema, setDisabled } from './users';

const signInSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export interface AccessOptions {
  /** Add `Secure` to the cookie (HQ behind TLS). */
  secureCookies?: boolean;
}

const throttleKeys = (req: Request, username: string) => [
  `user:${username.toLowerCase()}`,
  `ip:${req.ip ?? '?'}`,
];

export function accessRoutes(db: DashDb, opts: AccessOptions = {}): Router {
  const r = Router();
  const secure = opts.secureCookies ?? false;

  r.post(
    '/auth/sign-in',
    handle(async (req, res) => {
      const body = parse(signInSchema, req.body, 'sign-in');
      const keys = throttleKeys(req, body.username);
      const lock = await lockedFor(db, keys);
      if (lock.locked) {
        res.setHeader('Retry-After', String(lock.retryAfterSeconds));
        throw new ApiError(
          429,
          'TOO_MANY_ATTEMPTS',
          `Too many failed sign-ins. Wait ${Math.ceil(lock.retryAfterSeconds / 60)} minute(s) and try again.`,
          { retry_after_seconds: lock.retryAfterSeconds },
        );
      }
      const user = await checkPassword(db, body.username, body.password);
      if (!user) {
        await recordFailure(db, keys);
        throw new ApiError(401, 'BAD_CREDENTIALS', 'The username or password is not right.');
      }
      await clearFailures(db, keys[0]!);
      const s = await openSession(db, user.user_id);
      res.setHeader('Set-Cookie', sessionCookie(s.token, secure));
      await writeAudit(db, { ...user, csrf_token: '' }, { action: 'sign_in', outcome: 'ok', target: {} });
      return { user: { ...user, permissions: permissionsOf(user.role) }, csrf_token: s.csrf };
    }),
  );

  r.get(
    '/auth/me',
    handle(async (req) => {
      const u = await sessionUser(db, readCookie(req.headers.cookie, SESSION_COOKIE));
      if (!u) throw new ApiError(401, 'NOT_SIGNED_IN', 'Please sign in to continue.');
      const { csrf_token, ...user } = u;
      return { user: { ...user, permissions: permissionsOf(u.role) }, csrf_token };
    }),
  );

  r.post(
    '/auth/sign-out',
    authenticate(db),
    handle(async (req, res) => {
      await closeSession(db, readCookie(req.headers.cookie, SESSION_COOKIE));
      res.setHeader('Set-Cookie', clearedCookie(secure));
      return { ok: true };
    }),
  );

  r.get(
    '/users',
    authenticate(db),
    requirePermission('users.manage'),
    handle(async () => ({ users: await listUsers(db) })),
  );
  r.post(
    '/users',
    authenticate(db),
    requirePermission('users.manage'),
    handle(async (req, res) => {
      const body = parse(newUserSchema, req.body, 'new user');
      const u = await createUser(db, body);
      await writeAudit(db, userOf(req), {
        action: 'user.create',
        outcome: 'ok',
        target: { username: u.username, role: u.role },
      });
      res.status(201);
      return { user: u };
    }),
  );
  r.post(
    '/users/:id/disabled',
    authenticate(db),
    requirePermission('users.manage'),
    handle(async (req) => {
      const id = parse(z.uuid(), req.params.id, 'user id');
      const { disabled } = parse(z.object({ disabled: z.boolean() }), req.body, 'request');
      if (id === userOf(req).user_id && disabled)
        throw new ApiError(400, 'SELF_DISABLE', 'You cannot disable your own account.');
      await setDisabled(db, id, disabled);
      await writeAudit(db, userOf(req), {
        action: disabled ? 'user.disable' : 'user.enable',
        outcome: 'ok',
        target: { user_id: id },
      });
      return { ok: true };
    }),
  );
  r.get(
    '/audit-log',
    authenticate(db),
    requirePermission('auditlog.view'),
    handle(async (req) => ({ entries: await readAudit(db, Number(req.query.limit ?? 200) || 200) })),
  );
  return r;
}
