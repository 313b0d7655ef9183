import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';

export const consoleSignInSchema = z.union([
  z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }).strict(),
  z
    .object({ staff_id: z.string().trim().min(1).max(64), pin: z.string().regex(/^\d{6}$/, 'a 6-digit PIN') })
    .strict(),
]);

export const consoleUserSchema = z.object({
  user_id: z.string(),
  username: z.string(),
  display_name: z.string(),
  retailer_staff_id: z.string().nullable(),
  permissions: z.record(z.string(), z.boolean()),
  role_tabs: z.array(z.string()),
  valid_until: z.string().nullable(),
  force_reset_pin: z.boolean(),
});

export const consoleSessionSchema = z.object({
  user: consoleUserSchema,
  store: z.object({
    name: z.string(),
    currency: z.string(),
    currency_sign: z.string(),
    timezone: z.string(),
    denominations: z.array(z.string()),
  }),
});

export const resetPinSchema = z.object({
  current_pin: z.string().min(1).max(64),
  new_pin: z.string().regex(/^\d{6}$/, 'a 6-digit PIN'),
});

export const consoleAuthEndpoints = {
  consoleSignIn: endpoint({
    id: 'consoleSignIn',
    method: 'post',
    path: '/v1/console/session',
    summary:
      'staff console sign-in (username + password, or staff id + 6-digit PIN); sets the session and CSRF cookies',
    auth: 'none',
    idempotency: 'none',
    body: consoleSignInSchema,
    response: consoleSessionSchema,
    status: [201],
    errors: ['STAFF_LOGIN_FAILED', 'TOO_MANY_ATTEMPTS', 'STAFF_ACCOUNT_EXPIRED'],
  }),
  consoleSession: endpoint({
    id: 'consoleSession',
    method: 'get',
    path: '/v1/console/session',
    summary: 'the signed-in staff user, their permissions and console modules',
    auth: 'staff',
    idempotency: 'none',
    response: consoleSessionSchema,
    status: [200],
    errors: [],
  }),
  consoleSignOut: endpoint({
    id: 'consoleSignOut',
    method: 'delete',
    path: '/v1/console/session',
    summary: 'sign out (ends the session, clears the cookies)',
    auth: 'staff',
    idempotency: 'none',
    response: z.object({ signed_out: z.literal(true) }),
    status: [200],
    errors: ['CSRF_TOKEN_INVALID'],
  }),
  consoleResetPin: endpoint({
    id: 'consoleResetPin',
    method: 'post',
    path: '/v1/console/session/pin',
    summary: 'change the PIN (required when force_reset_pin is set)',
    auth: 'staff',
    idempotency: 'none',
    body: resetPinSchema,
    response: consoleSessionSchema,
    status: [200],
    errors: ['STAFF_LOGIN_FAILED', 'PIN_INVALID', 'CSRF_TOKEN_INVALID'],
  }),
} as const;
