/**
 * Staff permissions (spec/store.md §1.1) and console modules (`role_tabs`). Browser-safe: the
 * console imports this to decide what to show, the hub to decide what to allow (the hub's answer
 * is the one that counts).
 */
export const PERMISSIONS = [
  'can_add',
  'can_edit',
  'can_delete',
  'can_refund',
  'allow_analytics',
  'hide_customer_info',
  'allow_settlement_report',
  'can_override_price',
  'can_approve_age',
  'can_import',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The console's modules, in menu order; a staff user's `role_tabs` lists the ones they see. */
export const CONSOLE_TABS = [
  'lanes',
  'interventions',
  'assistance',
  'orders',
  'refunds',
  'shifts',
  'exit_check',
  'devices',
  'audit',
  'sync',
] as const;
export type ConsoleTab = (typeof CONSOLE_TABS)[number];

/**
 * The original's tab names (§1.1) mapped onto ours, so staff records synced from HQ in the
 * original vocabulary keep working.
 */
const LEGACY_TABS: Record<string, readonly ConsoleTab[]> = {
  kiosk: ['lanes', 'interventions', 'assistance'],
  scan_and_go: ['orders'],
  mpos: ['shifts'],
  scan_receipt: ['orders', 'exit_check'],
  basket_verification: ['exit_check'],
  incomplete_orders_report: ['orders'],
  revenue_report: ['shifts'],
};

export function visibleTabs(roleTabs: readonly string[]): ConsoleTab[] {
  const set = new Set<ConsoleTab>();
  for (const t of roleTabs) {
    if ((CONSOLE_TABS as readonly string[]).includes(t)) set.add(t as ConsoleTab);
    for (const m of LEGACY_TABS[t] ?? []) set.add(m);
  }
  return CONSOLE_TABS.filter((t) => set.has(t));
}

/** Every staff action and the permission (or console module) it needs. */
export const ACTION_PERMISSION = {
  'intervention.decide_age': 'can_approve_age',
  'intervention.resolve': null,
  'assistance.add_line': 'can_add',
  'assistance.limit_override': 'can_edit',
  'assistance.manual_item': 'can_override_price',
  'assistance.change_quantity': 'can_edit',
  'assistance.remove_line': 'can_delete',
  'assistance.cancel_sale': 'can_delete',
  'assistance.price_override': 'can_override_price',
  'assistance.staff_discount': 'can_override_price',
  'assistance.tax_exemption': 'can_override_price',
  'refund.create': 'can_refund',
  'catalog.import': 'can_import',
} as const satisfies Record<string, Permission | null>;
export type StaffAction = keyof typeof ACTION_PERMISSION;

export interface StaffGrants {
  permissions: Partial<Record<string, boolean>>;
  role_tabs: readonly string[];
}

export const hasPermission = (s: StaffGrants, p: Permission): boolean => s.permissions[p] === true;

/** The permission a staff user lacks for an action, or null when it is allowed. */
export function missingPermission(s: StaffGrants, action: StaffAction): Permission | null {
  const p = ACTION_PERMISSION[action];
  return p === null || hasPermission(s, p) ? null : p;
}

export const canSeeTab = (s: StaffGrants, tab: ConsoleTab): boolean => visibleTabs(s.role_tabs).includes(tab);
