import { useEffect, useState } from 'react';
import { ApiFailure, api } from '../api';
import type { Me } from '../App';
import { Card, ErrorNote, Section, Status } from '../components';
import { daysAgo, money, signedMoney, today } from '../format';
import { useApi } from '../hooks';

interface Stores {
  stores: { store_id: string; name: string; currency: string; currency_exponent: number }[];
}
interface LineSide {
  payable_minor: string;
  discount_minor: string;
  promotions: string[];
}
interface Report {
  baskets: number;
  baskets_changed: number;
  skipped: { order_id: string; reason: string }[];
  currency_exponent: number;
  live_total_minor: string;
  draft_total_minor: string;
  revenue_delta_minor: string;
  margin_delta_minor: string;
  discount_delta_minor: string;
  promotions: {
    promo_id: string;
    title: string;
    baskets_live: number;
    baskets_draft: number;
    discount_live_minor: string;
    discount_draft_minor: string;
    discount_delta_minor: string;
  }[];
  most_changed: {
    order_id: string;
    store_id: string;
    business_date: string;
    live_total_minor: string;
    draft_total_minor: string;
    delta_minor: string;
    lines: {
      line_id: string;
      item_name: string;
      quantity: number;
      live: LineSide | null;
      draft: LineSide | null;
    }[];
  }[];
}
interface Run {
  run_id: string;
  status: 'queued' | 'running' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number;
  result: Report | null;
  error: { message: string } | null;
}

