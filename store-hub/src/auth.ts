/**
 * Device pairing and tokens, staff sessions. A kiosk pairs once with a short-lived code shown
 * on the console (or printed by `store-hub pair`) and gets a per-device bearer token; the hub
 * keeps only the token's SHA-256 (tokens are random, so a slow hash adds nothing). Staff sign
 * in with username + PIN (argon2) and get a session token with an expiry.
 */
import argon2 from 'argon2';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db/database';
import { HubError } from './errors';
import { newId, newToken, nowIso, numericCode } from './ids';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const PAIRING_CODE_TTL_MS = 15 * 60_000;
export const STAFF_SESSION_TTL_MS = 12 * 3600_000;

export function createPairingCode(db: Db, ttlMs = PAIRING_CODE_TTL_MS): { code: string; expires_at: string } {
  const now = Date.now();
  for (;;) {
    const code = numericCode(8);
    const expires_at = new Date(now + ttlMs).toISOString();
    const r = db
      .prepare(`INSERT OR IGNORE INTO pairing_codes(code, created_at, expires_at) VALUES (?, ?, ?)`)
      .run(code, new Date(now).toISOString(), expires_at);
    if (r.changes === 1) return { code, expires_at };
  }
}

export const pairRequestSchema = z.object({
  code: z.string().regex(/^\d{8}$/, 'the 8-digit pairing code'),
  name: z.string().min(1).max(100),
  retailer_device_id: z.string().min(1).max(30),
  kind: z
    .enum(['self_checkout', 'cashier', 'mpos', 'exit_gate', 'printer', 'payment_terminal', 'scanner'])
    .default('self_checkout'),
  platform: z.string().min(1).max(40).default('android_kiosk'),
  /** A hub-attached device (scanner) serving a kiosk lane. */
  lane_device_id: z.string().min(1).nullable().default(null),
});

export function pairDevice(
  db: Db,
  req: z.output<typeof pairRequestSchema>,
): { device_id: string; token: string } {
  return db
    .transaction(() => {
      const row = db
        .prepare(`SELECT code, expires_at, used_at FROM pairing_codes WHERE code = ?`)
        .get(req.code) as { code: string; expires_at: string; used_at: string | null } | undefined;
      if (!row || row.used_at !== null || Date.parse(row.expires_at) < Date.now()) {
        throw new HubError(401, 'PAIRING_CODE_INVALID', 'the pairing code is unknown, used or expired');
      }
      if (
        req.lane_device_id !== null &&
        !db.prepare(`SELECT 1 FROM devices WHERE device_id = ?`).get(req.lane_device_id)
      ) {
        throw new HubError(422, 'LANE_UNKNOWN', `no device ${req.lane_device_id} to attach to`);
      }
      const device_id = newId();
      const token = newToken('dev');
      db.prepare(
        `INSERT INTO devices(device_id, retailer_device_id, kind, platform, name, token_hash, lane_device_id, paired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        device_id,
        req.retailer_device_id,
        req.kind,
        req.platform,
        req.name,
        hashToken(token),
        req.lane_device_id,
        nowIso(),
      );
      db.prepare(`UPDATE pairing_codes SET used_at = ?, device_id = ? WHERE code = ?`).run(
        nowIso(),
        device_id,
        req.code,
      );
      return { device_id, token };
    })
    .immediate();
}

export interface DeviceRow {
  device_id: string;
  retailer_device_id: string;
  kind: string;
  platform: string;
  name: string;
  lane_device_id: string | null;
}

export function deviceForToken(db: Db, token: string | undefined): DeviceRow | null {
  if (!token || !token.startsWith('dev_')) return null;
  const row = db
    .prepare(
      `SELECT device_id, retailer_device_id, kind, platform, name, lane_device_id FROM devices WHERE token_hash = ? AND revoked_at IS NULL`,
    )
    .get(hashToken(token)) as DeviceRow | undefined;
  return row ?? null;
}

export const staffLoginSchema = z.object({
  username: z.string().min(1).max(64),
  pin: z.string().min(1).max(64),
});

export interface StaffRow {
  user_id: string;
  username: string;
  display_name: string;
  permissions: Record<string, boolean>;
}

export async function staffLogin(
  db: Db,
  req: z.output<typeof staffLoginSchema>,
): Promise<{ token: string; expires_at: string; user: StaffRow }> {
  const row = db
    .prepare(
      `SELECT user_id, username, display_name, pin_hash, permissions FROM staff_users WHERE username = ? AND active = 1`,
    )
    .get(req.username) as
    (Omit<StaffRow, 'permissions'> & { pin_hash: string; permissions: string }) | undefined;
  // Verify against a real hash either way so unknown users cost the same time as wrong PINs.
  const ok = row
    ? await argon2.verify(row.pin_hash, req.pin)
    : (await argon2.verify(DUMMY_HASH, req.pin), false);
  if (!row || !ok) throw new HubError(401, 'STAFF_LOGIN_FAILED', 'unknown user or wrong PIN');
  const token = newToken('stf');
  const expires_at = new Date(Date.now() + STAFF_SESSION_TTL_MS).toISOString();
  db.prepare(
    `INSERT INTO staff_sessions(token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
  ).run(hashToken(token), row.user_id, nowIso(), expires_at);
  return {
    token,
    expires_at,
    user: {
      user_id: row.user_id,
      username: row.username,
      display_name: row.display_name,
      permissions: JSON.parse(row.permissions) as Record<string, boolean>,
    },
  };
}

// argon2id hash of a random string, used only to equalise timing.
const DUMMY_HASH =
  '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$0JQBBU1C2rU1xJ6Ov0kJ8wB6n8y0yq2vB6nNw0L6rSk';

export function staffForToken(db: Db, token: string | undefined): StaffRow | null {
  if (!token || !token.startsWith('stf_')) return null;
  const row = db
    .prepare(
      `SELECT u.user_id, u.username, u.display_name, u.permissions, s.expires_at FROM staff_sessions s JOIN staff_users u USING (user_id)
       WHERE s.token_hash = ? AND u.active = 1`,
    )
    .get(hashToken(token)) as
    (Omit<StaffRow, 'permissions'> & { permissions: string; expires_at: string }) | undefined;
  if (!row || Date.parse(row.expires_at) < Date.now()) return null;
  return {
    user_id: row.user_id,
    username: row.username,
    display_name: row.display_name,
    permissions: JSON.parse(row.permissions) as Record<string, boolean>,
  };
}
