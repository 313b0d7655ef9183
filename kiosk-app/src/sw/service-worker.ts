/**
 * The kiosk's service worker: keeps the built app shell (index.html and Vite's hashed assets) in
 * a cache named after the build, so that a kiosk loading the app from the hub (`/kiosk/`) comes
 * back after a reload while the hub is away — the basket is in RxDB, prices are worked out
 * locally, and only the page itself was missing.
 *
 * - index.html (any navigation in the scope): the network first, so a kiosk always starts the
 *   build the hub serves; the cached copy when the hub does not answer (refused, or no answer
 *   within NAVIGATION_TIMEOUT_MS).
 * - The build's own files: from the cache (their names carry their content hash).
 * - Everything else (the API, socket.io, other apps): not touched, straight to the network.
 * - A new build is a new sw.js (its manifest changes): the browser installs it, it caches the
 *   new shell completely before it takes over, then drops the old caches.
 *
 * Built by src/sw/plugin.ts (esbuild, after Vite), which defines SHELL.
 */

declare const SHELL: { version: string; files: string[] };

interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface WorkerScope {
  registration: { scope: string };
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: FetchEvent) => void): void;
}

const sw = self as unknown as WorkerScope;
const PREFIX = 'kassa-kiosk-shell-';
const CACHE = PREFIX + SHELL.version;
/** A hub that accepts the connection but does not answer is as good as away for a reload. */
const NAVIGATION_TIMEOUT_MS = 4000;

const scope = new URL(sw.registration.scope);
const shellUrl = (file: string): string => new URL(file, scope).href;
const INDEX = shellUrl('index.html');
const FILES = new Set(SHELL.files.map(shellUrl));

sw.addEventListener('install', (e) => {
  e.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload`: the shell comes from the hub itself, never from an HTTP cache of an older build.
      await cache.addAll([...FILES].map((u) => new Request(u, { cache: 'reload' })));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(
    (async () => {
      for (const k of await caches.keys()) if (k.startsWith(PREFIX) && k !== CACHE) await caches.delete(k);
      await sw.clients.claim();
    })(),
  );
});

async function fromCache(url: string): Promise<Response | undefined> {
  const cache = await caches.open(CACHE);
  return cache.match(url);
}

async function navigation(request: Request): Promise<Response> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), NAVIGATION_TIMEOUT_MS);
  try {
    const r = await fetch(request, { signal: timeout.signal });
    // A hub that answers with an error page (5xx) while restarting is not the app either.
    if (r.status < 500) return r;
    return (await fromCache(INDEX)) ?? r;
  } catch (err) {
    const cached = await fromCache(INDEX);
    if (cached) return cached;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function asset(request: Request): Promise<Response> {
  return (await fromCache(request.url)) ?? fetch(request);
}

sw.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  url.hash = '';
  if (!url.href.startsWith(scope.href)) return;
  const path = url.origin + url.pathname;
  if (req.mode === 'navigate' || path === INDEX || path === scope.href) {
    e.respondWith(navigation(req));
    return;
  }
  if (url.search === '' && FILES.has(path)) e.respondWith(asset(req));
});
