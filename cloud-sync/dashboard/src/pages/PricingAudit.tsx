import { useState } from 'react';
import { api } from '../api';
import { Card, ErrorNote, Section, Status } from '../components';
import { money, when } from '../format';
import { useApi } from '../hooks';

interface Audit {
  counts: { match: number; mismatch: number; unverifiable: number };
  findings: {
    order_id: string;
    store_id: string;
    business_date: string;
    checked_at: string;
    status: 'match' | 'mismatch' | 'unverifiable';
    data_version: string | null;
    reason: string;
    hub_total_minor: string | null;
    hq_total_minor: string | null;
    differences: { path: string; hub: unknown; hq: unknown }[];
  }[];
}

export function PricingAuditPage() {
  const [status, setStatus] = useState<'' | 'mismatch' | 'unverifiable' | 'match'>('');
  const { data, error, reload } = useApi<Audit>(`/pricing-audit${status ? `?status=${status}` : ''}`, 5000);
  const c = data?.counts;
  return (
    <>
      <div className="page-head">
        <h1>Pricing audit</h1>
        <button
          type="button"
          onClick={() => {
            void api('/pricing-audit/run', { method: 'POST', body: {} }).finally(reload);
          }}
        >
          Check new orders now
        </button>
      </div>
      <p className="muted">
        HQ re-prices every order it receives with the data version the store sold it under. Every figure
        should agree with the store&apos;s.
      </p>
      <ErrorNote message={error} />
      <div className="cards">
        <Card label="Orders that agree" value={c?.match ?? '…'} />
        <Card
          label="Orders that differ"
          value={c ? c.mismatch === 0 ? '0' : <span className="bad-text">{c.mismatch}</span> : '…'}
        />
        <Card label="Could not be checked" value={c?.unverifiable ?? '…'} />
      </div>
      <Section
        title="Findings"
        actions={
          <div className="inline">
            <label htmlFor="a-status">Show</label>
            <select id="a-status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
              <option value="">all</option>
              <option value="mismatch">differences only</option>
              <option value="unverifiable">not checkable</option>
              <option value="match">agreeing</option>
            </select>
          </div>
        }
      >
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Audited orders</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Store</th>
                <th scope="col">Checked</th>
                <th scope="col">Result</th>
                <th scope="col" className="num">
                  Hub total
                </th>
                <th scope="col" className="num">
                  HQ total
                </th>
                <th scope="col">What differs</th>
              </tr>
            </thead>
            <tbody>
              {data?.findings.length === 0 && (
                <tr>
                  <td colSpan={7}>No orders audited yet.</td>
                </tr>
              )}
              {data?.findings.map((f) => (
                <tr key={f.order_id}>
                  <td>
                    <a href={`#/sales/order/${encodeURIComponent(f.order_id)}`}>{f.order_id}</a>
                  </td>
                  <td>{f.store_id}</td>
                  <td>{when(f.checked_at)}</td>
                  <td>
                    {f.status === 'match' ? (
                      <Status kind="ok">agrees</Status>
                    ) : f.status === 'mismatch' ? (
                      <Status kind="bad">differs</Status>
                    ) : (
                      <Status kind="warn">not checkable</Status>
                    )}
                    {f.reason && <div className="small">{f.reason}</div>}
                  </td>
                  <td className="num">{money(f.hub_total_minor)}</td>
                  <td className="num">{money(f.hq_total_minor)}</td>
                  <td className="small">
                    {f.differences.slice(0, 4).map((d) => (
                      <div key={d.path}>
                        <code>{d.path}</code>: hub {JSON.stringify(d.hub)}, HQ {JSON.stringify(d.hq)}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
    </>
  );
}
