/**
 * The console's calls, each one endpoint of the typed client (no URLs or answer shapes here:
 * inputs and answers come from the hub's zod schemas through @kassa/store-hub/client).
 */
import type { CallInput, CallOutput, EndpointId, Endpoints } from '@kassa/store-hub/client';
import { hub } from './hub';

type Out<K extends EndpointId> = CallOutput<Endpoints[K]>;
type Query<K extends EndpointId> = NonNullable<
  CallInput<Endpoints[K]> extends { query?: infer Q } ? Q : never
>;

export type SessionInfo = Out<'consoleSession'>;
export type StaffUser = SessionInfo['user'];
export type Lane = Out<'consoleLanes'>['lanes'][number];
export type Intervention = Out<'consoleInterventions'>['open'][number];
export type AssistBasket = NonNullable<Out<'consoleLaneBasket'>>;
export type BasketLine = AssistBasket['lines'][number];
export type OrderSummary = Out<'consoleOrderLookup'>;
export type OrderDetail = Out<'consoleOrder'>;
export type Refundable = Out<'consoleRefundable'>;
export type RefundRecord = Out<'consoleRefund'>;
export type RefundPreview = Out<'consoleRefundPreview'>;
export type Shift = NonNullable<Out<'consoleCurrentShift'>>;
export type ExitLookup = Out<'consoleExitLookup'>;
export type DeviceInfo = Out<'consoleDevices'>['devices'][number];
export type RefundLines = CallInput<Endpoints['consoleRefund']>['body']['lines'];

/** Filters from a form: an empty field means "not filtered", not "equal to ''". */
const filled = <T extends Record<string, unknown>>(f: Record<string, string | undefined>): T =>
  Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as T;

/** The basket edits name the version the staff member saw, so a concurrent change is refused. */
const seen = (b: AssistBasket) => ({ basket_version: b.version });

export const api = {
  session: () => hub.consoleSession(),
  signInPassword: (username: string, password: string) => hub.consoleSignIn({ body: { username, password } }),
  signInPin: (staff_id: string, pin: string) => hub.consoleSignIn({ body: { staff_id, pin } }),
  signOut: () => hub.consoleSignOut(),
  resetPin: (current_pin: string, new_pin: string) => hub.consoleResetPin({ body: { current_pin, new_pin } }),

  lanes: () => hub.consoleLanes(),

  interventions: () => hub.consoleInterventions(),
  decide: (id: string, decision: 'approve' | 'reject', reason?: string) =>
    hub.consoleDecide({ params: { id }, body: { decision, reason } }),
  resolve: (id: string, note?: string) => hub.consoleResolve({ params: { id }, body: { note } }),

  laneBasket: (deviceId: string) => hub.consoleLaneBasket({ params: { id: deviceId } }),
  setQuantity: (b: AssistBasket, lineId: string, quantity: number) =>
    hub.consoleSetQuantity({ params: { id: b.basket_id, lineId }, body: { quantity, ...seen(b) } }),
  removeLine: (b: AssistBasket, lineId: string) =>
    hub.consoleRemoveLine({ params: { id: b.basket_id, lineId }, body: seen(b) }),
  overridePrice: (
    b: AssistBasket,
    lineId: string,
    o: { new_unit_price?: string; percent_off?: string; reason: string },
  ) => hub.consoleOverridePrice({ params: { id: b.basket_id, lineId }, body: { ...o, ...seen(b) } }),
  staffDiscount: (b: AssistBasket, percent_off: string, reason: string) =>
    hub.consoleStaffDiscount({ params: { id: b.basket_id }, body: { percent_off, reason, ...seen(b) } }),
  taxExempt: (b: AssistBasket, exempt: boolean, reason: string) =>
    hub.consoleTaxMode({ params: { id: b.basket_id }, body: { exempt, reason, ...seen(b) } }),
  searchItems: (q: string) => hub.consoleSearchItems({ query: { q } }),
  addItem: (b: AssistBasket, code: string, quantity: number) =>
    hub.consoleAddItem({ params: { id: b.basket_id }, body: { code, quantity } }),
  limitOverride: (b: AssistBasket, code: string, quantity: number, reason: string) =>
    hub.consoleLimitOverride({ params: { id: b.basket_id }, body: { code, quantity, reason, ...seen(b) } }),
  addManualItem: (
    b: AssistBasket,
    o: { code: string; item_name: string; unit_price: string; quantity: number; reason: string },
  ) => hub.consoleAddManualItem({ params: { id: b.basket_id }, body: { ...o, ...seen(b) } }),
  cancelSale: (b: AssistBasket, reason: string) =>
    hub.consoleCancelSale({ params: { id: b.basket_id }, body: { reason } }),

  orders: (f: Record<string, string | undefined>) =>
    hub.consoleOrders({ query: filled<Query<'consoleOrders'>>(f) }),
  order: (id: string) => hub.consoleOrder({ params: { id } }),
  findOrder: (q: string) => hub.consoleOrderLookup({ query: { q } }),
  reprint: (id: string, printer_device_id: string) =>
    hub.consoleReprint({ params: { id }, body: { printer_device_id } }),

  refundable: (orderId: string) => hub.consoleRefundable({ params: { id: orderId } }),
  refund: (body: CallInput<Endpoints['consoleRefund']>['body']) => hub.consoleRefund({ body }),
  finishRefund: (id: string, body: CallInput<Endpoints['consoleRefundFinish']>['body']) =>
    hub.consoleRefundFinish({ params: { id }, body }),
  refundPreview: (body: CallInput<Endpoints['consoleRefundPreview']>['body']) =>
    hub.consoleRefundPreview({ body }),

  registers: () => hub.consoleRegisters(),
  currentShift: (deviceId: string) => hub.consoleCurrentShift({ params: { id: deviceId } }),
  openShift: (device_id: string, denominations: Record<string, number>) =>
    hub.consoleOpenShift({ body: { device_id, denominations } }),
  movement: (shiftId: string, kind: 'paid_in' | 'paid_out' | 'bank_drop', amount: string, reason: string) =>
    hub.consoleShiftMovement({ params: { id: shiftId }, body: { kind, amount, reason } }),
  closeShift: (
    shiftId: string,
    end_denominations: Record<string, number>,
    removed_denominations: Record<string, number>,
  ) => hub.consoleCloseShift({ params: { id: shiftId }, body: { end_denominations, removed_denominations } }),
  cashReport: (date: string, cursor?: string) =>
    hub.consoleCashReport({ query: { date, ...(cursor ? { cursor } : {}) } }),

  exitLookup: (qr: string) => hub.consoleExitLookup({ body: { qr } }),
  verify: (orderId: string) => hub.consoleVerify({ params: { id: orderId }, body: {} }),
  failVerification: (orderId: string, reason: string) =>
    hub.consoleFailVerification({ params: { id: orderId }, body: { reason } }),
  exitSettings: () => hub.consoleExitSettings(),
  saveExitSettings: (random_check_percent: string) =>
    hub.consoleSaveExitSettings({ body: { random_check_percent } }),

  devices: () => hub.consoleDevices(),
  pairingCode: () => hub.consolePairingCode(),
  revoke: (id: string, reason: string) => hub.consoleRevokeDevice({ params: { id }, body: { reason } }),
  testPrint: (id: string) => hub.consoleTestPrint({ params: { id } }),
  terminalCheck: () => hub.consoleTerminalCheck(),

  audit: (f: Record<string, string | undefined>) =>
    hub.consoleAudit({ query: filled<Query<'consoleAudit'>>(f) }),
  sync: () => hub.consoleSync(),
};
