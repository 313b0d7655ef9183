/** Permission and module checks for console actions: 403 naming what is missing (§1.1). */
import { HubError } from '../../platform/errors';
import type { ConsoleTab, StaffAction } from './permissions';
import { ACTION_PERMISSION, canSeeTab, missingPermission } from './permissions';
import type { ConsoleUser } from './service';

export function requireAction(user: ConsoleUser, action: StaffAction): void {
  const p = missingPermission(user, action);
  if (p) throw new HubError('PERMISSION_DENIED', `this needs the permission ${p}`, { permission: p, action });
}

export function requireTab(user: ConsoleUser, tab: ConsoleTab): void {
  if (user.force_reset_pin)
    throw new HubError('PIN_RESET_REQUIRED', 'choose a new PIN before using the console');
  if (!canSeeTab(user, tab))
    throw new HubError('PERMISSION_DENIED', `the console module ${tab} is not in this user's role_tabs`, {
      permission: `role_tabs:${tab}`,
    });
}

export { ACTION_PERMISSION };
