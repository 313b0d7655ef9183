import { HubError } from '../../platform/errors';
import type { HubRouter, Services } from '../../services';
import { pairEndpoint } from './schemas';

const wrongCode = (err: unknown): boolean => err instanceof HubError && err.code === 'PAIRING_CODE_INVALID';

export function clientRoutes(r: HubRouter, s: Services): void {
  r.async(pairEndpoint, ({ body, req }) =>
    s.security.guess(
      [
        [s.security.pairingAddress, req.ip ?? 'unknown'],
        [s.security.pairingAll, '*'],
      ],
      wrongCode,
      () => s.pairing.pair(body),
    ),
  );
}
