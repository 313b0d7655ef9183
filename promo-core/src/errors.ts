/**
 * The project-wide error shape, `{ error: { code, message, details } }`. Each domain error
 * (tax, pricing, receipts, devices) is a KassaError with its own set of codes.
 */
export class KassaError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON(): { error: { code: C; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}
