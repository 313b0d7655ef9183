/**
 * @kassa/kiosk-app: the shopper kiosk. The web app's entry is src/main.tsx (built by Vite);
 * this entry exposes the node-safe core for tests, the bench and the Electron shell.
 */
export { KioskController, refusalKey } from './basket/controller';
export type { KioskState, Screen } from './basket/controller';
export { comparable, hubStamp } from './basket/versions';
export { openKioskDatabase, replicateWithHub } from './data/database';
export * from './data/collections';
export * from './hub';
export { buildLocalStore, kioskStoreConfigSchema } from './pricing/store-data';
export { lineInput, priceLocally, snapshotFor, suggestionsFor } from './pricing/local';
export { translate, money, LANGUAGES } from './i18n';
