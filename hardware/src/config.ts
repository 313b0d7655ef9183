/**
 * The one device file a hub (or a kiosk) is configured with. Validated with zod; a bad file is
 * answered with INVALID_CONFIG and the zod issues, never a half-configured store.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { HardwareError } from './errors';
import { framingSchema } from './scanner/framing';
import { hidPosLayoutSchema } from './scanner/hid-pos';
import { keyboardConfigSchema } from './scanner/keyboard';

/** USB ids are written in hex in every datasheet and in `lsusb`; accept "0c2e", "0x0c2e" or a number. */
const usbId = z.union([
  z.number().int().min(0).max(0xffff),
  z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{1,4}$/, 'a USB id in hex, e.g. "0c2e"')
    .transform((s) => parseInt(s.replace(/^0x/, ''), 16)),
]);

export const matchSchema = z
  .object({
    path: z.string().min(1).optional(),
    vendorId: usbId.optional(),
    productId: usbId.optional(),
    serialNumber: z.string().min(1).optional(),
  })
  .refine((m) => m.path !== undefined || m.vendorId !== undefined || m.serialNumber !== undefined, {
    message: 'match needs a path, a vendorId (with productId) or a serialNumber',
  });
export type DeviceMatch = z.infer<typeof matchSchema>;

const serialSchema = z.object({
  baudRate: z.number().int().positive().default(9600),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  rtscts: z.boolean().default(false),
});

const base = { id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), match: matchSchema };

const scannerSchema = z.discriminatedUnion('transport', [
  z.object({
    ...base,
    kind: z.literal('scanner'),
    transport: z.literal('serial'),
    serial: serialSchema.default({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false }),
    framing: framingSchema.default(framingSchema.parse({})),
  }),
  z.object({
    ...base,
    kind: z.literal('scanner'),
    transport: z.literal('hid-pos'),
    hidPos: hidPosLayoutSchema.default(hidPosLayoutSchema.parse({})),
  }),
  z.object({
    ...base,
    kind: z.literal('scanner'),
    transport: z.literal('hid-keyboard'),
    keyboard: keyboardConfigSchema.default(keyboardConfigSchema.parse({})),
  }),
]);

const printerCommon = {
  ...base,
  kind: z.literal('printer'),
  columns: z.union([z.literal(32), z.literal(42), z.literal(48)]).default(42),
  printerModel: z.string().optional(),
  statusIntervalMs: z.number().int().min(0).default(2_000),
  statusTimeoutMs: z.number().int().min(50).default(1_000),
};

const printerSchema = z.discriminatedUnion('transport', [
  z.object({
    ...printerCommon,
    transport: z.literal('serial'),
    serial: serialSchema.default({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false }),
  }),
  z.object({ ...printerCommon, transport: z.literal('usb-file') }),
  z.object({
    ...printerCommon,
    transport: z.literal('hid'),
    reportSize: z.number().int().min(3).max(1024).default(64),
    reportId: z.number().int().min(0).max(255).default(0),
  }),
]);

const drawerSchema = z.object({
  id: base.id,
  kind: z.literal('drawer'),
  printer: z.string(),
  pin: z.union([z.literal(2), z.literal(5)]).default(2),
});

/** A serial scale speaking Mettler Toledo MT-SICS (the only scale protocol so far). */
const scaleSchema = z.object({
  ...base,
  kind: z.literal('scale'),
  transport: z.literal('serial'),
  protocol: z.literal('mt-sics').default('mt-sics'),
  serial: serialSchema.default({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false }),
  answerTimeoutMs: z.number().int().min(50).default(1_000),
  stableTimeoutMs: z.number().int().min(50).default(3_000),
  pollIntervalMs: z.number().int().min(0).default(300),
});

export const deviceConfigSchema = z.union([scannerSchema, printerSchema, drawerSchema, scaleSchema]);

export const hardwareConfigSchema = z
  .object({
    reconnect: z
      .object({
        initialMs: z.number().int().min(1).default(200),
        maxMs: z.number().int().min(1).default(10_000),
        factor: z.number().min(1).default(2),
        jitter: z.number().min(0).max(1).default(0.2),
      })
      .default({ initialMs: 200, maxMs: 10_000, factor: 2, jitter: 0.2 }),
    /** How often to list serial and HID devices to notice replugs and moved paths; 0 = never. */
    discoveryIntervalMs: z.number().int().min(0).default(2_000),
    devices: z.array(deviceConfigSchema),
  })
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.devices.forEach((d, i) => {
      if (ids.has(d.id))
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `duplicate id ${d.id}` });
      ids.add(d.id);
      if (d.kind === 'drawer' && !cfg.devices.some((p) => p.kind === 'printer' && p.id === d.printer)) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'printer'], message: `no printer ${d.printer}` });
      }
      if (d.kind === 'printer' && d.transport === 'usb-file' && d.match.path === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['devices', i, 'match'],
          message: 'a usb-file printer is matched by path (e.g. /dev/usb/lp0)',
        });
      }
    });
  });

export type HardwareConfig = z.infer<typeof hardwareConfigSchema>;
export type HardwareConfigInput = z.input<typeof hardwareConfigSchema>;
export type DeviceConfig = z.infer<typeof deviceConfigSchema>;

export function parseConfig(input: unknown): HardwareConfig {
  const parsed = hardwareConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new HardwareError('INVALID_CONFIG', 'hardware configuration is invalid', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

export async function loadConfig(file: string): Promise<HardwareConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new HardwareError('INVALID_CONFIG', `cannot read ${file}`, { file, cause: String(err) });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HardwareError('INVALID_CONFIG', `${file} is not JSON`, { file, cause: String(err) });
  }
  return parseConfig(json);
}
