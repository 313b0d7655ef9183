import { HubError } from '../platform/errors';
import { reply } from '../platform/http/router';
import type { HubRouter, Services } from '../services';
import { laneEndpoints as e } from './schemas';
import { liveLaneScaleView } from './index';

export function laneRoutes(r: HubRouter, s: Services): void {
  r.sync(e.reportDeviceEvent, ({ device, body }) => {
    if (!device.lane_device_id) throw new HubError('NO_LANE', 'this device is not attached to a lane');
    const lane = s.pairing.repo.get(device.lane_device_id);
    if (!lane) throw new HubError('NO_LANE', 'this device’s lane kiosk is not paired');
    // The event itself is news whether or not the scan then adds a line (not a committed change).
    s.bus.emit('event', {
      to: lane.device_id,
      name: 'device.event',
      payload: { from: device.device_id, ...body },
    });
    if (body.type !== 'scan') return reply(200, { routed_to: lane.device_id });
    if (!body.code)
      throw new HubError('VALIDATION_FAILED', 'a scan event needs its code', {
        issues: [{ path: 'code', message: 'required for type scan' }],
      });
    const basket = s.baskets.activeBasket(lane.device_id);
    if (!basket) throw new HubError('NO_ACTIVE_BASKET', 'the lane has no active basket');
    const added = s.baskets.addLine(lane, basket, {
      code: body.code,
      quantity: 1,
      ...(body.symbology ? { symbology: body.symbology } : {}),
    });
    return reply(201, { routed_to: lane.device_id, ...added });
  });

  r.async(e.getLaneScale, ({ device }) => liveLaneScaleView(s.lanes ?? null, device));
}
