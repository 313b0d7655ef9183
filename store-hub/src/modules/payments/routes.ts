import type { HubRouter, Services } from '../../services';
import { tenderEndpoints as e } from './endpoints';

export function paymentRoutes(r: HubRouter, s: Services): void {
  r.sync(e.getPayment, ({ device, params }) => s.orders.get(device, params.id).payment);
  r.async(e.startTender, ({ device, params, body, idempotencyKey }) =>
    s.payments.startTender(device, params.id, body, idempotencyKey),
  );
  r.async(e.voidTender, ({ device, params }) => s.payments.voidTender(device, params.id, params.tid));
  r.async(e.abortPayment, ({ device, params, body }) => s.payments.abort(device, params.id, body));
}
