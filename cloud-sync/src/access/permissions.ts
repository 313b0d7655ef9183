/**
 * What each HQ role may do. Checked on the server for every route (guard.ts); the dashboard
 * only uses the same table to hide buttons a person could not use anyway.
 */
import type { Role } from './schema';

export const PERMISSIONS = [
  'fleet.view',
  'sales.view',
  'publish',
  'testbench.run',
  'audit.view',
  'users.manage',
  'auditlog.view',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  merchandiser: ['fleet.view', 'sales.view', 'publish', 'testbench.run', 'audit.view'],
  analyst: ['fleet.view', 'sales.view', 'testbench.run', 'audit.view'],
  'store-ops': ['fleet.view', 'sales.view', 'audit.view'],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return [...GRANTS[role]];
}
