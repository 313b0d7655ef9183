/**
 * The Electron shell's main-process logic against fakes of Electron's interfaces (the binary
 * cannot be fetched here): the window's security settings, navigation lock, permissions,
 * crash and hang recovery, single instance and the narrow bridge.
 */
import { describe, expect, it } from 'vitest';
import { exposeKioskBridge } from '../../electron/bridge';
import type { BrowserWindowOptionsLike, ElectronLike } from '../../electron/electron-api';
import { allowedUrl, IPC, startKioskShell } from '../../electron/shell';
import type { ShellConfig } from '../../electron/shell';

const cfg: ShellConfig = {
  appUrl: 'http://hub.local:8750/kiosk/index.html',
  hubOrigin: 'http://hub.local:8750',
  deviceToken: 'dev_abc',
  preloadPath: '/app/electron/dist/preload.cjs',
  hangReloadMs: 5000,
};

function fakeElectron(opts: { locked?: boolean } = {}) {
  const calls: string[] = [];
  const appHandlers = new Map<string, (...a: unknown[]) => void>();
  const wcHandlers = new Map<string, (...a: unknown[]) => void>();
  const ipc = new Map<string, (e: { senderFrame?: { url: string } | null }, ...a: unknown[]) => unknown>();
  let permission: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | null = null;
  let check: ((wc: unknown, p: string) => boolean) | null = null;
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  const created: BrowserWindowOptionsLike[] = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  class Win {
    webContents = {
      on: (ev: string, fn: (...a: unknown[]) => void) => wcHandlers.set(ev, fn),
      setWindowOpenHandler: (fn: typeof openHandler) => (openHandler = fn),
      reload: () => calls.push('reload'),
      forcefullyCrashRenderer: () => calls.push('crash-renderer'),
      getURL: () => cfg.appUrl,
    };
    constructor(o: BrowserWindowOptionsLike) {
      created.push(o);
    }
    loadURL = async (u: string) => void calls.push(`load ${u}`);
    once = (_e: string, fn: () => void) => fn();
    on = () => undefined;
    show = () => calls.push('show');
    focus = () => calls.push('focus');
    isMinimized = () => true;
    restore = () => calls.push('restore');
    setMenu = () => calls.push('menu null');
  }
  const electron: ElectronLike = {
    app: {
      requestSingleInstanceLock: () => !opts.locked,
      on: (ev: string, fn: (...a: never[]) => void) => appHandlers.set(ev, fn as never),
      whenReady: async () => undefined,
      getVersion: () => '0.1.0',
      getPath: () => '/tmp/user',
      relaunch: () => calls.push('relaunch'),
      exit: (c?: number) => void calls.push(`exit ${c}`),
      quit: () => calls.push('quit'),
    },
    BrowserWindow: Win as never,
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn) => (permission = fn),
        setPermissionCheckHandler: (fn) => (check = fn),
      },
    },
    ipcMain: { handle: (ch, fn) => void ipc.set(ch, fn) },
  };
  const fakeTimers = {
    setTimeout: (fn: () => void, ms: number) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimeout: (t: unknown) => void ((t as { cleared: boolean }).cleared = true),
  };
  return {
    electron,
    fakeTimers,
    calls,
    appHandlers,
    wcHandlers,
    ipc,
    created,
    timers,
    get permission() {
      return permission!;
    },
    get check() {
      return check!;
    },
    get openHandler() {
      return openHandler!;
    },
  };
}

