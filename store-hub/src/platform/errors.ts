/**
 * The hub's one error catalogue: every domain code a request can be answered with, and the one
 * table mapping it to an HTTP status. Domain code throws `HubError(code, …)`; only the HTTP edge
 * reads the status. Node-free, so the browser client shares the same list of codes.
 */
import { z } from 'zod';
import { CONSOLE_ERROR_STATUS } from '../modules/console-auth/errors';
import { SCALE_ERROR_STATUS } from '../lanes/errors';
import { HTTP_ERROR_STATUS } from './http/errors';

export const ERROR_STATUS = {
  // the request itself
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BODY_TOO_DEEP: 400,
  BAD_REQUEST: 400,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  INVALID_HARDWARE_CONFIG: 400,
  BODY_TOO_LARGE: 413,
  // who is asking
  DEVICE_UNAUTHENTICATED: 401,
  STAFF_UNAUTHENTICATED: 401,
  PAIRING_CODE_INVALID: 401,
  STAFF_LOGIN_FAILED: 401,
  PERMISSION_DENIED: 403,
  READ_ONLY_COLLECTION: 403,
  TOO_MANY_ATTEMPTS: 429,
  // what is asked for
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  ITEM_NOT_FOUND: 404,
  UNKNOWN_COLLECTION: 404,
  // state conflicts
  BASKET_VERSION_CONFLICT: 409,
  BASKET_EXPIRED: 409,
  BASKET_CHECKED_OUT: 409,
  BASKET_EMPTY: 409,
  BASKET_LINE_LIMIT: 409,
  PRICING_ERROR: 409,
  APPROVAL_REQUIRED: 409,
  NEGATIVE_BASKET: 409,
  ZERO_BASKET_NOT_ALLOWED: 409,
  ORDER_NOT_PAYABLE: 409,
  ORDER_CANCELLED: 409,
  ORDER_ALREADY_COMPLETED: 409,
  ORDER_NOT_COMPLETED: 409,
  TENDER_IN_PROGRESS: 409,
  TENDER_NOT_CAPTURED: 409,
  NO_LANE: 409,
  NO_ACTIVE_BASKET: 409,
  ALREADY_DECIDED: 409,
  REQUEST_IN_PROGRESS: 409,
  DEVICE_ALREADY_PAIRED: 409,
  REFUND_NOT_HELD: 409,
  // well-formed but refused
  IDEMPOTENCY_KEY_REUSED: 422,
  LANE_UNKNOWN: 422,
  SIMULATION_UNAVAILABLE: 422,
  AMOUNT_OUT_OF_RANGE: 422,
  INVALID_BARCODE: 422,
  QUANTITY_OUT_OF_RANGE: 422,
  QUANTITY_FIXED: 422,
  WEIGHT_OUT_OF_RANGE: 422,
  WEIGHT_NOT_ALLOWED: 422,
  // promo-core refusals and pricing errors passed through with their own names
  QUANTITY_RESTRICTED: 422,
  EXPIRED: 422,
  STAFF_BADGE_SCANNED: 422,
  CHOICE_REQUIRED: 422,
  ITEM_ALREADY_SOLD: 422,
  RESTRICTED_AGE: 422,
  RESTRICTED_ITEM: 422,
  RETURN_NOT_ALLOWED: 422,
  WEIGHT_REQUIRED: 422,
  PRICE_REQUIRED: 422,
  OVERRIDE_NOT_ALLOWED: 422,
  INVALID_LINE: 422,
  BASKET_INVALID: 422,
  TAX_CODE_MISSING: 422,
  PRICING_FAILED: 422,
  // the hub's surroundings
  VOID_FAILED: 502,
  TERMINAL_UNREACHABLE: 503,
  STORE_NOT_CONFIGURED: 503,
  INTERNAL: 500,
  // Modules that arrived later keep their codes beside them (modules/<x>/errors.ts) and are
  // spread in here, e.g. `...CONSOLE_ERROR_STATUS,`.
  ...CONSOLE_ERROR_STATUS,
  ...SCALE_ERROR_STATUS,
  ...HTTP_ERROR_STATUS,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_STATUS, code);

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown(),
  }),
});
export type ErrorBody = z.output<typeof errorBodySchema>;

/** A domain error: its HTTP status comes from the catalogue, never from the thrower. */
export class HubError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown = {},
  ) {
    super(message);
    this.name = 'HubError';
    this.status = ERROR_STATUS[code];
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const notFound = (what: string, id: string, details: Record<string, unknown> = { id }): HubError =>
  new HubError('NOT_FOUND', `${what} ${id} not found`, details);
