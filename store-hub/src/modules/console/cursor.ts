/**
 * Page cursors for the console's lists (orders, cash report): keyset paging, so a page is as
 * cheap on day 300 as on day 1 and a row added meanwhile neither repeats nor hides one. The
 * cursor is the sort key of the last row sent, base64url-encoded JSON; it is opaque to clients.
 */
import { HubError } from '../../platform/errors';

export const encodeCursor = (key: readonly string[]): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

export function decodeCursor(cursor: string | undefined, parts: number): string[] | null {
  if (cursor === undefined) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === parts && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // falls through to the refusal below
  }
  throw new HubError(
    'VALIDATION_FAILED',
    'this page cursor is not one the hub gave; start from the first page',
    {
      field: 'cursor',
    },
  );
}
