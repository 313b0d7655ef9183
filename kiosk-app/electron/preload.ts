/** Sandboxed preload (CommonJS, bundled to electron/dist/preload.cjs): only the narrow bridge. */
import { exposeKioskBridge } from './bridge';
import type { PreloadElectronLike } from './electron-api';

// eslint-disable-next-line @typescript-eslint/no-require-imports
exposeKioskBridge(require('electron') as PreloadElectronLike);
