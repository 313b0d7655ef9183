/**
 * Where a refund's money goes back (issue 12): to the order's card tenders, each up to what it
 * paid less what earlier refunds already took back from it, largest remaining first (ties: the
 * tender paid first). Largest-first is the default because it needs the fewest terminal refunds
 * — usually one — and every card refund is a chance to fail. What no card can take goes to cash
 * when the store allows cash, else the refund is refused. Staff may instead choose the split
 * themselves (a customer wants it back on a particular card): `checkSplit` says whether their
 * choice can be paid. Pure, bigint minor units.
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

/** One part of a split staff chose: a card tender of the order, or cash (`tenderId` null). */
export interface RequestedPart {
  tenderId: string | null;
  amount: bigint;
}

/** Why a split staff chose cannot be paid; the console turns each into a sentence. */
export type SplitProblem =
  | { kind: 'unknown_tender'; tenderId: string }
  | { kind: 'tender_twice'; tenderId: string | null }
  | { kind: 'over_tender'; tenderId: string; amount: bigint; left: bigint }
  | { kind: 'cash_not_allowed'; amount: bigint }
  | { kind: 'sum'; sum: bigint; amount: bigint };

export type CheckedSplit = { ok: true; parts: RefundPartPlan[] } | { ok: false; problems: SplitProblem[] };

/**
 * An explicit split (staff's choice instead of largest-first): every part at most what its
 * tender can still take back, cash only where the store allows it, each tender and cash at most
 * once, and the parts adding up to exactly the refund. Parts of 0 are dropped (a tender staff
 * left out). Every problem is reported, not just the first, so staff can fix them in one go.
 * Card parts keep the order staff gave; cash comes last (it is paid when the cards are done).
 */
export function checkSplit(
  amount: bigint,
  requested: readonly RequestedPart[],
  tenders: readonly TenderCapacity[],
  cashAllowed: boolean,
): CheckedSplit {
  const problems: SplitProblem[] = [];
  const seen = new Set<string | null>();
  const cards: RefundPartPlan[] = [];
  let cash = 0n;
  let sum = 0n;
  for (const p of requested) {
    if (seen.has(p.tenderId)) {
      problems.push({ kind: 'tender_twice', tenderId: p.tenderId });
      continue;
    }
    seen.add(p.tenderId);
    sum += p.amount;
    if (p.amount <= 0n) continue;
    if (p.tenderId === null) {
      if (!cashAllowed) problems.push({ kind: 'cash_not_allowed', amount: p.amount });
      cash = p.amount;
      continue;
    }
    const t = tenders.find((x) => x.tenderId === p.tenderId);
    if (!t) {
      problems.push({ kind: 'unknown_tender', tenderId: p.tenderId });
      continue;
    }
    const left = tenderLeft(t);
    if (p.amount > left) problems.push({ kind: 'over_tender', tenderId: p.tenderId, amount: p.amount, left });
    cards.push({ method: 'card', tenderId: p.tenderId, amount: p.amount });
  }
  if (sum !== amount) problems.push({ kind: 'sum', sum, amount });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    parts: cash > 0n ? [...cards, { method: 'cash', tenderId: null, amount: cash }] : cards,
  };
}
