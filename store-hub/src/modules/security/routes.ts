import type { HubRouter, Services } from '../../services';
import { securityEndpoints as e } from './schemas';

export function securityRoutes(r: HubRouter, s: Services): void {
  r.sync(e.listLockouts, () => s.security.lockouts() as never);
  r.sync(e.clearLockout, ({ body }) => ({ cleared: s.security.clear(body.scope, body.key) }));
}
