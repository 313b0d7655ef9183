import { HubError } from '../../platform/errors';
import type { HubRouter, Services } from '../../services';
import { receiptEndpoints as e } from './endpoints';

export function receiptRoutes(r: HubRouter, s: Services): void {
  r.sync(e.getReceipt, ({ device, params }) => {
    const receipt = s.orders.get(device, params.id).receipt;
    if (!receipt) throw new HubError('NOT_FOUND', 'the order has no receipt yet', { order_id: params.id });
    return receipt;
  });
  r.sync(e.deliverReceipt, ({ device, params }) => {
    s.orders.owned(device, params.id);
    return s.receipts.deliver(device.device_id, params.id);
  });
}
