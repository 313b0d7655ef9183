import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/api';
import type { OrderDetail, OrderSummary } from '../../api/api';
import { onLive } from '../../api/live';
import { go, href } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote, Money, Notice, useAction, useLoad } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';

const STATUSES = ['completed', 'verified', 'verification_failed', 'refunded', 'cancelled', 'created'];

/** Today in the store's time zone, as YYYY-MM-DD. */
export const storeToday = (timezone: string): string =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());

export function Orders({ arg }: { arg: string | null }) {
  const { t } = useI18n();
  const { store } = useSession();
  const today = storeToday(store?.timezone ?? 'UTC');
  const [filters, setFilters] = useState<Record<string, string>>({ from: today, to: today });
  const [applied, setApplied] = useState(filters);
  const { data, error, reload } = useLoad(() => api.orders(applied), [JSON.stringify(applied)]);
  // Older pages are appended below the first; a live change re-reads the first page and drops them.
  const [older, setOlder] = useState<{ orders: OrderSummary[]; next: string | null } | null>(null);
  useEffect(() => setOlder(null), [data]);
  useEffect(
    () =>
      onLive(
        [
          'order.completed',
          'order.verified',
          'order.verification_failed',
          'refund.completed',
          'refund.failed',
        ],
        () => reload(),
      ),
    [reload],
  );
  const more = useAction();
  const next = older ? older.next : (data?.next_cursor ?? null);
  const rows = [...(data?.orders ?? []), ...(older?.orders ?? [])];
  const find = useAction();
  const set = (k: string) => (e: { target: { value: string } }) =>
    setFilters({ ...filters, [k]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (filters.q?.trim()) {
      const o = await find.run(() => api.findOrder(filters.q!.trim()));
      if (o) go('orders', o.order_id);
      return;
    }
    setApplied(filters);
  };

  return (
    <section aria-labelledby="or-title">
      <h1 id="or-title">{t('or.title')}</h1>
      <form className="filters" onSubmit={submit}>
        <label className="field">
          <span>{t('or.search')}</span>
          <input value={filters.q ?? ''} onChange={set('q')} />
        </label>
        <label className="field">
          <span>{t('or.from')}</span>
          <input type="date" value={filters.from ?? ''} onChange={set('from')} />
        </label>
        <label className="field">
          <span>{t('or.to')}</span>
          <input type="date" value={filters.to ?? ''} onChange={set('to')} />
        </label>
        <label className="field">
          <span>{t('or.min')}</span>
          <input inputMode="decimal" value={filters.min ?? ''} onChange={set('min')} className="short" />
        </label>
        <label className="field">
          <span>{t('or.max')}</span>
          <input inputMode="decimal" value={filters.max ?? ''} onChange={set('max')} className="short" />
        </label>
        <label className="field">
          <span>{t('or.status')}</span>
          <select value={filters.status ?? ''} onChange={set('status')}>
            <option value="">{t('or.any')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('or.device')}</span>
          <input value={filters.device ?? ''} onChange={set('device')} className="short" />
        </label>
        <button type="submit" className="primary">
          {t('or.apply')}
        </button>
      </form>
      <ErrorNote error={error ?? find.error} />
      {arg && <Detail id={arg} />}
      {data && rows.length === 0 && <p>{t('or.empty')}</p>}
      {data && rows.length > 0 && (
        <table className="grid">
          <caption className="sr-only">{t('or.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('or.number')}</th>
              <th scope="col">{t('or.time')}</th>
              <th scope="col">{t('or.device')}</th>
              <th scope="col">{t('or.status')}</th>
              <th scope="col">{t('or.total')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.order_id}>
                <th scope="row">
                  <a href={href('orders', o.order_id)}>{o.o_id}</a>
                </th>
                <td>{new Date(o.completed_at ?? o.created_at).toLocaleString()}</td>
                <td>{o.retailer_device_id}</td>
                <td>{o.order_status}</td>
                <td>
                  <Money value={o.total} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button
          type="button"
          disabled={more.busy}
          onClick={() =>
            void more
              .run(() => api.orders({ ...applied, cursor: next }))
              .then(
                (p) =>
                  p && setOlder({ orders: [...(older?.orders ?? []), ...p.orders], next: p.next_cursor }),
              )
          }
        >
          {t('or.more')}
        </button>
      )}
      <ErrorNote error={more.error} />
    </section>
  );
}

function Detail({ id }: { id: string }) {
  const { t } = useI18n();
  const { can, user } = useSession();
  const { data, error } = useLoad(() => api.order(id), [id]);
  if (error) return <ErrorNote error={error} />;
  if (!data) return <p>{t('app.loading')}</p>;
  const refundTab = user?.role_tabs.includes('refunds') && can('can_refund');
  return (
    <article className="card detail" aria-labelledby="od-title">
      <h2 id="od-title">
        {t('or.detail', { n: data.o_id })} · {data.order_status} · <Money value={data.total} />
      </h2>
      <div className="columns">
        <div>
          <h3>{t('or.lines')}</h3>
          <table className="grid compact">
            <tbody>
              {data.lines.map((l) => (
                <tr key={l.line_id}>
                  <th scope="row">
                    {l.quantity} × {l.item_name}
                    {l.promotions.map((p, i) => (
                      <div key={i} className="muted">
                        {p.title}: −<Money value={p.discount} />
                      </div>
                    ))}
                  </th>
                  <td>
                    <Money value={l.payable} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.promotions.length > 0 && (
            <>
              <h3>{t('or.promotions')}</h3>
              <ul>
                {data.promotions.map((p, i) => (
                  <li key={i}>
                    {p.title}: −<Money value={p.discount} />
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('or.taxBreakup')}</h3>
          <ul>
            {data.tax_breakup.map((r, i) => (
              <li key={i}>
                {r.tax_level} {r.tax_percent}%: <Money value={r.tax_amount} /> (
                <Money value={r.taxable_amount} />)
              </li>
            ))}
          </ul>
          <h3>{t('or.tenders')}</h3>
          <ul>
            {data.tenders.map((x, i) => (
              <li key={i}>
                {x.method} {x.card_brand ?? ''} {x.card_last4 ? `•••• ${x.card_last4}` : ''}{' '}
                <Money value={x.amount} /> ({x.status})
              </li>
            ))}
          </ul>
          <h3>{t('or.verifications')}</h3>
          {data.verifications.length === 0 ? (
            <p className="muted">{t('or.noVerifications')}</p>
          ) : (
            <ul>
              {data.verifications.map((v, i) => (
                <li key={i}>
                  {v.outcome} — {v.staff} {new Date(v.at).toLocaleString()} {v.reason ?? ''}
                </li>
              ))}
            </ul>
          )}
          {refundTab && (
            <a className="button" href={href('refunds', data.order_id)}>
              {t('or.refund')}
            </a>
          )}
        </div>
        <div>
          <h3>{t('or.receipt')}</h3>
          {data.receipt_text && (
            <pre className="receipt" aria-label={t('or.receipt')} tabIndex={0}>
              {data.receipt_text}
            </pre>
          )}
          <Reprint order={data} />
        </div>
      </div>
    </article>
  );
}

function Reprint({ order }: { order: OrderDetail }) {
  const { t } = useI18n();
  const [printer, setPrinter] = useState(order.printers[0]?.device_id ?? '');
  const act = useAction();
  const [done, setDone] = useState<string | null>(null);
  if (!order.receipt_text || order.printers.length === 0) return null;
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        void act.run(() => api.reprint(order.order_id, printer)).then((r) => r && setDone(r.printer));
      }}
    >
      <label className="field">
        <span>{t('or.printer')}</span>
        <select value={printer} onChange={(e) => setPrinter(e.target.value)}>
          {order.printers.map((p) => (
            <option key={p.device_id} value={p.device_id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={act.busy}>
        {t('or.reprint')}
      </button>
      <ErrorNote error={act.error} />
      {done && <Notice>{t('or.reprinted', { printer: done })}</Notice>}
    </form>
  );
}
