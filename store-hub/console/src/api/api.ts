/** Typed calls to the hub's console endpoints (one function per endpoint). */
import { del, get, post, qs } from './http';
import type {
  AssistBasket,
  AuditEntry,
  CashReportRow,
  DeviceInfo,
  ExitLookup,
  InterventionQueue,
  Lane,
  OrderDetail,
  OrderSummary,
  Refundable,
  RefundRecord,
  Register,
  SessionInfo,
  Shift,
  SyncStatus,
} from './types';

export const api = {
  session: () => get<SessionInfo>('/v1/console/session'),
  signInPassword: (username: string, password: string) =>
    post<SessionInfo>('/v1/console/session', { username, password }),
  signInPin: (staff_id: string, pin: string) => post<SessionInfo>('/v1/console/session', { staff_id, pin }),
  signOut: () => del<{ signed_out: true }>('/v1/console/session'),
  resetPin: (current_pin: string, new_pin: string) =>
    post<SessionInfo>('/v1/console/session/pin', { current_pin, new_pin }),

  lanes: () => get<{ lanes: Lane[]; server_time: string }>('/v1/console/lanes'),

  interventions: () => get<InterventionQueue>('/v1/console/interventions'),
  decide: (id: string, decision: 'approve' | 'reject', reason?: string) =>
    post<unknown>(`/v1/console/interventions/${encodeURIComponent(id)}/decide`, { decision, reason }),
  resolve: (id: string, note?: string) =>
    post<unknown>(`/v1/console/interventions/${encodeURIComponent(id)}/resolve`, { note }),

  laneBasket: (deviceId: string) =>
    get<AssistBasket | null>(`/v1/console/lanes/${encodeURIComponent(deviceId)}/basket`),
  setQuantity: (b: AssistBasket, lineId: string, quantity: number) =>
    post<AssistBasket>(`/v1/console/baskets/${b.basket_id}/lines/${lineId}/quantity`, {
      quantity,
      basket_version: b.version,
    }),
  removeLine: (b: AssistBasket, lineId: string) =>
    post<AssistBasket>(`/v1/console/baskets/${b.basket_id}/lines/${lineId}/remove`, {
      basket_version: b.version,
    }),
  overridePrice: (
    b: AssistBasket,
    lineId: string,
    o: { new_unit_price?: string; percent_off?: string; reason: string },
  ) =>
    post<AssistBasket>(`/v1/console/baskets/${b.basket_id}/lines/${lineId}/price`, {
      ...o,
      basket_version: b.version,
    }),
  staffDiscount: (b: AssistBasket, percent_off: string, reason: string) =>
    post<AssistBasket>(`/v1/console/baskets/${b.basket_id}/staff-discount`, {
      percent_off,
      reason,
      basket_version: b.version,
    }),
  taxExempt: (b: AssistBasket, exempt: boolean, reason: string) =>
    post<AssistBasket>(`/v1/console/baskets/${b.basket_id}/tax-mode`, {
      exempt,
      reason,
      basket_version: b.version,
    }),
  searchItems: (q: string) =>
    get<{ items: { item_id: string; item_name: string; product_identifier: string; price: string }[] }>(
      `/v1/console/items${qs({ q })}`,
    ),
  addItem: (b: AssistBasket, code: string, quantity: number) =>
    post<AssistBasket>(`/v1/console/baskets/${b.basket_id}/lines`, { code, quantity }),
  cancelSale: (b: AssistBasket, reason: string) =>
    post<AssistBasket>(`/v1/console/baskets/${b.basket_id}/cancel`, { reason }),

  orders: (f: Record<string, string | undefined>) =>
    get<{ orders: OrderSummary[] }>(`/v1/console/orders${qs(f)}`),
  order: (id: string) => get<OrderDetail>(`/v1/console/orders/${encodeURIComponent(id)}`),
  findOrder: (q: string) => get<OrderSummary>(`/v1/console/orders/lookup${qs({ q })}`),
  reprint: (id: string, printer_device_id: string) =>
    post<{ printed: boolean; printer: string }>(`/v1/console/orders/${encodeURIComponent(id)}/reprint`, {
      printer_device_id,
    }),

  refundable: (orderId: string) =>
    get<Refundable>(`/v1/console/orders/${encodeURIComponent(orderId)}/refundable`),
  refund: (body: {
    order_id: string;
    lines: { line_id: string; quantity: number }[];
    method: 'card' | 'cash';
    reason: string;
  }) => post<RefundRecord>('/v1/console/refunds', body),

  refundPreview: (body: { order_id: string; lines: { line_id: string; quantity: number }[] }) =>
    post<{ amount: string; tax_amount: string; mode: 'F' | 'P' }>('/v1/console/refunds/preview', body),
  registers: () => get<{ registers: Register[] }>('/v1/console/registers'),
  currentShift: (deviceId: string) =>
    get<Shift | null>(`/v1/console/registers/${encodeURIComponent(deviceId)}/shift`),
  openShift: (device_id: string, denominations: Record<string, number>) =>
    post<Shift>('/v1/console/shifts', { device_id, denominations }),
  movement: (shiftId: string, kind: 'paid_in' | 'paid_out' | 'bank_drop', amount: string, reason: string) =>
    post<Shift>(`/v1/console/shifts/${shiftId}/movements`, { kind, amount, reason }),
  closeShift: (
    shiftId: string,
    end_denominations: Record<string, number>,
    removed_denominations: Record<string, number>,
  ) => post<Shift>(`/v1/console/shifts/${shiftId}/close`, { end_denominations, removed_denominations }),
  cashReport: (date: string) => get<{ rows: CashReportRow[] }>(`/v1/console/reports/cash${qs({ date })}`),

  exitLookup: (qr: string) => post<ExitLookup>('/v1/console/exit-checks/lookup', { qr }),
  verify: (orderId: string) => post<unknown>(`/v1/console/orders/${encodeURIComponent(orderId)}/verify`, {}),
  failVerification: (orderId: string, reason: string) =>
    post<unknown>(`/v1/console/orders/${encodeURIComponent(orderId)}/fail-verification`, { reason }),
  exitSettings: () => get<{ random_check_percent: string }>('/v1/console/settings/exit-checks'),
  saveExitSettings: (random_check_percent: string) =>
    post<{ random_check_percent: string }>('/v1/console/settings/exit-checks', { random_check_percent }),

  devices: () => get<{ devices: DeviceInfo[] }>('/v1/console/devices'),
  pairingCode: () => post<{ code: string; expires_at: string }>('/v1/console/pairing-codes', {}),
  revoke: (id: string, reason: string) => post<DeviceInfo>(`/v1/console/devices/${id}/revoke`, { reason }),
  testPrint: (id: string) => post<{ printed: boolean }>(`/v1/console/devices/${id}/test-print`, {}),
  terminalCheck: () => post<{ ok: boolean; ms: number }>('/v1/console/terminal-check', {}),

  audit: (f: Record<string, string | undefined>) =>
    get<{ entries: AuditEntry[] }>(`/v1/console/audit${qs(f)}`),
  sync: () => get<SyncStatus>('/v1/console/sync'),
};
