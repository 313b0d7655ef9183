import type { HubRouter, Services } from '../../services';
import { interventionEndpoints as e } from './schemas';

export function interventionRoutes(r: HubRouter, s: Services): void {
  r.sync(e.requestHelp, ({ device, body }) => {
    if (body.basket_id) s.baskets.owned(device, body.basket_id);
    return s.interventions.requestHelp(device.device_id, body.basket_id ?? null, body.reason);
  });
  r.sync(e.listInterventions, ({ query }) => s.interventions.list(query.status));
  r.sync(e.decideIntervention, ({ staff, params, body }) =>
    s.interventions.decide(staff, params.id, body.decision),
  );
}
