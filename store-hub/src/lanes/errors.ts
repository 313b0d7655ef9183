/**
 * Error codes of the lane hardware the hub drives (the scale), with their HTTP status; spread
 * into the hub's one catalogue (platform/errors.ts). All 409: the request is fine, the scale
 * is not in a state to answer it yet (nothing on it, still moving…), so the kiosk says what
 * to do and the shopper tries again. Never 5xx: the kiosk reads 5xx as "the hub is away".
 */
export const SCALE_ERROR_STATUS = {
  /** The lane has no scale: the kiosk falls back to typing the weight. */
  SCALE_NOT_ATTACHED: 409,
  /** A typed weight from a kiosk whose lane has a scale: it must weigh there (by scale). */
  SCALE_REQUIRED: 409,
  /** The lane's scale is unplugged or does not answer. */
  SCALE_OFFLINE: 409,
  SCALE_UNSTABLE: 409,
  SCALE_EMPTY: 409,
  SCALE_OVERLOAD: 409,
  /** Below zero: the scale needs zeroing (staff). */
  SCALE_UNDERLOAD: 409,
} as const satisfies Record<string, number>;
