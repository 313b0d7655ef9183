import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';
import { orderSummarySchema, verificationSchema } from '../order-review/schemas';

const id = z.object({ id: z.string().min(1).max(64) });
const rate = z.object({
  random_check_percent: z
    .string()
    .trim()
    .regex(/^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/, 'a percentage from 0 to 100'),
});

export const exitLookupSchema = z.object({
  order: orderSummarySchema,
  items: z.array(z.object({ name: z.string(), quantity: z.number(), restricted: z.boolean() })),
  age_approved_by: z.string().nullable(),
  verifications: z.array(verificationSchema),
  random_check: z.boolean(),
});

const outcome = z.object({ order_id: z.string(), order_status: z.enum(['verified', 'verification_failed']) });

export const exitCheckEndpoints = {
  consoleExitLookup: endpoint({
    id: 'consoleExitLookup',
    method: 'post',
    path: '/v1/console/exit-checks/lookup',
    summary: 'open the bag-check screen for a scanned or typed receipt QR value',
    auth: 'staff',
    idempotency: 'none',
    body: z.object({ qr: z.string().trim().min(1).max(200) }),
    response: exitLookupSchema,
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND', 'CSRF_TOKEN_INVALID'],
  }),
  consoleVerify: endpoint({
    id: 'consoleVerify',
    method: 'post',
    path: '/v1/console/orders/:id/verify',
    summary: 'the exit check passed (order.verified to the outbox)',
    auth: 'staff',
    idempotency: 'optional',
    params: id,
    body: z.object({}).strict(),
    response: outcome,
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND', 'ORDER_NOT_VERIFIABLE', 'CSRF_TOKEN_INVALID'],
  }),
  consoleFailVerification: endpoint({
    id: 'consoleFailVerification',
    method: 'post',
    path: '/v1/console/orders/:id/fail-verification',
    summary: 'the exit check failed, with a reason (order.verification_failed to the outbox)',
    auth: 'staff',
    idempotency: 'optional',
    params: id,
    body: z.object({ reason: z.string().trim().min(1).max(200) }),
    response: outcome,
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND', 'ORDER_NOT_VERIFIABLE', 'CSRF_TOKEN_INVALID'],
  }),
  consoleExitSettings: endpoint({
    id: 'consoleExitSettings',
    method: 'get',
    path: '/v1/console/settings/exit-checks',
    summary: 'the random exit-check rate',
    auth: 'staff',
    idempotency: 'none',
    response: rate,
    status: [200],
    errors: ['PERMISSION_DENIED'],
  }),
  consoleSaveExitSettings: endpoint({
    id: 'consoleSaveExitSettings',
    method: 'post',
    path: '/v1/console/settings/exit-checks',
    summary: 'set the random exit-check rate',
    auth: 'staff',
    idempotency: 'optional',
    body: rate,
    response: rate,
    status: [200],
    errors: ['PERMISSION_DENIED', 'CSRF_TOKEN_INVALID'],
  }),
} as const;
