/**
 * The slice of Electron's API the kiosk shell uses, declared here so that the shell's logic is
 * type-checked and unit-tested without the Electron binary (it cannot be fetched on every
 * machine). The real `electron` module satisfies these interfaces; tests pass fakes.
 */
export interface WebPreferencesLike {
  contextIsolation: boolean;
  sandbox: boolean;
  nodeIntegration: boolean;
  nodeIntegrationInWorker: boolean;
  webSecurity: boolean;
  allowRunningInsecureContent: boolean;
  webviewTag: boolean;
  spellcheck: boolean;
  devTools: boolean;
  preload: string;
}

export interface BrowserWindowOptionsLike {
  kiosk: boolean;
  fullscreen: boolean;
  autoHideMenuBar: boolean;
  show: boolean;
  backgroundColor: string;
  webPreferences: WebPreferencesLike;
}

export interface EventLike {
  preventDefault(): void;
}

export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', fn: (e: EventLike, url: string) => void): unknown;
  on(
    event: 'render-process-gone',
    fn: (e: EventLike, details: { reason: string; exitCode: number }) => void,
  ): unknown;
  on(event: 'unresponsive' | 'responsive' | 'did-finish-load', fn: () => void): unknown;
  on(event: 'will-attach-webview', fn: (e: EventLike) => void): unknown;
  setWindowOpenHandler(fn: (d: { url: string }) => { action: 'deny' | 'allow' }): void;
  reload(): void;
  forcefullyCrashRenderer(): void;
  getURL(): string;
}

export interface BrowserWindowLike {
  webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', fn: () => void): unknown;
  on(event: 'closed', fn: () => void): unknown;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  setMenu(menu: null): void;
}

export interface SessionLike {
  setPermissionRequestHandler(
    fn: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | null,
  ): void;
  setPermissionCheckHandler(fn: ((wc: unknown, permission: string) => boolean) | null): void;
  setDevicePermissionHandler?(fn: (details: unknown) => boolean): void;
}

export interface IpcMainLike {
  handle(
    channel: string,
    fn: (e: { senderFrame?: { url: string } | null }, ...args: unknown[]) => unknown,
  ): void;
}

export interface AppLike {
  requestSingleInstanceLock(): boolean;
  on(
    event: 'second-instance' | 'window-all-closed' | 'web-contents-created',
    fn: (...a: never[]) => void,
  ): unknown;
  whenReady(): Promise<unknown>;
  getVersion(): string;
  getPath(name: 'userData'): string;
  relaunch(): void;
  exit(code?: number): void;
  quit(): void;
}

export interface ElectronLike {
  app: AppLike;
  BrowserWindow: new (opts: BrowserWindowOptionsLike) => BrowserWindowLike;
  session: { defaultSession: SessionLike };
  ipcMain: IpcMainLike;
}

/** The renderer side (preload): what contextBridge and ipcRenderer offer. */
export interface PreloadElectronLike {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: { invoke(channel: string, ...args: unknown[]): Promise<unknown> };
}
