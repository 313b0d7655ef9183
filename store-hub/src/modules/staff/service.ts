/**
 * Staff sessions: username + PIN (argon2) → a session token with an expiry. The hub stores
 * only the token's SHA-256.
 */
import argon2 from 'argon2';
import type { Db } from '../../platform/db/database';
import { HubError } from '../../platform/errors';
import { newToken, nowIso } from '../../platform/ids';
import { hashToken } from '../../platform/tokens';
import type { StaffUser } from './schemas';

export const STAFF_SESSION_TTL_MS = 12 * 3600_000;

// argon2id hash of a random string, used only to equalise timing.
const DUMMY_HASH =
  '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$0JQBBU1C2rU1xJ6Ov0kJ8wB6n8y0yq2vB6nNw0L6rSk';

type UserRow = Omit<StaffUser, 'permissions'> & { permissions: string };

export class StaffAuth {
  private readonly userSt;
  private readonly sessionSt;
  private readonly insertSession;

  constructor(db: Db) {
    this.userSt = db.prepare<[string], UserRow & { pin_hash: string }>(
      `SELECT user_id, username, display_name, pin_hash, permissions FROM staff_users WHERE username = ? AND active = 1`,
    );
    this.sessionSt = db.prepare<[string], UserRow & { expires_at: string }>(
      `SELECT u.user_id, u.username, u.display_name, u.permissions, s.expires_at FROM staff_sessions s JOIN staff_users u USING (user_id)
       WHERE s.token_hash = ? AND u.active = 1`,
    );
    this.insertSession = db.prepare(
      `INSERT INTO staff_sessions(token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
    );
  }

  async login(req: {
    username: string;
    pin: string;
  }): Promise<{ token: string; expires_at: string; user: StaffUser }> {
    const row = this.userSt.get(req.username);
    // Verify against a real hash either way so unknown users cost the same time as wrong PINs.
    const ok = row
      ? await argon2.verify(row.pin_hash, req.pin)
      : (await argon2.verify(DUMMY_HASH, req.pin), false);
    if (!row || !ok) throw new HubError('STAFF_LOGIN_FAILED', 'unknown user or wrong PIN');
    const token = newToken('stf');
    const expires_at = new Date(Date.now() + STAFF_SESSION_TTL_MS).toISOString();
    this.insertSession.run(hashToken(token), row.user_id, nowIso(), expires_at);
    return { token, expires_at, user: toUser(row) };
  }

  forToken(token: string | undefined): StaffUser | null {
    if (!token || !token.startsWith('stf_')) return null;
    const row = this.sessionSt.get(hashToken(token));
    if (!row || Date.parse(row.expires_at) < Date.now()) return null;
    return toUser(row);
  }
}

const toUser = (row: UserRow): StaffUser => ({
  user_id: row.user_id,
  username: row.username,
  display_name: row.display_name,
  permissions: JSON.parse(row.permissions) as Record<string, boolean>,
});
