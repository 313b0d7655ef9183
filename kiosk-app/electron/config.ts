/**
 * The shell's own settings: `kiosk.json` in Electron's userData folder (written when the kiosk
 * is paired), overridable by environment variables for a service technician.
 *   { "hub": "http://hub.local:8750", "token": "dev_…", "app_url": "http://hub.local:8750/kiosk/" }
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ShellConfig } from './shell';

const fileSchema = z.object({
  hub: z.url(),
  token: z.string().startsWith('dev_').nullable().default(null),
  app_url: z.url().optional(),
  hang_reload_ms: z.number().int().min(1000).max(120_000).optional(),
});

export function loadShellConfig(
  userData: string,
  env: Record<string, string | undefined>,
  preloadPath: string,
): ShellConfig {
  const file = path.join(userData, 'kiosk.json');
  const raw = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as unknown) : {};
  const merged = {
    ...(raw as Record<string, unknown>),
    ...(env.KASSA_HUB_URL ? { hub: env.KASSA_HUB_URL } : {}),
    ...(env.KASSA_DEVICE_TOKEN ? { token: env.KASSA_DEVICE_TOKEN } : {}),
    ...(env.KASSA_KIOSK_URL ? { app_url: env.KASSA_KIOSK_URL } : {}),
  };
  const r = fileSchema.safeParse(merged);
  if (!r.success)
    throw new Error(
      `the kiosk shell is not configured: put {"hub": "http://…:8750", "token": "dev_…"} in ${file} (${r.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')})`,
    );
  const hub = r.data.hub.replace(/\/+$/, '');
  return {
    appUrl: r.data.app_url ?? `${hub}/kiosk/index.html`,
    hubOrigin: hub,
    deviceToken: r.data.token,
    preloadPath,
    ...(r.data.hang_reload_ms ? { hangReloadMs: r.data.hang_reload_ms } : {}),
  };
}
