import { useState } from 'react';
import type { FormEvent } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { qs } from '../api';
import { Card, ErrorNote, Section, Status } from '../components';
import { chartNumber, daysAgo, money, today, when } from '../format';
import { useApi } from '../hooks';
import { OrderDetail } from './OrderDetail';

interface Row {
  key: string;
  txn_count: string;
  items: string;
  value_minor: string;
  value_excl_tax_minor: string;
  items_scanned: string;
  average_basket_minor: string;
  average_basket_size: string;
}
interface SalesView {
  currency: string | null;
  totals: Omit<Row, 'key'>;
  by_store: (Row & { name: string })[];
  by_date: Row[];
  by_device: (Row & { store_id: string })[];
  by_payment_method: { method: string; txn_count: string; value_minor: string }[];
}
interface Kpis {
  scans: { total: number; failed: number; success_rate_pct: string | null };
  top_unknown_barcodes: { code: string; count: number }[];
  payments: {
    attempts: number;
    failures: number;
    failure_rate_pct: string | null;
    average_ms: number | null;
    by_reason: { reason: string; state: string; count: number }[];
  };
  age_checks: { sessions: number; approval_rate_pct: string | null; median_approval_seconds: number | null };
  refunds: { count: number; value_minor: string };
  cash_variances: {
    shift_id: string;
    device_id: string | null;
    staff_user_id: string;
    business_date: string;
    variance_minor: string;
  }[];
  baskets_abandoned: number;
}
interface OrderList {
  total: number;
  orders: {
    order_id: string;
    o_id: string;
    store_id: string;
    device_id: string;
    business_date: string;
    completed_at: string;
    total_minor: string;
    items_count: number;
    order_status: string;
    currency: string;
  }[];
}
interface Refunds {
  refunds: {
    event_id: string;
    refund_id: string;
    order_id: string;
    store_id: string;
    status: string;
    reason: string | null;
    total_minor: string;
    occurred_at: string;
  }[];
}
interface Stores {
  stores: { store_id: string; name: string; currency_exponent: number }[];
}

interface Filter {
  from: string;
  to: string;
  basis: 'business' | 'calendar';
  stores: string[];
  devices: string;
  include_demo: boolean;
}

export function SalesPage({ route }: { route: string[] }) {
  if (route[1] === 'order' && route[2]) return <OrderDetail orderId={decodeURIComponent(route[2])} />;
  return <SalesOverview />;
}

