import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/api';
import type { Refundable, RefundPreview, RefundRecord } from '../../api/api';
import { HubApiError } from '../../api/hub';
import { go } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote, formatMoney, Money, Notice, useAction, useLoad } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';
import type { SplitProblem, SplitValues } from './SplitEditor';
import { CASH, normalizeAmount, SplitEditor } from './SplitEditor';
import { tenderName } from './split-text';

export function Refunds({ arg }: { arg: string | null }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const find = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const o = await find.run(() => api.findOrder(q.trim()));
    if (o) go('refunds', o.order_id);
  };
  return (
    <section aria-labelledby="rf-title">
      <h1 id="rf-title">{t('rf.title')}</h1>
      <form className="inline" onSubmit={submit}>
        <label className="field">
          <span>{t('rf.find')}</span>
          <input value={q} onChange={(e) => setQ(e.target.value)} required />
        </label>
        <button type="submit">{t('rf.open')}</button>
      </form>
      <ErrorNote error={find.error} />
      {/* Keyed: another order starts afresh (no “Refunded …” notice left from the last one). */}
      {arg && <RefundOrder key={arg} orderId={arg} />}
    </section>
  );
}

function RefundOrder({ orderId }: { orderId: string }) {
  const { t, lang } = useI18n();
  const { can, store } = useSession();
  const { data, error, reload } = useLoad(() => api.refundable(orderId), [orderId]);
  const order = useLoad(() => api.order(orderId), [orderId]);
  const [qty, setQty] = useState<Record<string, number>>({});
  const [method, setMethod] = useState<'card' | 'cash'>('card');
  const [reason, setReason] = useState('');
  const act = useAction();
  const [done, setDone] = useState<RefundRecord | null>(null);
  useEffect(() => setQty({}), [data]);
  const [preview, setPreview] = useState<RefundPreview | null>(null);
  // The hub's own proposal for these lines (largest-first), and staff's changes to it (null: none).
  const [proposal, setProposal] = useState<RefundPreview | null>(null);
  const [split, setSplit] = useState<SplitValues | null>(null);
  const [splitProblems, setSplitProblems] = useState<SplitProblem[]>([]);
  // Kept here: the held refund's panel goes away once the hub no longer holds it.
  const [finished, setFinished] = useState<string | null>(null);
  // A refund the hub answered as no longer held: its panel goes with that answer, not a moment
  // later with the order's re-read (no buttons left to press for a refund that is done).
  const [settled, setSettled] = useState<string | null>(null);
  const wanted = JSON.stringify(
    Object.entries(qty)
      .filter(([, n]) => n > 0)
      .map(([line_id, quantity]) => ({ line_id, quantity })),
  );
  // Other lines or another method make a new refund: the split starts again from the proposal.
  useEffect(() => setSplit(null), [wanted, method]);
  const exp = proposal ? decimals(proposal.amount) : 2;
  const splitBody =
    split === null
      ? null
      : Object.entries(split).map(([k, v]) => ({
          tender_id: k === CASH ? null : k,
          amount: normalizeAmount(v, exp),
        }));
  const splitBad = splitBody?.some((p) => p.amount === null) ?? false;
  const splitKey = splitBad ? 'bad' : splitBody ? JSON.stringify(splitBody) : '';
  // The hub computes the total and checks a split (the same code that will refund it); the page
  // only shows its answers.
  useEffect(() => {
    const lines = JSON.parse(wanted) as { line_id: string; quantity: number }[];
    if (lines.length === 0) {
      setProposal(null);
      return setPreview(null);
    }
    if (splitKey === 'bad') return setSplitProblems([]);
    const chosen = splitKey ? (JSON.parse(splitKey) as { tender_id: string | null; amount: string }[]) : null;
    let live = true;
    api.refundPreview({ order_id: orderId, lines, method, ...(chosen ? { split: chosen } : {}) }).then(
      (p) => {
        if (!live) return;
        setPreview(p);
        if (!chosen) setProposal(p);
        setSplitProblems([]);
      },
      (err: unknown) => {
        if (!live) return;
        const problems =
          chosen && err instanceof HubApiError && err.code === 'REFUND_SPLIT_INVALID'
            ? (err.details as { problems?: SplitProblem[] } | null)?.problems
            : undefined;
        if (problems) return setSplitProblems(problems);
        setPreview(null);
        setSplitProblems([]);
      },
    );
    return () => {
      live = false;
    };
  }, [wanted, orderId, method, splitKey]);
  const sign = store?.currency_sign ?? '';
  const partsText = (parts: RefundPreview['parts'], withStatus = false): string =>
    parts
      .map((p) => {
        const part =
          p.method === 'card'
            ? t('rf.part.card', { amount: formatMoney(sign, p.amount), card: tenderName(lang, p) })
            : t('rf.part.cash', { amount: formatMoney(sign, p.amount) });
        return withStatus && p.status !== 'REFUNDED' ? t(`rf.part.${p.status}`, { part }) : part;
      })
      .join(', ');
  if (error) return <ErrorNote error={error} />;
  if (!data) return <p>{t('app.loading')}</p>;
  const allowed = can('can_refund');
  const chosen = data.lines.filter((l) => (qty[l.line_id] ?? 0) > 0);
  const anything = data.lines.some((l) => l.refundable_quantity > 0);
  const cashAllowed = data.methods.includes('cash');
  const canSplit = method === 'card' && data.tenders.length > 0 && proposal !== null;
  const splitOk = !splitBad && splitProblems.length === 0;
  // The fields show the proposal until staff change one, then what they typed.
  const proposed: SplitValues = {};
  if (proposal) {
    const zero = asMoney(0n, exp);
    for (const t of data.tenders)
      proposed[t.tender_id] = proposal.parts.find((p) => p.tender_id === t.tender_id)?.amount ?? zero;
    if (cashAllowed) proposed[CASH] = proposal.parts.find((p) => p.method === 'cash')?.amount ?? zero;
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await act.run(() =>
      api.refund({
        order_id: orderId,
        lines: chosen.map((l) => ({ line_id: l.line_id, quantity: qty[l.line_id]! })),
        method,
        ...(canSplit && split !== null && splitBody
          ? { split: splitBody.map((p) => ({ tender_id: p.tender_id, amount: p.amount ?? '0' })) }
          : {}),
        reason,
      }),
    );
    if (r) {
      setSplit(null);
      setDone(r);
      reload();
      order.reload();
    }
  };

  const held = order.data?.refunds.filter((r) => isHeld(r) && r.refund_id !== settled) ?? [];
  return (
    <>
      {held.map((r) => (
        <HeldRefund
          key={r.refund_id}
          refund={r}
          cashAllowed={data.methods.includes('cash')}
          allowed={allowed}
          onDone={(r, action) => {
            if (!isHeld(r)) setSettled(r.refund_id);
            setFinished(
              r.status !== 'REFUNDED'
                ? t('rf.failed', { message: r.failure ?? r.status })
                : action === 'cancel'
                  ? t('rf.finishedCancelled', { amount: formatMoney(sign, r.amount) })
                  : t('rf.finished', { amount: formatMoney(sign, r.amount) }),
            );
            reload();
            order.reload();
          }}
        />
      ))}
      {finished && <Notice>{finished}</Notice>}
      <form onSubmit={submit} aria-labelledby="rfo-title" className="card">
        <h2 id="rfo-title">{t('or.detail', { n: data.o_id })}</h2>
        {!allowed && <Notice>{t('rf.noPermission')}</Notice>}
        {!anything && <p>{t('rf.nothing')}</p>}
        {!data.partial_allowed && <Notice>{t('rf.wholeOnly')}</Notice>}
        {data.return_window_days > 0 && (
          <p className="muted">{t('rf.window', { days: data.return_window_days })}</p>
        )}
        <table className="grid">
          <caption className="sr-only">{t('rf.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('as.item')}</th>
              <th scope="col">{t('rf.paidQty')}</th>
              <th scope="col">{t('rf.refundedQty')}</th>
              <th scope="col">{t('rf.inProgress')}</th>
              <th scope="col">{t('rf.refundable')}</th>
              <th scope="col">{t('rf.unitPaid')}</th>
              <th scope="col">{t('rf.unitTax')}</th>
              {allowed && <th scope="col">{t('rf.toRefund')}</th>}
            </tr>
          </thead>
          <tbody>
            {data.lines.map((l) => (
              <tr key={l.line_id} data-testid={`refund-line-${l.line_id}`}>
                <th scope="row">{l.name}</th>
                <td>{l.quantity}</td>
                <td>{l.refunded_quantity}</td>
                <td>{l.processing_quantity}</td>
                <td>
                  {l.refundable_quantity} (<Money value={l.refundable_amount} />)
                </td>
                <td>
                  <Money value={l.unit_paid} />
                </td>
                <td>
                  <Money value={l.unit_tax} />
                </td>
                {allowed && (
                  <td>
                    <input
                      type="number"
                      min={0}
                      max={l.refundable_quantity}
                      className="qty"
                      aria-label={`${t('rf.toRefund')} ${l.name}`}
                      value={qty[l.line_id] ?? 0}
                      disabled={l.refundable_quantity === 0}
                      onChange={(e) =>
                        setQty({
                          ...qty,
                          [l.line_id]: Math.max(
                            0,
                            Math.min(l.refundable_quantity, Number(e.target.value) || 0),
                          ),
                        })
                      }
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {allowed && anything && (
          <>
            <fieldset className="segmented">
              <legend>{t('rf.method')}</legend>
              {(data.methods as Refundable['methods']).map((m) => (
                <label key={m}>
                  <input type="radio" name="method" checked={method === m} onChange={() => setMethod(m)} />
                  {t(`rf.method.${m}`)}
                </label>
              ))}
            </fieldset>
            {canSplit && (
              <SplitEditor
                tenders={data.tenders}
                cashAllowed={cashAllowed}
                values={split ?? proposed}
                edited={split !== null}
                problems={splitProblems}
                total={proposal.amount}
                onChange={(key, value) => setSplit({ ...(split ?? proposed), [key]: value })}
                onReset={() => setSplit(null)}
              />
            )}
            <label className="field">
              <span>{t('rf.reason')}</span>
              <input value={reason} onChange={(e) => setReason(e.target.value)} required />
            </label>
            {preview && (
              <p role="status" data-testid="refund-preview">
                {t('rf.total', {
                  amount: formatMoney(store?.currency_sign ?? '', preview.amount),
                  tax: formatMoney(store?.currency_sign ?? '', preview.tax_amount),
                })}{' '}
                —{' '}
                {preview.parts.length > 0 && splitOk
                  ? t('rf.parts', { parts: partsText(preview.parts) })
                  : t(`rf.method.${method}`)}
              </p>
            )}
            <button
              type="submit"
              className="primary"
              disabled={act.busy || chosen.length === 0 || (canSplit && !splitOk)}
            >
              {t('rf.submit', {
                amount: preview ? formatMoney(store?.currency_sign ?? '', preview.amount) : '',
              })}
            </button>
          </>
        )}
        <ErrorNote error={act.error} />
        {done && (
          <Notice>
            {done.status === 'REFUNDED'
              ? t('rf.done', { amount: formatMoney(store?.currency_sign ?? '', done.amount) })
              : t('rf.failed', { message: done.failure ?? done.status })}
          </Notice>
        )}
        {order.data && order.data.refunds.length > 0 && (
          <>
            <h3>{t('rf.history')}</h3>
            <ul data-testid="refund-history">
              {order.data.refunds.map((r) => {
                // Per tender from the refundable answer: the order's record names a card by brand
                // and last digits only, which two cards can share.
                const parts = data.refund_parts.filter((p) => p.refund_id === r.refund_id);
                // A finished refund names where money went; retried or replaced failed parts are history.
                const shown = r.status === 'REFUNDED' ? parts.filter((p) => p.status === 'REFUNDED') : parts;
                return (
                  <li key={r.refund_id} data-testid={`refund-history-${r.refund_id}`}>
                    {new Date(r.created_at).toLocaleString()} · {r.status} · {r.method} ·{' '}
                    <Money value={r.amount} /> ({t('as.tax')} <Money value={r.tax_amount} />)
                    {shown.length > 0 && <> · {partsText(shown, r.status !== 'REFUNDED')}</>}
                    {r.failure && <> · {r.failure}</>}
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </form>
    </>
  );
}

/** Held by the hub: some parts paid back, a later card declined (failure "incomplete: …"). */
const isHeld = (r: RefundRecord): boolean =>
  r.status === 'PROCESSING' &&
  (r.failure ?? '').startsWith('incomplete:') &&
  !r.parts.some((p) => p.status === 'PROCESSING' && p.method === 'card');

// Amounts arrive as decimal strings in the store's exponent; sums are done in minor units.
const minor = (s: string): bigint => BigInt(s.replace('.', ''));
const decimals = (s: string): number => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0);
const asMoney = (v: bigint, exp: number): string => {
  if (exp === 0) return v.toString();
  const d = v.toString().padStart(exp + 1, '0');
  return `${d.slice(0, -exp)}.${d.slice(-exp)}`;
};

function HeldRefund({
  refund,
  cashAllowed,
  allowed,
  onDone,
}: {
  refund: RefundRecord;
  cashAllowed: boolean;
  allowed: boolean;
  onDone: (r: RefundRecord, action: 'retry' | 'cash' | 'cancel') => void;
}) {
  const { t } = useI18n();
  const { store } = useSession();
  const sign = store?.currency_sign ?? '';
  const [reason, setReason] = useState('');
  const act = useAction();
  const exp = decimals(refund.amount);
  const paid = refund.parts.filter((p) => p.status === 'REFUNDED').reduce((a, p) => a + minor(p.amount), 0n);
  const rest = minor(refund.amount) - paid;
  const finish = async (action: 'retry' | 'cash' | 'cancel') => {
    const r = await act.run(() => api.finishRefund(refund.refund_id, { action, reason }));
    if (r) onDone(r, action);
  };
  const id = `held-${refund.refund_id}`;
  return (
    <section className="card" aria-labelledby={id} data-testid="held-refund">
      <h2 id={id}>
        {t('rf.held', {
          paid: formatMoney(sign, asMoney(paid, exp)),
          rest: formatMoney(sign, asMoney(rest, exp)),
        })}
      </h2>
      {allowed ? (
        <form className="inline" onSubmit={(e) => e.preventDefault()}>
          <label className="field">
            <span>{t('rf.heldReason')}</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} required />
          </label>
          <button type="button" disabled={act.busy || !reason.trim()} onClick={() => void finish('retry')}>
            {t('rf.finish.retry')}
          </button>
          {cashAllowed && (
            <button type="button" disabled={act.busy || !reason.trim()} onClick={() => void finish('cash')}>
              {t('rf.finish.cash')}
            </button>
          )}
          <button type="button" disabled={act.busy || !reason.trim()} onClick={() => void finish('cancel')}>
            {t('rf.finish.cancel')}
          </button>
        </form>
      ) : (
        <Notice>{t('rf.noPermission')}</Notice>
      )}
      <ErrorNote error={act.error} />
    </section>
  );
}
