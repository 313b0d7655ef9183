import { KassaError } from '@kassa/promo-core';

/** Structured errors shared by every device boundary: `{ error: { code, message, details } }`. */
export type HardwareErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_STATE'
  | 'DEVICE_NOT_FOUND'
  | 'DEVICE_IO'
  | 'DEVICE_TIMEOUT'
  | 'INVALID_RECEIPT'
  | 'JOB_NOT_FOUND'
  | 'UNSUPPORTED'
  // scales (MT-SICS refusals)
  | 'SCALE_UNSTABLE'
  | 'SCALE_OVERLOAD'
  | 'SCALE_UNDERLOAD'
  | 'SCALE_REFUSED';

export class HardwareError extends KassaError<HardwareErrorCode> {}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
