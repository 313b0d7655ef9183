import type { HubRouter, Services } from '../../services';
import { pairEndpoint } from './schemas';

export function clientRoutes(r: HubRouter, s: Services): void {
  r.sync(pairEndpoint, ({ body }) => s.pairing.pair(body));
}
