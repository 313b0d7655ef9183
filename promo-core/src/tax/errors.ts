/** Structured tax errors; `toJSON()` gives the project-wide `{ error: { code, message, details } }`. */
export type TaxErrorCode =
  | 'TAX_CODE_MISSING'
  | 'TAX_CODE_UNKNOWN'
  | 'TAX_TABLE_DUPLICATE_LEVEL'
  | 'TAX_INPUT_INVALID'
  | 'TAX_REFUND_INVALID';

export class TaxError extends Error {
  constructor(
    readonly code: TaxErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'TaxError';
  }

  toJSON(): { error: { code: TaxErrorCode; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}
