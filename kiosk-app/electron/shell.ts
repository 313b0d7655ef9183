/**
 * The kiosk shell's main-process logic: one fullscreen kiosk window with the renderer locked
 * down (context isolation, sandbox, no Node), navigation kept to the app and the hub, every
 * permission request refused, a crashed or hung renderer reloaded, one instance only, and a
 * narrow bridge (device identity, app version, restart). Electron's API comes in as a
 * parameter, so this is unit-tested with fakes of the same interfaces.
 */
import type { BrowserWindowLike, ElectronLike } from './electron-api';

export interface ShellConfig {
  /** Where the app is loaded from, e.g. http://hub.local:8750/kiosk/. */
  appUrl: string;
  /** The hub's origin (API and socket.io); the app's origin is always allowed. */
  hubOrigin: string;
  /** The paired device token (dev_…), from the kiosk's own config file. */
  deviceToken: string | null;
  preloadPath: string;
  /** A renderer that stays unresponsive this long is reloaded. */
  hangReloadMs?: number;
  /** Opens DevTools-free, always; true only for a service build. */
  devTools?: boolean;
}

export const IPC = {
  identity: 'kassa:identity',
  version: 'kassa:version',
  restart: 'kassa:restart',
} as const;

/** True when the URL is on the app's or the hub's origin (same scheme, host and port). */
export function allowedUrl(url: string, cfg: Pick<ShellConfig, 'appUrl' | 'hubOrigin'>): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const allowed = [new URL(cfg.appUrl).origin, new URL(cfg.hubOrigin).origin];
  return allowed.includes(u.origin);
}

export interface Shell {
  window: BrowserWindowLike | null;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
}

export async function startKioskShell(
  electron: ElectronLike,
  cfg: ShellConfig,
  timers: Timers = {
    setTimeout: (f, ms) => setTimeout(f, ms),
    clearTimeout: (t) => clearTimeout(t as never),
  },
): Promise<Shell | null> {
  const { app, BrowserWindow, session, ipcMain } = electron;
  const shell: Shell = { window: null };
  if (!app.requestSingleInstanceLock()) {
    // Another kiosk shell owns the screen: this one leaves at once.
    app.quit();
    return null;
  }
  app.on('second-instance', () => {
    const w = shell.window;
    if (!w) return;
    if (w.isMinimized()) w.restore();
    w.focus();
  });
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();
  const ses = session.defaultSession;
  // No camera, microphone, geolocation, notifications, HID/serial/USB… for the renderer.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler?.(() => false);

  const fromApp = (e: { senderFrame?: { url: string } | null }): boolean =>
    !!e.senderFrame && allowedUrl(e.senderFrame.url, cfg);
  ipcMain.handle(IPC.identity, (e) =>
    fromApp(e) ? { token: cfg.deviceToken, hubOrigin: new URL(cfg.hubOrigin).origin } : null,
  );
  ipcMain.handle(IPC.version, (e) => (fromApp(e) ? app.getVersion() : null));
  ipcMain.handle(IPC.restart, (e) => {
    if (!fromApp(e)) return false;
    app.relaunch();
    app.exit(0);
    return true;
  });

  const win = new BrowserWindow({
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    show: false,
    backgroundColor: '#0b6e4f',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: cfg.devTools ?? false,
      preload: cfg.preloadPath,
    },
  });
  shell.window = win;
  win.setMenu(null);
  const wc = win.webContents;
  const guard = (e: { preventDefault(): void }, url: string): void => {
    if (!allowedUrl(url, cfg)) e.preventDefault();
  };
  wc.on('will-navigate', guard);
  wc.on('will-redirect', guard);
  wc.on('will-attach-webview', (e) => e.preventDefault());
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));

  // A crashed renderer is reloaded; a hung one gets a grace period, then is reloaded too.
  wc.on('render-process-gone', (_e, details) => {
    if (details.reason !== 'clean-exit') void win.loadURL(cfg.appUrl);
  });
  let hang: unknown = null;
  wc.on('unresponsive', () => {
    if (hang !== null) return;
    hang = timers.setTimeout(() => {
      hang = null;
      wc.forcefullyCrashRenderer();
      void win.loadURL(cfg.appUrl);
    }, cfg.hangReloadMs ?? 10_000);
  });
  wc.on('responsive', () => {
    if (hang !== null) timers.clearTimeout(hang);
    hang = null;
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    shell.window = null;
  });
  await win.loadURL(cfg.appUrl);
  return shell;
}
