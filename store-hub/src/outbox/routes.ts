import type { HubRouter, Services } from '../services';
import { outboxStatus, readOutbox } from './index';
import { currentSyncStatus } from '../sync';
import { outboxEndpoints as e } from './schemas';

export function outboxRoutes(r: HubRouter, s: Services): void {
  r.sync(e.syncStatus, () => ({
    ...outboxStatus(s.db),
    sync: (currentSyncStatus() as Record<string, unknown> | null) ?? null,
  }));
  r.sync(e.readOutbox, ({ query }) => readOutbox(s.db, query.after, query.limit));
}
