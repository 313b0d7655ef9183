/** The hub's one error shape: `{ error: { code, message, details } }` with an HTTP status. */
export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = {},
  ) {
    super(message);
    this.name = 'HubError';
  }
  toBody(): { error: { code: string; message: string; details: unknown } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const notFound = (what: string, id: string): HubError =>
  new HubError(404, 'NOT_FOUND', `${what} ${id} not found`, { id });
