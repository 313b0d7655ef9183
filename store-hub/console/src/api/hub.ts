/**
 * The console's one door to the hub: the typed client (@kassa/store-hub/client) on the page's
 * own origin, with the session cookie and the CSRF token (double-submit: a readable cookie
 * echoed in a header) on every mutating request. Refusals arrive as HubApiError; a request that
 * never reached the hub becomes one with code NETWORK, so every screen words it the same way.
 */
import { createHubClient, HubApiError, type EndpointId, type HubApi } from '@kassa/store-hub/client';

export { HubApiError };

const csrfToken = (): string =>
  decodeURIComponent(
    document.cookie
      .split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith('kassa_csrf='))
      ?.slice('kassa_csrf='.length) ?? '',
  );

const client = createHubClient({
  credentials: 'same-origin',
  headers: (e): Record<string, string> => (e.method === 'get' ? {} : { 'x-csrf-token': csrfToken() }),
});

let onUnauthenticated: () => void = () => undefined;
export const setUnauthenticatedHandler = (fn: () => void): void => {
  onUnauthenticated = fn;
};

// The session calls answer 401 as part of signing in; anywhere else a 401 means the session ended.
const SESSION_CALLS: ReadonlySet<EndpointId> = new Set(['consoleSession', 'consoleSignIn', 'consoleSignOut']);

/** The client's methods, with the console's handling of an ended session and a lost network. */
export const hub = new Proxy(client, {
  get(target, id: string) {
    const method = (target as unknown as Record<string, unknown>)[id];
    if (typeof method !== 'function' || id === 'setToken') return method;
    return async (input?: unknown) => {
      try {
        return await (method as (i?: unknown) => Promise<unknown>)(input);
      } catch (err) {
        if (!(err instanceof HubApiError)) throw new HubApiError(0, 'NETWORK', 'network', {});
        if (err.status === 401 && !SESSION_CALLS.has(id as EndpointId)) onUnauthenticated();
        throw err;
      }
    };
  },
}) as HubApi;

/** A refusal's details as a record (the hub always sends an object; anything else reads as empty). */
export const errorDetails = (err: HubApiError): Record<string, unknown> =>
  typeof err.details === 'object' && err.details !== null ? (err.details as Record<string, unknown>) : {};
