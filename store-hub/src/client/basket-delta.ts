/**
 * Applying the hub's small basket answers (the `…Delta` endpoints, issue 8 §3). A delta says
 * which version it starts from; applied to any other version it would silently drop a change,
 * so it is refused (null) and the caller fetches the whole basket instead — `nextBasket` does
 * exactly that. Browser-safe: types only.
 */
import type { Basket, BasketDelta } from '../modules/baskets/schemas';

type PricedLine = NonNullable<Basket['priced']['lines']>[number];

/** The basket after `delta`, or null when `delta` does not start from `basket`'s version. */
export function applyBasketDelta(basket: Basket, delta: BasketDelta): Basket | null {
  if (basket.basket_id !== delta.basket_id || basket.version !== delta.base_version) return null;
  const byId = new Map<string, PricedLine>((basket.priced.lines ?? []).map((l) => [l.line_id, l]));
  for (const l of delta.changed_lines) byId.set(l.line_id, l);
  const lines: PricedLine[] = [];
  for (const id of delta.line_ids) {
    const l = byId.get(id);
    if (!l) return null; // a line the client never saw: its view is not the base version
    lines.push(l);
  }
  return {
    basket_id: delta.basket_id,
    device_id: basket.device_id,
    session_id: basket.session_id,
    state: delta.state,
    version: delta.version,
    requires_approval: delta.requires_approval,
    approval: delta.approval,
    pricing_error: delta.pricing_error,
    priced: { ...delta.priced, lines },
    updated_at: delta.updated_at,
  };
}

/**
 * The newest basket given what the client holds and what just arrived (a delta answer or a
 * `basket.updated` event): older news is ignored, a delta that does not follow on is a gap and
 * `refetch` (GET /v1/baskets/{id}) fills it.
 */
export async function nextBasket(
  current: Basket | null,
  incoming: { delta: BasketDelta } | { basket: Basket },
  refetch: (basketId: string) => Promise<Basket>,
): Promise<Basket> {
  if ('basket' in incoming) {
    const b = incoming.basket;
    return current && current.basket_id === b.basket_id && current.version > b.version ? current : b;
  }
  const d = incoming.delta;
  if (current && current.basket_id === d.basket_id && current.version >= d.version) return current;
  const applied = current ? applyBasketDelta(current, d) : null;
  return applied ?? refetch(d.basket_id);
}

/** A 'basket.version' notice says the basket moved past what the client holds: re-fetch it. */
export function basketIsStale(
  current: Basket | null,
  notice: { basket_id: string; version: number },
): boolean {
  return current !== null && current.basket_id === notice.basket_id && notice.version > current.version;
}
