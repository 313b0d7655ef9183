import { HubError } from '../../platform/errors';
import type { HubRouter, Services } from '../../services';
import { staffEndpoints } from './schemas';

const wrongPin = (err: unknown): boolean => err instanceof HubError && err.code === 'STAFF_LOGIN_FAILED';

export function staffRoutes(r: HubRouter, s: Services): void {
  r.async(staffEndpoints.staffLogin, ({ body, req }) =>
    s.security.guess(
      [
        [s.security.staffAccount, body.username.toLowerCase()],
        [s.security.staffAddress, req.ip ?? 'unknown'],
      ],
      wrongPin,
      () => s.staff.login(body),
    ),
  );
  r.sync(staffEndpoints.createPairingCode, () => s.pairing.createCode());
}