function SalesOverview() {
  const [draft, setDraft] = useState<Filter>({
    from: daysAgo(6),
    to: today(),
    basis: 'business',
    stores: [],
    devices: '',
    include_demo: true,
  });
  const [filter, setFilter] = useState<Filter>(draft);
  const [search, setSearch] = useState('');
  const [searchApplied, setSearchApplied] = useState('');
  const stores = useApi<Stores>('/stores');
  const exp = stores.data?.stores[0]?.currency_exponent ?? 2;
  const params = {
    from: filter.from,
    to: filter.to,
    basis: filter.basis,
    stores: filter.stores,
    devices: filter.devices,
    include_demo: filter.include_demo,
  };
  const sales = useApi<SalesView>(`/sales${qs(params)}`, 5000);
  const kpis = useApi<Kpis>(`/kpis${qs(params)}`, 15000);
  const orders = useApi<OrderList>(
    `/orders${qs({ from: filter.from, to: filter.to, stores: filter.stores, devices: filter.devices, q: searchApplied, limit: 25 })}`,
    5000,
  );
  const refunds = useApi<Refunds>(
    `/refunds${qs({ from: filter.from, to: filter.to, stores: filter.stores, limit: 25 })}`,
    15000,
  );
  const cur = sales.data?.currency ?? null;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
  };
  const t = sales.data?.totals;
  return (
    <>
      <h1>Sales</h1>
      <form className="filters" onSubmit={apply} aria-label="Sales filters">
        <div>
          <label htmlFor="f-from">From</label>
          <input
            id="f-from"
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            required
          />
        </div>
        <div>
          <label htmlFor="f-to">To</label>
          <input
            id="f-to"
            type="date"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            required
          />
        </div>
        <div>
          <label htmlFor="f-basis">Date basis</label>
          <select
            id="f-basis"
            value={draft.basis}
            onChange={(e) => setDraft({ ...draft, basis: e.target.value as Filter['basis'] })}
          >
            <option value="business">Business date</option>
            <option value="calendar">Calendar date</option>
          </select>
        </div>
        <div>
          <label htmlFor="f-stores">Stores</label>
          <select
            id="f-stores"
            multiple
            size={Math.min(4, Math.max(2, stores.data?.stores.length ?? 2))}
            value={draft.stores}
            onChange={(e) =>
              setDraft({ ...draft, stores: [...e.target.selectedOptions].map((o) => o.value) })
            }
          >
            {stores.data?.stores.map((s) => (
              <option key={s.store_id} value={s.store_id}>
                {s.name || s.store_id}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-devices">Devices (comma-separated)</label>
          <input
            id="f-devices"
            value={draft.devices}
            onChange={(e) => setDraft({ ...draft, devices: e.target.value })}
            placeholder="all devices"
          />
        </div>
        <div className="check">
          <input
            id="f-demo"
            type="checkbox"
            checked={draft.include_demo}
            onChange={(e) => setDraft({ ...draft, include_demo: e.target.checked })}
          />
          <label htmlFor="f-demo">Include demo stores</label>
        </div>
        <button type="submit" className="primary">
          Apply filters
        </button>
      </form>
      <ErrorNote message={sales.error} />
      <div className="cards" aria-live="polite">
        <Card label="Transactions" value={t?.txn_count ?? '…'} />
        <Card label="Sales incl. tax" value={t ? money(t.value_minor, exp, cur) : '…'} />
        <Card label="Sales excl. tax" value={t ? money(t.value_excl_tax_minor, exp, cur) : '…'} />
        <Card label="Average basket" value={t ? money(t.average_basket_minor, exp, cur) : '…'} />
        <Card label="Items per basket" value={t?.average_basket_size ?? '…'} />
        <Card label="Items scanned" value={t?.items_scanned ?? '…'} />
      </div>
      <div className="charts">
        <Section title="Sales by day">
          <div className="chart" role="img" aria-label="Bar chart of sales value and transactions per day">
            <ResponsiveContainer width="100%" height={240}>
              <ComposedChart
                data={(sales.data?.by_date ?? []).map((d) => ({
                  day: d.key,
                  value: chartNumber(d.value_minor, exp),
                  transactions: Number(d.txn_count),
                }))}
              >
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="day" />
                <YAxis yAxisId="v" />
                <YAxis yAxisId="n" orientation="right" />
                <Tooltip />
                <Legend />
                <Bar yAxisId="v" dataKey="value" name={`Sales (${cur ?? 'store currency'})`} fill="#1d4f91" />
                <Line yAxisId="n" dataKey="transactions" name="Transactions" stroke="#9a3412" />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
        </Section>
        <Section title="Payment methods">
          <div className="chart" role="img" aria-label="Bar chart of sales value per payment method">
            <ResponsiveContainer width="100%" height={240}>
              <BarChart
                data={(sales.data?.by_payment_method ?? []).map((p) => ({
                  method: p.method,
                  value: chartNumber(p.value_minor, exp),
                  count: Number(p.txn_count),
                }))}
              >
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="method" />
                <YAxis />
                <Tooltip />
                <Bar dataKey="value" name={`Value (${cur ?? ''})`} fill="#0f766e" />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Section>
      </div>
      <Section title="By store">
        <SalesTable
          rows={sales.data?.by_store ?? []}
          exp={exp}
          cur={cur}
          first="Store"
          label={(r) => (r as Row & { name: string }).name}
        />
      </Section>
      <Section title="By device">
        <SalesTable
          rows={sales.data?.by_device ?? []}
          exp={exp}
          cur={cur}
          first="Device"
          label={(r) => `${(r as Row & { store_id: string }).store_id} / ${r.key || '(none)'}`}
        />
      </Section>
      <Section title="Operational KPIs">
        <ErrorNote message={kpis.error} />
        {kpis.data && (
          <>
            <div className="cards">
              <Card
                label="Scan success"
                value={
                  kpis.data.scans.success_rate_pct === null ? '—' : `${kpis.data.scans.success_rate_pct} %`
                }
                hint={`${kpis.data.scans.failed} failed of ${kpis.data.scans.total}`}
              />
              <Card
                label="Payment failures"
                value={
                  kpis.data.payments.failure_rate_pct === null
                    ? '—'
                    : `${kpis.data.payments.failure_rate_pct} %`
                }
                hint={`${kpis.data.payments.failures} of ${kpis.data.payments.attempts} attempts${kpis.data.payments.average_ms ? `, average ${(kpis.data.payments.average_ms / 1000).toFixed(1)} s` : ''}`}
              />
              <Card
                label="Age checks"
                value={kpis.data.age_checks.sessions}
                hint={`${kpis.data.age_checks.approval_rate_pct ?? '—'} % approved, median ${kpis.data.age_checks.median_approval_seconds ?? '—'} s`}
              />
              <Card
                label="Refunds"
                value={kpis.data.refunds.count}
                hint={money(kpis.data.refunds.value_minor, exp, cur)}
              />
              <Card label="Baskets abandoned" value={kpis.data.baskets_abandoned} />
              <Card label="Cash variances" value={kpis.data.cash_variances.length} />
            </div>
            <div className="two">
              <div>
                <h3>Top unknown barcodes</h3>
                {kpis.data.top_unknown_barcodes.length === 0 ? (
                  <p className="muted">None.</p>
                ) : (
                  <ol>
                    {kpis.data.top_unknown_barcodes.map((b) => (
                      <li key={b.code}>
                        <code>{b.code}</code> — {b.count}
                      </li>
                    ))}
                  </ol>
                )}
              </div>
              <div>
                <h3>Payment failures by reason</h3>
                {kpis.data.payments.by_reason.length === 0 ? (
                  <p className="muted">None.</p>
                ) : (
                  <ul>
                    {kpis.data.payments.by_reason.map((r) => (
                      <li key={r.reason + r.state}>
                        {r.reason} ({r.state}) — {r.count}
                      </li>
                    ))}
                  </ul>
                )}
                <h3>Cash variances</h3>
                {kpis.data.cash_variances.length === 0 ? (
                  <p className="muted">None.</p>
                ) : (
                  <ul>
                    {kpis.data.cash_variances.map((c) => (
                      <li key={c.shift_id}>
                        {c.business_date} {c.device_id ?? ''} staff {c.staff_user_id}:{' '}
                        {money(c.variance_minor, exp, cur)}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
          </>
        )}
      </Section>
      <Section title="Orders">
        <form
          className="inline"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setSearchApplied(search.trim());
          }}
        >
          <label htmlFor="order-q">Find an order</label>
          <input
            id="order-q"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="order id, receipt number or barcode"
          />
          <button type="submit">Search</button>
        </form>
        <ErrorNote message={orders.error} />
        <p className="muted">{orders.data ? `${orders.data.total} order(s)` : 'Loading…'}</p>
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Orders matching the filters</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Store / device</th>
                <th scope="col">Completed</th>
                <th scope="col">Items</th>
                <th scope="col" className="num">
                  Total
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {orders.data?.orders.map((o) => (
                <tr key={o.order_id}>
                  <td>
                    <a href={`#/sales/order/${encodeURIComponent(o.order_id)}`}>{o.o_id ?? o.order_id}</a>
                  </td>
                  <td>
                    {o.store_id} / {o.device_id}
                  </td>
                  <td>{when(o.completed_at)}</td>
                  <td>{o.items_count}</td>
                  <td className="num">{money(o.total_minor, exp, o.currency)}</td>
                  <td>
                    <Status kind="ok">{o.order_status}</Status>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Refunds">
        {refunds.data && refunds.data.refunds.length === 0 ? (
          <p className="muted">No refunds in this range.</p>
        ) : (
          <ul className="list">
            {refunds.data?.refunds.map((r) => (
              <li key={r.event_id}>
                <Status kind={r.status === 'completed' ? 'ok' : 'bad'}>{r.status}</Status>{' '}
                {money(r.total_minor, exp, cur)} on order{' '}
                <a href={`#/sales/order/${encodeURIComponent(r.order_id)}`}>{r.order_id}</a> —{' '}
                {r.reason ?? 'no reason given'} <span className="muted">{when(r.occurred_at)}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}

function SalesTable({
  rows,
  exp,
  cur,
  first,
  label,
}: {
  rows: Row[];
  exp: number;
  cur: string | null;
  first: string;
  label: (r: Row) => string;
}) {
  if (rows.length === 0) return <p className="muted">No sales in this range.</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{first}</th>
            <th scope="col" className="num">
              Transactions
            </th>
            <th scope="col" className="num">
              Sales incl. tax
            </th>
            <th scope="col" className="num">
              Average basket
            </th>
            <th scope="col" className="num">
              Items per basket
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={label(r)}>
              <th scope="row">{label(r)}</th>
              <td className="num">{r.txn_count}</td>
              <td className="num">{money(r.value_minor, exp, cur)}</td>
              <td className="num">{money(r.average_basket_minor, exp, cur)}</td>
              <td className="num">{r.average_basket_size}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
