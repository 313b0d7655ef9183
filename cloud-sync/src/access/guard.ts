/**
 * Express middleware: who is asking (cookie session), may they (role → permission), and did the
 * request come from the dashboard (CSRF header on every method that changes something).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApiError } from './http';
import type { Permission } from './permissions';
import { can } from './permissions';
import type { DashDb } from './schema';
import type { SessionUser } from './sessions';
import { CSRF_HEADER, SESSION_COOKIE, csrfMatches, readCookie, sessionUser } from './sessions';

export type AuthedRequest = Request & { hqUser: SessionUser };

export const userOf = (req: Request): SessionUser => (req as AuthedRequest).hqUser;

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Resolves the session (401 without one) and checks CSRF on unsafe methods (403). */
export function authenticate(db: DashDb): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    sessionUser(db, readCookie(req.headers.cookie, SESSION_COOKIE))
      .then((user) => {
        if (!user) throw new ApiError(401, 'NOT_SIGNED_IN', 'Please sign in to continue.');
        if (!SAFE.has(req.method) && !csrfMatches(user.csrf_token, req.headers[CSRF_HEADER]))
          throw new ApiError(
            403,
            'CSRF_FAILED',
            'This request did not come from the dashboard; reload the page and try again.',
          );
        (req as AuthedRequest).hqUser = user;
        next();
      })
      .catch(next);
  };
}

export const PERMISSION_WORDS: Record<Permission, string> = {
  'fleet.view': 'view the fleet',
  'sales.view': 'view sales',
  publish: 'publish catalogue, promotions or tax',
  'testbench.run': 'run the promotion test bench',
  'audit.view': 'view the pricing audit',
  'users.manage': 'manage HQ users',
  'auditlog.view': 'view the audit log',
};

export function requirePermission(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    const u = userOf(req);
    if (u && can(u.role, permission)) return next();
    next(
      new ApiError(
        403,
        'FORBIDDEN',
        `Your role (${u?.role ?? 'none'}) may not ${PERMISSION_WORDS[permission]}.`,
        {
          permission,
          role: u?.role ?? null,
        },
      ),
    );
  };
}
