/**
 * Pairing: a client pairs once with a short-lived code shown on the console (or printed by
 * `store-hub pair`) and gets a per-client bearer token; the hub keeps only its SHA-256.
 */
import type { Db } from '../../platform/db/database';
import type { Tx } from '../../platform/db/tx';
import { HubError } from '../../platform/errors';
import { newId, newToken, nowIso, numericCode } from '../../platform/ids';
import { hashToken } from '../../platform/tokens';
import type { PairedClient } from './repo';
import { ClientRepo } from './repo';
import type { PairRequest } from './schemas';

export const PAIRING_CODE_TTL_MS = 15 * 60_000;

export class Pairing {
  readonly repo: ClientRepo;

  constructor(
    db: Db,
    private readonly tx: Tx,
    /** Told after commit when a replacement revoked clients (their sockets are dropped). */
    private readonly onRevoked: (deviceId: string) => void = () => {},
  ) {
    this.repo = new ClientRepo(db);
  }

  createCode(ttlMs = PAIRING_CODE_TTL_MS): { code: string; expires_at: string } {
    return createPairingCode(this.repo, ttlMs);
  }

  pair(req: PairRequest): { device_id: string; token: string; replaced_device_id: string | null } {
    return this.tx.run(() => {
      const row = this.repo.code(req.code);
      if (!row || row.used_at !== null || Date.parse(row.expires_at) < Date.now())
        throw new HubError('PAIRING_CODE_INVALID', 'the pairing code is unknown, used or expired');
      if (req.lane_device_id !== null && !this.repo.get(req.lane_device_id))
        throw new HubError('LANE_UNKNOWN', `no device ${req.lane_device_id} to attach to`);
      const live = this.repo.liveWithRetailerId(req.retailer_device_id);
      if (live.length > 0 && !req.replace)
        throw new HubError(
          'DEVICE_ALREADY_PAIRED',
          `a client with retailer_device_id ${req.retailer_device_id} is already paired; pair with "replace": true to revoke it and take its place`,
          { retailer_device_id: req.retailer_device_id, device_id: live[0]!.device_id },
        );
      const now = nowIso();
      for (const old of live) {
        this.repo.revokeClient(old.device_id, now);
        this.tx.afterCommit(() => this.onRevoked(old.device_id));
      }
      const device_id = newId();
      const token = newToken('dev');
      this.repo.add({
        device_id,
        retailer_device_id: req.retailer_device_id,
        kind: req.kind,
        platform: req.platform,
        name: req.name,
        lane_device_id: req.lane_device_id,
        token_hash: hashToken(token),
        paired_at: now,
      });
      this.repo.useCode(req.code, device_id, now);
      return { device_id, token, replaced_device_id: live[0]?.device_id ?? null };
    });
  }

  forToken(token: string | undefined): PairedClient | null {
    if (!token || !token.startsWith('dev_')) return null;
    return this.repo.forTokenHash(hashToken(token));
  }
}

export function createPairingCode(
  repo: ClientRepo,
  ttlMs = PAIRING_CODE_TTL_MS,
): { code: string; expires_at: string } {
  const now = Date.now();
  for (;;) {
    const code = numericCode(8);
    const expires_at = new Date(now + ttlMs).toISOString();
    if (repo.insertCode(code, new Date(now).toISOString(), expires_at)) return { code, expires_at };
  }
}
