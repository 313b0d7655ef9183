import type { HubRouter, Services } from '../../services';
import { replicationEndpoints as e } from './schemas';
import { pull, push } from './service';

export function replicationRoutes(r: HubRouter, s: Services): void {
  r.sync(e.replicationPull, ({ params, query }) => pull(s.db, params.collection, query));
  r.sync(e.replicationPush, ({ params, body }) => {
    const conflicts = push(s.db, params.collection, body);
    s.tx.afterCommit(s.notifyReplication);
    return conflicts;
  });
}
