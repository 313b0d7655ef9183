import { describe, expect, it } from 'vitest';
import {
  ACTION_PERMISSION,
  canSeeTab,
  missingPermission,
  visibleTabs,
} from '../../src/modules/console-auth/permissions';

describe('permissions and role tabs (§1.1)', () => {
  it('names the missing permission of an action', () => {
    const clerk = { permissions: { can_approve_age: true }, role_tabs: ['lanes'] };
    expect(missingPermission(clerk, 'refund.create')).toBe('can_refund');
    expect(missingPermission(clerk, 'intervention.decide_age')).toBeNull();
    expect(missingPermission(clerk, 'intervention.resolve')).toBeNull();
    for (const action of Object.keys(ACTION_PERMISSION) as Array<keyof typeof ACTION_PERMISSION>) {
      expect(missingPermission({ permissions: {}, role_tabs: [] }, action)).toBe(ACTION_PERMISSION[action]);
    }
  });

  it('maps role tabs to modules in menu order, legacy names included', () => {
    expect(visibleTabs(['sync', 'lanes', 'nonsense'])).toEqual(['lanes', 'sync']);
    expect(visibleTabs(['kiosk', 'basket_verification'])).toEqual([
      'lanes',
      'interventions',
      'assistance',
      'exit_check',
    ]);
    expect(canSeeTab({ permissions: {}, role_tabs: ['refunds'] }, 'refunds')).toBe(true);
    expect(canSeeTab({ permissions: {}, role_tabs: ['refunds'] }, 'devices')).toBe(false);
  });
});
