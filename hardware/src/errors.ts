/** Structured errors shared by every device boundary: `{ error: { code, message, details } }`. */
export type HardwareErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_STATE'
  | 'DEVICE_NOT_FOUND'
  | 'DEVICE_IO'
  | 'DEVICE_TIMEOUT'
  | 'INVALID_RECEIPT'
  | 'JOB_NOT_FOUND'
  | 'UNSUPPORTED';

export class HardwareError extends Error {
  constructor(
    readonly code: HardwareErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HardwareError';
  }

  toJSON(): { error: { code: HardwareErrorCode; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
