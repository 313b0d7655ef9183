/**
 * The shapes the kiosk reads from the hub come from the hub's typed client; this file only
 * names them for the rest of the app.
 */
export type { Approval, Basket as BasketView, Order as OrderView } from '@kassa/store-hub/client';
