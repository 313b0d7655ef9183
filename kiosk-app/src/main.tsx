/**
 * Browser entry: finds the kiosk's identity (Electron preload, or the pairing token handed over
 * in the URL fragment and kept in localStorage), opens the RxDB database on Dexie/IndexedDB and
 * starts the controller. The hub serves this app at /kiosk/ on its own origin.
 */
import { createRoot } from 'react-dom/client';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { KioskController } from './basket/controller';
import { openKioskDatabase } from './data/database';
import { HubClient } from './hub/client';
import { registerShellWorker } from './sw/register';
import { App } from './ui/App';
import './ui/styles.css';

interface KassaBridge {
  identity(): Promise<{ token: string | null; hubOrigin: string | null }>;
  appVersion(): Promise<string>;
  restart(): Promise<void>;
}
declare global {
  interface Window {
    kassa?: KassaBridge;
    __kiosk?: KioskController;
  }
}

async function identity(): Promise<{ token: string | null; origin: string }> {
  const params = new URLSearchParams(location.search);
  const bridged = window.kassa ? await window.kassa.identity() : null;
  const hash = new URLSearchParams(location.hash.slice(1));
  const fromHash = hash.get('token');
  if (fromHash) {
    localStorage.setItem('kassa.kiosk.token', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return {
    token: bridged?.token ?? localStorage.getItem('kassa.kiosk.token'),
    origin: bridged?.hubOrigin ?? params.get('hub') ?? '',
  };
}

async function boot(): Promise<void> {
  registerShellWorker(import.meta.env.BASE_URL);
  const root = createRoot(document.getElementById('root')!);
  const { token, origin } = await identity();
  const params = new URLSearchParams(location.search);
  if (!token) {
    root.render(
      <main className="kiosk">
        <div className="center column">
          <h1>This kiosk is not paired yet</h1>
          <p>Ask staff to pair it with the store hub (kiosk-app/scripts/pair-url.ts prints a ready link).</p>
        </div>
      </main>,
    );
    return;
  }
  const hub = new HubClient({ origin, token: () => token });
  const db = await openKioskDatabase(params.get('db') ?? 'kassa-kiosk', getRxStorageDexie());
  const idle = params.get('idle')?.split(',').map(Number);
  const controller = new KioskController({
    hub,
    db,
    token,
    appVersion: window.kassa ? await window.kassa.appVersion() : 'web',
    simulate: params.get('simulate')?.split(',').filter(Boolean) ?? [],
    ...(idle && idle.length === 2 && idle.every((n) => n > 0)
      ? { idleOverride: { prompt: idle[0]!, abandon: idle[1]! } }
      : {}),
  });
  window.__kiosk = controller;
  root.render(<App controller={controller} />);
  await controller.start();
  performance.mark('kiosk-ready');
}

void boot();