describe('the kiosk shell (Electron main process)', () => {
  it('opens one fullscreen kiosk window with an isolated, sandboxed renderer and no Node', async () => {
    const f = fakeElectron();
    const shell = await startKioskShell(f.electron, cfg, f.fakeTimers);
    expect(shell?.window).not.toBeNull();
    const o = f.created[0]!;
    expect(o.kiosk && o.fullscreen).toBe(true);
    expect(o.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      devTools: false,
      preload: cfg.preloadPath,
    });
    expect(f.calls).toContain(`load ${cfg.appUrl}`);
  });

  it('keeps navigation on the app and the hub, refuses new windows and webviews', async () => {
    const f = fakeElectron();
    await startKioskShell(f.electron, cfg, f.fakeTimers);
    const nav = f.wcHandlers.get('will-navigate')!;
    const tryNav = (url: string): boolean => {
      let prevented = false;
      nav({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(tryNav('http://hub.local:8750/kiosk/index.html?x=1')).toBe(false);
    expect(tryNav('https://example.com/')).toBe(true);
    expect(tryNav('http://hub.local:9999/')).toBe(true);
    expect(tryNav('file:///etc/passwd')).toBe(true);
    expect(f.openHandler({ url: 'http://hub.local:8750/kiosk/' })).toEqual({ action: 'deny' });
    let prevented = false;
    f.wcHandlers.get('will-attach-webview')!({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(allowedUrl('not a url', cfg)).toBe(false);
  });

  it('denies every permission request and check', async () => {
    const f = fakeElectron();
    await startKioskShell(f.electron, cfg, f.fakeTimers);
    for (const p of ['media', 'geolocation', 'notifications', 'hid', 'serial', 'clipboard-read']) {
      let granted: boolean | null = null;
      f.permission(null, p, (g) => (granted = g));
      expect(granted).toBe(false);
      expect(f.check(null, p)).toBe(false);
    }
  });

  it('reloads a crashed renderer, and a hung one after its grace period (not if it recovers)', async () => {
    const f = fakeElectron();
    await startKioskShell(f.electron, cfg, f.fakeTimers);
    f.calls.length = 0;
    f.wcHandlers.get('render-process-gone')!({}, { reason: 'crashed', exitCode: 1 });
    expect(f.calls).toEqual([`load ${cfg.appUrl}`]);
    f.calls.length = 0;
    f.wcHandlers.get('unresponsive')!();
    f.wcHandlers.get('responsive')!();
    expect(f.timers[0]!.cleared).toBe(true);
    f.wcHandlers.get('unresponsive')!();
    expect(f.timers[1]!.ms).toBe(5000);
    f.timers[1]!.fn();
    expect(f.calls).toEqual(['crash-renderer', `load ${cfg.appUrl}`]);
  });

  it('runs once: a second instance quits, and the first one comes to the front', async () => {
    const second = fakeElectron({ locked: true });
    expect(await startKioskShell(second.electron, cfg, second.fakeTimers)).toBeNull();
    expect(second.calls).toContain('quit');
    const first = fakeElectron();
    await startKioskShell(first.electron, cfg, first.fakeTimers);
    first.appHandlers.get('second-instance')!();
    expect(first.calls).toEqual(expect.arrayContaining(['restore', 'focus']));
  });

  it('answers the bridge (identity, version, restart) only to the app’s own pages', async () => {
    const f = fakeElectron();
    await startKioskShell(f.electron, cfg, f.fakeTimers);
    const app = { senderFrame: { url: cfg.appUrl } };
    const evil = { senderFrame: { url: 'https://evil.example/' } };
    expect(f.ipc.get(IPC.identity)!(app)).toEqual({ token: 'dev_abc', hubOrigin: 'http://hub.local:8750' });
    expect(f.ipc.get(IPC.identity)!(evil)).toBeNull();
    expect(f.ipc.get(IPC.version)!(app)).toBe('0.1.0');
    expect(f.ipc.get(IPC.restart)!(evil)).toBe(false);
    expect(f.calls).not.toContain('relaunch');
    expect(f.ipc.get(IPC.restart)!(app)).toBe(true);
    expect(f.calls).toEqual(expect.arrayContaining(['relaunch', 'exit 0']));
  });

  it('exposes exactly three functions to the page through the preload', async () => {
    const exposed: Record<string, unknown> = {};
    const invoked: string[] = [];
    exposeKioskBridge({
      contextBridge: { exposeInMainWorld: (k, api) => (exposed[k] = api) },
      ipcRenderer: { invoke: async (ch) => void invoked.push(ch) },
    });
    const api = exposed.kassa as Record<string, () => Promise<unknown>>;
    expect(Object.keys(api).sort()).toEqual(['appVersion', 'identity', 'restart']);
    await api.identity!();
    await api.appVersion!();
    expect(invoked).toEqual([IPC.identity, IPC.version]);
  });
});
