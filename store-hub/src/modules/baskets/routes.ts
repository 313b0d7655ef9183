import { weighOnLane } from '../../lanes';
import type { HubRouter, Services } from '../../services';
import { basketEndpoints as e } from './schemas';

export function basketRoutes(r: HubRouter, s: Services): void {
  r.referAnswers(s.baskets.answerReferrer());
  r.sync(e.startKioskSession, ({ device, body }) => s.baskets.startSession(device, body.customer));
  r.sync(e.scan, ({ query }) => s.baskets.scan(query.code, query.symbology) as never);
  r.sync(e.createBasket, ({ device, body }) => s.baskets.createBasket(device, body.session_id ?? null));
  r.sync(e.getBasket, ({ device, params }) => s.baskets.get(device, params.id));
  // On a lane with a scale only the hub weighs: a typed weight would be the shopper's word.
  r.sync(e.addLine, ({ device, params, body }) => {
    if (body.weight_g !== undefined) s.lanes?.refuseTypedWeight(device);
    return s.baskets.addLine(device, params.id, body);
  });
  // The hub weighs (the kiosk never sends a weight for this), then adds as any weighed line.
  r.async(e.addLineByScale, async ({ device, params, body }) => {
    const weight_g = await weighOnLane(s.lanes ?? null, device);
    return s.baskets.addLine(device, params.id, { ...body, quantity: 1, weight_g });
  });
  r.sync(e.changeLine, ({ device, params, body }) =>
    s.baskets.changeLine(device, params.id, params.lineId, body),
  );
  r.sync(e.removeLine, ({ device, params, query, body }) =>
    s.baskets.removeLine(device, params.id, params.lineId, query.basket_version ?? body?.basket_version),
  );
  r.sync(e.addLineDelta, ({ device, params, body }) => {
    if (body.weight_g !== undefined) s.lanes?.refuseTypedWeight(device);
    return s.baskets.addLineDelta(device, params.id, body);
  });
  r.sync(e.changeLineDelta, ({ device, params, body }) =>
    s.baskets.changeLineDelta(device, params.id, params.lineId, body),
  );
  r.sync(e.removeLineDelta, ({ device, params, query, body }) =>
    s.baskets.removeLineDelta(device, params.id, params.lineId, query.basket_version ?? body?.basket_version),
  );
  r.sync(e.requestAgeCheck, ({ device, params }) => s.baskets.requestAgeCheck(device, params.id));
  r.sync(e.getAgeCheck, ({ device, params }) => s.baskets.get(device, params.id).approval);
}
