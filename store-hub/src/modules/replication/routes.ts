import { createHash } from 'node:crypto';
import { newId } from '../../platform/ids';
import { enqueueOutbox } from '../../outbox';
import type { HubRouter, Services } from '../../services';
import { replicationEndpoints as e } from './schemas';
import { pull, push, replicationInfo } from './service';

export function replicationRoutes(r: HubRouter, s: Services): void {
  r.sync(e.replicationInfo, () => replicationInfo());
  r.sync(e.replicationPull, ({ params, query, device }) =>
    pull(s.db, params.collection, query, device.device_id),
  );
  r.sync(e.replicationPush, ({ params, body, device }) => {
    const conflicts = push(s.db, params.collection, body, device.device_id);
    s.tx.afterCommit(s.notifyReplication);
    return conflicts;
  });
  // A kiosk's canonical JSON differed from the hub's for the same data version: staff see it at
  // once, HQ through the outbox (`alert`, code PRICING_MISMATCH). The JSON itself is kept as hashes
  // and the first differing offset; the kiosk shows the hub's figures meanwhile.
  r.sync(e.reportPricingMismatch, ({ body, device }) =>
    s.tx.run(() => {
      const a = body.kiosk_json;
      const b = body.hub_json;
      let at = 0;
      while (at < a.length && at < b.length && a[at] === b[at]) at++;
      const alert_id = newId();
      const sha = (x: string): string => createHash('sha256').update(x).digest('hex');
      const context = {
        alert_id,
        device_id: device.device_id,
        basket_id: body.basket_id,
        data_version: body.data_version,
        first_difference_at: at,
        kiosk_excerpt: a.slice(Math.max(0, at - 80), at + 120),
        hub_excerpt: b.slice(Math.max(0, at - 80), at + 120),
        kiosk_sha256: sha(a),
        hub_sha256: sha(b),
      };
      enqueueOutbox(s.db, s.store.config(), {
        type: 'alert',
        key: s.store.config().store_id,
        device_id: device.device_id,
        data: {
          code: 'PRICING_MISMATCH',
          severity: 'warning',
          message: 'a kiosk priced a basket differently from the hub for the same data version',
          context,
        },
      });
      s.tx.afterCommit(() => s.bus.emitTo('staff', 'alert', { code: 'PRICING_MISMATCH', ...context }));
      return { alert_id, first_difference_at: at };
    }),
  );
}
