/**
 * The console's one door to the hub: same-origin fetch with the session cookie, the CSRF token
 * (double-submit: a readable cookie echoed in a header) on every mutating request, and the hub's
 * `{ error: { code, message, details } }` turned into an ApiError.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const csrfToken = (): string =>
  document.cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith('kassa_csrf='))
    ?.slice('kassa_csrf='.length) ?? '';

let onUnauthenticated: () => void = () => undefined;
export const setUnauthenticatedHandler = (fn: () => void): void => {
  onUnauthenticated = fn;
};

let keySeq = 0;

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    headers['x-csrf-token'] = decodeURIComponent(csrfToken());
    // A retried click must not act twice (the hub replays the first answer for the same key).
    headers['idempotency-key'] =
      `console-${Date.now().toString(36)}-${++keySeq}-${Math.random().toString(36).slice(2)}`;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network');
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = (
      json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null
    )?.error;
    const err = new ApiError(
      res.status,
      e?.code ?? 'HTTP_' + res.status,
      e?.message ?? res.statusText,
      e?.details ?? {},
    );
    if (res.status === 401 && !path.endsWith('/session')) onUnauthenticated();
    throw err;
  }
  return (json as { data: T }).data;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
export const put = <T>(path: string, body: unknown = {}) => request<T>('PUT', path, body);
export const del = <T>(path: string) => request<T>('DELETE', path);

export const qs = (params: Record<string, string | number | undefined | null>): string => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
};
