/**
 * Every endpoint of the hub, by operationId. Node-free (zod + schema files only): the router
 * binds handlers to these, /openapi.json is generated from them, and the browser client
 * (src/client/) calls through them.
 */
import { catalogEndpoints } from '../modules/catalog/schemas';
import { basketEndpoints } from '../modules/baskets/schemas';
import { clientEndpoints } from '../modules/clients/schemas';
import { interventionEndpoints } from '../modules/interventions/schemas';
import { orderEndpoints } from '../modules/orders/schemas';
import { tenderEndpoints } from '../modules/payments/endpoints';
import { receiptEndpoints } from '../modules/receipts/endpoints';
import { replicationEndpoints } from '../modules/replication/schemas';
import { staffEndpoints } from '../modules/staff/schemas';
import { laneEndpoints } from '../lanes/schemas';
import { outboxEndpoints } from '../outbox/schemas';
import { securityEndpoints } from '../modules/security/schemas';
import { CONSOLE_ENDPOINTS } from '../modules/console/endpoints';

export const ENDPOINTS = {
  ...catalogEndpoints,
  ...clientEndpoints,
  ...staffEndpoints,
  ...basketEndpoints,
  ...interventionEndpoints,
  ...orderEndpoints,
  ...tenderEndpoints,
  ...receiptEndpoints,
  ...laneEndpoints,
  ...replicationEndpoints,
  ...outboxEndpoints,
  ...securityEndpoints,
  ...CONSOLE_ENDPOINTS,
} as const;

export type Endpoints = typeof ENDPOINTS;
export type EndpointId = keyof Endpoints;
