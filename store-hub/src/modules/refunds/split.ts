/**
 * Where a refund's money goes back (issue 12): to the order's card tenders, each up to what it
 * paid less what earlier refunds already took back from it, largest remaining first (ties: the
 * tender paid first). Largest-first was chosen over "as staff choose" because it needs the
 * fewest terminal refunds — usually one — and every card refund is a chance to fail. What no card
 * can take goes to cash when the store allows cash, else the refund is refused. Pure, bigint
 * minor units.
 */

export interface TenderCapacity {
  tenderId: string;
  /** What the tender captured. */
  paid: bigint;
  /** Already refunded or in progress on this tender. */
  used: bigint;
}

export interface RefundPartPlan {
  method: 'card' | 'cash';
  tenderId: string | null;
  amount: bigint;
}

export type SplitResult = { ok: true; parts: RefundPartPlan[] } | { ok: false; cardsCanTake: bigint };

export const tenderLeft = (t: TenderCapacity): bigint => (t.paid > t.used ? t.paid - t.used : 0n);

export function splitRefund(
  amount: bigint,
  method: 'card' | 'cash',
  tenders: readonly TenderCapacity[],
  cashAllowed: boolean,
): SplitResult {
  if (amount <= 0n) return { ok: true, parts: [] };
  if (method === 'cash') return { ok: true, parts: [{ method: 'cash', tenderId: null, amount }] };
  // Stable sort: equal amounts keep the order the tenders were paid in.
  const order = tenders
    .map((t, i) => ({ t, i, left: tenderLeft(t) }))
    .filter((x) => x.left > 0n)
    .sort((a, b) => (a.left === b.left ? a.i - b.i : a.left > b.left ? -1 : 1));
  const parts: RefundPartPlan[] = [];
  let rest = amount;
  for (const { t, left } of order) {
    if (rest === 0n) break;
    const take = left < rest ? left : rest;
    parts.push({ method: 'card', tenderId: t.tenderId, amount: take });
    rest -= take;
  }
  if (rest > 0n) {
    if (!cashAllowed) return { ok: false, cardsCanTake: amount - rest };
    parts.push({ method: 'cash', tenderId: null, amount: rest });
  }
  return { ok: true, parts };
}
