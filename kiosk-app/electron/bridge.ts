/**
 * The preload's narrow bridge: three calls, nothing else of Electron or Node reaches the page.
 * Exposed as `window.kassa` (see src/main.tsx).
 */
import type { PreloadElectronLike } from './electron-api';
import { IPC } from './shell';

export function exposeKioskBridge({ contextBridge, ipcRenderer }: PreloadElectronLike): void {
  contextBridge.exposeInMainWorld('kassa', {
    identity: () => ipcRenderer.invoke(IPC.identity),
    appVersion: () => ipcRenderer.invoke(IPC.version),
    restart: () => ipcRenderer.invoke(IPC.restart),
  });
}
