import { KassaError } from '../errors';

/** Structured tax errors; `toJSON()` gives the project-wide `{ error: { code, message, details } }`. */
export type TaxErrorCode =
  | 'TAX_CODE_MISSING'
  | 'TAX_CODE_UNKNOWN'
  | 'TAX_TABLE_DUPLICATE_LEVEL'
  | 'TAX_INPUT_INVALID'
  | 'TAX_REFUND_INVALID';

export class TaxError extends KassaError<TaxErrorCode> {}
