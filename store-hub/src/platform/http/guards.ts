/**
 * The two guards: a paired client's bearer token, or a staff session. Each endpoint's contract
 * names which one applies (`auth`), so every route under it is checked the same way.
 */
import type { Request } from 'express';
import { HubError } from '../errors';

/** RFC 7235: the auth scheme is case-insensitive. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^bearer[ \t]+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

export interface Guards<D, S> {
  device(req: Request): D;
  staff(req: Request): S;
}

export function makeGuards<D, S>(lookup: {
  device: (token: string | undefined) => D | null;
  staff: (token: string | undefined) => S | null;
  /** Other staff credentials (a console cookie session), tried when there is no stf_ token. */
  staffFromRequest?: (req: Request) => S | null;
}): Guards<D, S> {
  return {
    device(req) {
      const d = lookup.device(bearerToken(req.headers.authorization));
      if (!d)
        throw new HubError(
          'DEVICE_UNAUTHENTICATED',
          'a paired device token is required (Authorization: Bearer dev_…)',
        );
      return d;
    },
    staff(req) {
      const s =
        lookup.staff(bearerToken(req.headers.authorization)) ?? lookup.staffFromRequest?.(req) ?? null;
      if (!s)
        throw new HubError(
          'STAFF_UNAUTHENTICATED',
          'a staff session is required (Authorization: Bearer stf_…)',
        );
      return s;
    },
  };
}
