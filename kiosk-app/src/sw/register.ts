/**
 * Registers the app-shell service worker (src/sw/service-worker.ts) when the kiosk runs from a
 * web origin — the hub's `/kiosk/`, or scripts/serve.ts. Not from file:// or an app protocol,
 * and not in Vite's dev server (no build, nothing to cache). Browsers offer service workers only
 * in secure contexts: https, or http on localhost; a kiosk browser opening a hub over plain http
 * on the store network needs `--unsafely-treat-insecure-origin-as-secure=http://<hub>:8750`.
 */
export function registerShellWorker(base: string): void {
  if (!import.meta.env.PROD) return;
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return;
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register(`${base}sw.js`, { scope: base, updateViaCache: 'none' })
    .catch((err: unknown) => console.warn('kiosk: the offline app shell is not available', String(err)));
}
