/**
 * Error codes of the HTTP edge's own machinery, spread into the hub's one catalogue
 * (platform/errors.ts).
 */
export const HTTP_ERROR_STATUS = {
  /**
   * The database refused to commit a group of write requests (disk full, I/O error, a
   * constraint only checked at COMMIT): nothing of the request was kept. A server fault, so
   * 5xx — the kiosk treats it as "the hub is away" and retries with the same Idempotency-Key.
   */
  COMMIT_FAILED: 503,
} as const satisfies Record<string, number>;
