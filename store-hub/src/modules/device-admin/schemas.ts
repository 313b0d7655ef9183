import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';

const id = z.object({ id: z.string().min(1).max(64) });
const deviceStatus = z.enum(['ok', 'offline', 'unknown', 'none', 'paper_low', 'error']);

export const heartbeatSchema = z.object({
  printer: deviceStatus.default('unknown'),
  terminal: deviceStatus.default('unknown'),
  app_version: z.string().max(40).optional(),
});

export const laneSchema = z.object({
  device_id: z.string(),
  retailer_device_id: z.string(),
  name: z.string(),
  state: z.enum(['idle', 'shopping', 'paying', 'needs_help', 'offline']),
  state_since: z.string(),
  last_contact_at: z.string().nullable(),
  printer: z.string(),
  terminal: z.string(),
  basket: z
    .object({
      basket_id: z.string(),
      line_count: z.number().int(),
      total: z.string(),
      lines: z.array(z.object({ name: z.string(), quantity: z.number(), payable: z.string() })),
    })
    .nullable(),
  open_interventions: z.number().int(),
});

export const deviceViewSchema = z.object({
  device_id: z.string(),
  retailer_device_id: z.string(),
  name: z.string(),
  kind: z.string(),
  lane_device_id: z.string().nullable(),
  paired_at: z.string(),
  revoked_at: z.string().nullable(),
  online: z.boolean(),
  last_contact_at: z.string().nullable(),
  has_printer: z.boolean(),
});

export const deviceAdminEndpoints = {
  deviceHeartbeat: endpoint({
    id: 'deviceHeartbeat',
    method: 'post',
    path: '/v1/devices/heartbeat',
    summary: 'a paired client reports it is alive with its printer and terminal status (every few seconds)',
    auth: 'device',
    idempotency: 'none',
    body: heartbeatSchema,
    response: z.object({ ok: z.literal(true) }),
    status: [200],
    errors: [],
  }),
  consoleLanes: endpoint({
    id: 'consoleLanes',
    method: 'get',
    path: '/v1/console/lanes',
    summary: 'every kiosk lane with its state, basket, printer and terminal status',
    auth: 'staff',
    idempotency: 'none',
    response: z.object({ lanes: z.array(laneSchema), server_time: z.string() }),
    status: [200],
    errors: ['PERMISSION_DENIED'],
  }),
  consoleDevices: endpoint({
    id: 'consoleDevices',
    method: 'get',
    path: '/v1/console/devices',
    summary: 'paired clients and lane devices with live status and last contact',
    auth: 'staff',
    idempotency: 'none',
    response: z.object({ devices: z.array(deviceViewSchema) }),
    status: [200],
    errors: ['PERMISSION_DENIED'],
  }),
  consolePairingCode: endpoint({
    id: 'consolePairingCode',
    method: 'post',
    path: '/v1/console/pairing-codes',
    summary: 'issue a pairing code for a new device',
    auth: 'staff',
    idempotency: 'optional',
    response: z.object({ code: z.string(), expires_at: z.string() }),
    status: [201],
    errors: ['PERMISSION_DENIED', 'CSRF_TOKEN_INVALID'],
  }),
  consoleRevokeDevice: endpoint({
    id: 'consoleRevokeDevice',
    method: 'post',
    path: '/v1/console/devices/:id/revoke',
    summary: 'revoke a device: its next request is 401 and its live sockets are dropped',
    auth: 'staff',
    idempotency: 'optional',
    params: id,
    body: z.object({ reason: z.string().trim().min(1).max(200) }),
    response: deviceViewSchema,
    status: [200],
    errors: ['PERMISSION_DENIED', 'NOT_FOUND', 'DEVICE_REVOKED', 'CSRF_TOKEN_INVALID'],
  }),
  consoleTestPrint: endpoint({
    id: 'consoleTestPrint',
    method: 'post',
    path: '/v1/console/devices/:id/test-print',
    summary: 'print a test page on the printer of a device’s lane',
    auth: 'staff',
    idempotency: 'optional',
    params: id,
    response: z.object({ printed: z.boolean() }),
    status: [200],
    errors: ['PERMISSION_DENIED', 'NO_PRINTER', 'CSRF_TOKEN_INVALID'],
  }),
  consoleTerminalCheck: endpoint({
    id: 'consoleTerminalCheck',
    method: 'post',
    path: '/v1/console/terminal-check',
    summary: 'check the payment terminal answers',
    auth: 'staff',
    idempotency: 'none',
    response: z.object({ ok: z.boolean(), ms: z.number() }),
    status: [200],
    errors: ['PERMISSION_DENIED', 'CSRF_TOKEN_INVALID'],
  }),
} as const;
