import { HubError } from '../../platform/errors';
import { reply } from '../../platform/http/router';
import type { HubRouter, Services } from '../../services';
import { importDoc } from './import';
import type { ImportDoc } from './import';
import { catalogEndpoints as e } from './schemas';

export function catalogRoutes(r: HubRouter, s: Services): void {
  r.sync(e.health, () => ({ ok: true, pricing_engine: 'promo-core', configured: s.store.hasConfig() }));
  r.async(e.importCatalog, async ({ staff, body }) => {
    if (!staff.permissions.can_import)
      throw new HubError('PERMISSION_DENIED', 'this staff user may not import');
    const report = await importDoc(s.db, body as ImportDoc, '(request)', { staff, via: 'api' });
    // Built off the request path (kiosks keep scanning); the importer hears back once it is live.
    if (report.applied) await s.store.refresh();
    s.notifyReplication();
    return reply(report.applied ? 200 : 422, report);
  });
}