export function TestBenchPage({ me }: { me: Me }) {
  void me;
  const stores = useApi<Stores>('/stores');
  const [storeIds, setStoreIds] = useState<string[]>([]);
  const [from, setFrom] = useState(daysAgo(6));
  const [to, setTo] = useState(today());
  const [source, setSource] = useState<'edited_live' | 'upload'>('edited_live');
  const [draftText, setDraftText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<{ path: string; message: string }[]>([]);
  const [run, setRun] = useState<Run | null>(null);
  const first = storeIds[0] ?? stores.data?.stores[0]?.store_id;
  const cur = stores.data?.stores.find((s) => s.store_id === first)?.currency ?? '';

  useEffect(() => {
    if (stores.data && storeIds.length === 0 && stores.data.stores[0])
      setStoreIds([stores.data.stores[0].store_id]);
  }, [stores.data, storeIds.length]);

  const loadLive = async () => {
    if (!first) return;
    setError(null);
    try {
      const live = await api<{ promotions: unknown[]; versions: { promotions?: number } }>(
        `/publishing/live?store_id=${encodeURIComponent(first)}`,
      );
      setDraftText(JSON.stringify(live.promotions, null, 2));
    } catch (e) {
      setError(e instanceof ApiFailure ? e.message : String(e));
    }
  };

  useEffect(() => {
    if (!run || (run.status !== 'running' && run.status !== 'queued')) return;
    const t = setInterval(() => {
      api<Run>(`/testbench/runs/${run.run_id}`)
        .then(setRun)
        .catch(() => undefined);
    }, 400);
    return () => clearInterval(t);
  }, [run]);

  const start = async () => {
    setError(null);
    setIssues([]);
    let promotions: unknown;
    try {
      promotions = JSON.parse(draftText);
    } catch {
      setError('The draft promotion set is not valid JSON. Check the brackets and commas and try again.');
      return;
    }
    if (!Array.isArray(promotions)) {
      setError('The draft promotion set must be a list of promotions.');
      return;
    }
    try {
      const r = await api<Run>('/testbench/runs', {
        method: 'POST',
        body: { store_ids: storeIds, from, to, draft: { source, promotions } },
      });
      setRun({ ...r, result: null, error: null });
    } catch (e) {
      setError(e instanceof ApiFailure ? e.message : String(e));
      if (e instanceof ApiFailure && Array.isArray(e.details.issues))
        setIssues(e.details.issues as { path: string; message: string }[]);
    }
  };
  const cancel = async () => {
    if (!run) return;
    await api(`/testbench/runs/${run.run_id}/cancel`, { method: 'POST', body: {} }).catch((e: unknown) =>
      setError(e instanceof ApiFailure ? e.message : String(e)),
    );
    setRun(await api<Run>(`/testbench/runs/${run.run_id}`));
  };
  const busy = run?.status === 'running' || run?.status === 'queued';
  const r = run?.result ?? null;
  const exp = r?.currency_exponent ?? 2;
  const pct = run && run.total > 0 ? Math.round((run.done / run.total) * 100) : 0;
  return (
    <>
      <h1>Promotion test bench</h1>
      <p className="muted">
        Replays past orders through the pricing engine with the live promotions and with your draft, at each
        order&apos;s original time, and shows what would have changed.
      </p>
      <Section title="Draft and orders">
        <div className="filters">
          <div>
            <label htmlFor="b-stores">Stores</label>
            <select
              id="b-stores"
              multiple
              size={3}
              value={storeIds}
              onChange={(e) => setStoreIds([...e.target.selectedOptions].map((o) => o.value))}
            >
              {stores.data?.stores.map((s) => (
                <option key={s.store_id} value={s.store_id}>
                  {s.name || s.store_id}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="b-from">Orders from</label>
            <input id="b-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div>
            <label htmlFor="b-to">to</label>
            <input id="b-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
          <fieldset>
            <legend>Draft promotion set</legend>
            <div className="check">
              <input
                id="b-src-live"
                type="radio"
                name="src"
                checked={source === 'edited_live'}
                onChange={() => setSource('edited_live')}
              />
              <label htmlFor="b-src-live">Edit a copy of the live set</label>
            </div>
            <div className="check">
              <input
                id="b-src-up"
                type="radio"
                name="src"
                checked={source === 'upload'}
                onChange={() => setSource('upload')}
              />
              <label htmlFor="b-src-up">Upload a file</label>
            </div>
          </fieldset>
          {source === 'edited_live' ? (
            // Off until the store list has loaded: before that there is no live set to copy,
            // and a click that silently did nothing would look broken.
            <button type="button" disabled={!first} onClick={() => void loadLive()}>
              {first ? 'Copy the live set' : 'Loading stores…'}
            </button>
          ) : (
            <div>
              <label htmlFor="b-file">Promotions file (JSON)</label>
              <input
                id="b-file"
                type="file"
                accept=".json,application/json"
                onChange={async (e) => setDraftText((await e.target.files?.[0]?.text()) ?? '')}
              />
            </div>
          )}
        </div>
        <label htmlFor="b-draft">Draft promotions (JSON, the same format as a promotions upload)</label>
        <textarea
          id="b-draft"
          className="code"
          rows={12}
          value={draftText}
          onChange={(e) => setDraftText(e.target.value)}
          spellCheck={false}
        />
        <div className="actions">
          <button
            type="button"
            className="primary"
            onClick={() => void start()}
            disabled={busy || storeIds.length === 0 || draftText.trim() === ''}
          >
            Run the test bench
          </button>
          <button type="button" onClick={() => void cancel()} disabled={!busy}>
            Cancel
          </button>
        </div>
        <ErrorNote message={error} />
        {issues.length > 0 && (
          <ul className="error-list">
            {issues.slice(0, 20).map((i, k) => (
              <li key={k}>
                <code>{i.path}</code>: {i.message}
              </li>
            ))}
          </ul>
        )}
        {run && (
          <div className="progress-box">
            <label htmlFor="b-progress">
              {run.status === 'done'
                ? 'Finished'
                : run.status === 'cancelled'
                  ? 'Cancelled'
                  : run.status === 'failed'
                    ? 'Failed'
                    : `Replaying ${run.done} of ${run.total || '…'} orders`}
            </label>
            <progress
              id="b-progress"
              max={100}
              value={run.status === 'done' ? 100 : pct}
              aria-valuetext={`${pct} percent`}
            />
            {run.error && <p className="error">The run stopped: {run.error.message}</p>}
          </div>
        )}
      </Section>
      {r && (
        <>
          <div className="cards" aria-live="polite">
            <Card
              label="Orders replayed"
              value={r.baskets}
              hint={r.skipped.length ? `${r.skipped.length} could not be priced` : undefined}
            />
            <Card label="Orders that change" value={r.baskets_changed} />
            <Card
              label="Discount change"
              value={signedMoney(r.discount_delta_minor, exp, cur)}
              hint="draft − live"
            />
            <Card
              label="Revenue change"
              value={signedMoney(r.revenue_delta_minor, exp, cur)}
              hint={`live ${money(r.live_total_minor, exp)} → draft ${money(r.draft_total_minor, exp)}`}
            />
            <Card
              label="Margin impact"
              value={signedMoney(r.margin_delta_minor, exp, cur)}
              hint="net of tax, at unchanged cost prices"
            />
          </div>
          <Section title="Per promotion">
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Promotion</th>
                    <th scope="col" className="num">
                      Orders (live)
                    </th>
                    <th scope="col" className="num">
                      Orders (draft)
                    </th>
                    <th scope="col" className="num">
                      Discount live
                    </th>
                    <th scope="col" className="num">
                      Discount draft
                    </th>
                    <th scope="col" className="num">
                      Change
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {r.promotions.map((p) => (
                    <tr key={p.promo_id}>
                      <th scope="row">
                        {p.title || p.promo_id}
                        <div className="muted small">{p.promo_id}</div>
                      </th>
                      <td className="num">{p.baskets_live}</td>
                      <td className="num">{p.baskets_draft}</td>
                      <td className="num">{money(p.discount_live_minor, exp)}</td>
                      <td className="num">{money(p.discount_draft_minor, exp)}</td>
                      <td className="num">{signedMoney(p.discount_delta_minor, exp)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Section>
          <Section title="Orders that change most">
            {r.most_changed.length === 0 && (
              <p className="muted">No order prices differently under the draft.</p>
            )}
            {r.most_changed.map((b) => (
              <details key={b.order_id} className="basket">
                <summary>
                  Order {b.order_id.slice(0, 8)} ({b.store_id}, {b.business_date}):{' '}
                  {money(b.live_total_minor, exp)} → {money(b.draft_total_minor, exp)}{' '}
                  <Status kind={BigInt(b.delta_minor) < 0n ? 'warn' : 'info'}>
                    {signedMoney(b.delta_minor, exp, cur)}
                  </Status>
                </summary>
                <p className="small">
                  <a href={`#/sales/order/${encodeURIComponent(b.order_id)}`}>Open order {b.order_id}</a>
                </p>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Line</th>
                      <th scope="col" className="num">
                        Qty
                      </th>
                      <th scope="col" className="num">
                        Live payable
                      </th>
                      <th scope="col">Live promotions</th>
                      <th scope="col" className="num">
                        Draft payable
                      </th>
                      <th scope="col">Draft promotions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {b.lines.map((l) => {
                      const changed = l.live?.payable_minor !== l.draft?.payable_minor;
                      return (
                        <tr key={l.line_id} className={changed ? 'changed' : undefined}>
                          <th scope="row">{l.item_name}</th>
                          <td className="num">{l.quantity}</td>
                          <td className="num">{l.live ? money(l.live.payable_minor, exp) : '—'}</td>
                          <td>{l.live?.promotions.join(', ') || '—'}</td>
                          <td className="num">{l.draft ? money(l.draft.payable_minor, exp) : '—'}</td>
                          <td>{l.draft?.promotions.join(', ') || '—'}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </details>
            ))}
          </Section>
        </>
      )}
    </>
  );
}
