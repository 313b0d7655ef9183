import type { HubRouter, Services } from '../../services';
import { staffEndpoints } from './schemas';

export function staffRoutes(r: HubRouter, s: Services): void {
  r.async(staffEndpoints.staffLogin, ({ body }) => s.staff.login(body));
  r.sync(staffEndpoints.createPairingCode, () => s.pairing.createCode());
}
