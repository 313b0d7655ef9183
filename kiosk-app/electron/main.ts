/**
 * Electron main-process entry (bundled to electron/dist/main.cjs by electron/build.mjs). The
 * `electron` module is optional here: it is loaded at run time only, so nothing else in the
 * package (tests, type-check) needs its binary.
 */
import path from 'node:path';
import { loadShellConfig } from './config';
import type { ElectronLike } from './electron-api';
import { startKioskShell } from './shell';

async function main(): Promise<void> {
  const electron = (await import('electron' as string)) as ElectronLike;
  const cfg = loadShellConfig(
    electron.app.getPath('userData'),
    process.env,
    path.join(__dirname, 'preload.cjs'),
  );
  await startKioskShell(electron, cfg);
}

main().catch((err: unknown) => {
  console.error('kassa kiosk shell:', err);
  process.exit(1);
});
