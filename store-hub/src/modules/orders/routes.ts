import { reply } from '../../platform/http/router';
import type { HubRouter, Services } from '../../services';
import { orderEndpoints as e } from './schemas';

export function orderRoutes(r: HubRouter, s: Services): void {
  r.sync(e.createOrder, ({ device, body }) => {
    const out = s.orders.createOrder(device, body);
    return reply(out.created ? 201 : 200, out.order);
  });
  r.sync(e.getOrder, ({ device, params }) => s.orders.get(device, params.id));
  r.sync(e.getStaffOrder, ({ params }) => s.orders.get(null, params.id));
}
