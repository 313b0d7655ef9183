import type { Db } from '../../platform/db/database';

/** A paired client as the rest of the hub sees it. */
export interface PairedClient {
  device_id: string;
  retailer_device_id: string;
  kind: string;
  platform: string;
  name: string;
  lane_device_id: string | null;
}

const COLUMNS = `device_id, retailer_device_id, kind, platform, name, lane_device_id`;

export class ClientRepo {
  private readonly byToken;
  private readonly byId;
  private readonly liveByRetailerId;
  private readonly insert;
  private readonly revoke;

  constructor(private readonly db: Db) {
    this.byToken = db.prepare<[string], PairedClient>(
      `SELECT ${COLUMNS} FROM devices WHERE token_hash = ? AND revoked_at IS NULL`,
    );
    this.byId = db.prepare<[string], PairedClient>(`SELECT ${COLUMNS} FROM devices WHERE device_id = ?`);
    this.liveByRetailerId = db.prepare<[string], PairedClient>(
      `SELECT ${COLUMNS} FROM devices WHERE retailer_device_id = ? AND revoked_at IS NULL ORDER BY paired_at DESC`,
    );
    this.insert = db.prepare(
      `INSERT INTO devices(device_id, retailer_device_id, kind, platform, name, token_hash, lane_device_id, paired_at)
       VALUES (@device_id, @retailer_device_id, @kind, @platform, @name, @token_hash, @lane_device_id, @paired_at)`,
    );
    this.revoke = db.prepare(`UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL`);
  }

  forTokenHash(hash: string): PairedClient | null {
    return this.byToken.get(hash) ?? null;
  }

  get(deviceId: string): PairedClient | null {
    return this.byId.get(deviceId) ?? null;
  }

  /** Live (not revoked) clients with this retailer id, newest first. */
  liveWithRetailerId(retailerDeviceId: string): PairedClient[] {
    return this.liveByRetailerId.all(retailerDeviceId);
  }

  add(row: PairedClient & { token_hash: string; paired_at: string }): void {
    this.insert.run(row);
  }

  revokeClient(deviceId: string, at: string): void {
    this.revoke.run(at, deviceId);
  }

  // pairing codes
  insertCode(code: string, createdAt: string, expiresAt: string): boolean {
    return (
      this.db
        .prepare(`INSERT OR IGNORE INTO pairing_codes(code, created_at, expires_at) VALUES (?, ?, ?)`)
        .run(code, createdAt, expiresAt).changes === 1
    );
  }

  code(code: string): { code: string; expires_at: string; used_at: string | null } | undefined {
    return this.db.prepare(`SELECT code, expires_at, used_at FROM pairing_codes WHERE code = ?`).get(code) as
      { code: string; expires_at: string; used_at: string | null } | undefined;
  }

  useCode(code: string, deviceId: string, at: string): void {
    this.db
      .prepare(`UPDATE pairing_codes SET used_at = ?, device_id = ? WHERE code = ?`)
      .run(at, deviceId, code);
  }
}
