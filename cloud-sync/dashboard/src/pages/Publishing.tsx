import { useState } from 'react';
import { ApiFailure, api } from '../api';
import type { Me } from '../App';
import { ErrorNote, Section, Status } from '../components';
import { when } from '../format';
import { useApi } from '../hooks';

interface Plan {
  report: {
    accepted: number;
    rejected: { section: string; index: number; id?: string; path: string; message: string }[];
  };
  stores: {
    store_id: string;
    current_version: number;
    diff: { added: string[]; changed: string[]; removed: string[]; unchanged: number };
  }[];
  unknown_stores: string[];
}
interface Publications {
  publications: {
    publication_id: string;
    store_id: string;
    stream: string;
    type: string;
    version: number;
    created_at: string | null;
    created_by: string | null;
    applied: boolean;
    applied_version: number | null;
  }[];
}
interface Stores {
  stores: { store_id: string; name: string; groups: string[] }[];
}

type Stream = 'catalog' | 'promotions' | 'tax';

const ids = (l: string[]) =>
  l.length > 12 ? `${l.slice(0, 12).join(', ')} and ${l.length - 12} more` : l.join(', ');

export function PublishingPage({ me }: { me: Me }) {
  const canPublish = me.permissions.includes('publish');
  const stores = useApi<Stores>('/stores');
  const pubs = useApi<Publications>('/publishing/publications?limit=50', 3000);
  const [stream, setStream] = useState<Stream>('promotions');
  const [mode, setMode] = useState<'snapshot' | 'delta'>('snapshot');
  const [storeIds, setStoreIds] = useState<string[]>([]);
  const [groups, setGroups] = useState('');
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const allGroups = [...new Set((stores.data?.stores ?? []).flatMap((s) => s.groups))].sort();

  const body = () => ({
    stream,
    mode,
    store_ids: storeIds,
    groups: groups
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean),
    format: file && /\.csv$/i.test(file.name) ? 'csv' : 'json',
    content: file?.content ?? '',
  });
  const run = async (what: 'plan' | 'publish') => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      if (what === 'plan') setPlan(await api<Plan>('/publishing/plan', { method: 'POST', body: body() }));
      else {
        const r = await api<{ publications: { store_id: string; version: number }[] }>(
          '/publishing/publish',
          { method: 'POST', body: body() },
        );
        setDone(
          `Published ${stream} to ${r.publications.map((p) => `${p.store_id} (version ${p.version})`).join(', ')}.`,
        );
        setPlan(null);
        pubs.reload();
      }
    } catch (e) {
      setError(e instanceof ApiFailure ? e.message : String(e));
      if (e instanceof ApiFailure && e.details.report)
        setPlan({ report: e.details.report as Plan['report'], stores: [], unknown_stores: [] });
    } finally {
      setBusy(false);
    }
  };
  const ready = file !== null && (storeIds.length > 0 || groups.trim() !== '');
  return (
    <>
      <h1>Publishing</h1>
      {!canPublish && (
        <p className="note" role="note">
          Your role ({me.role}) can look at publications but cannot publish.
        </p>
      )}
      <Section title="Upload">
        <form
          className="filters"
          aria-label="What to publish"
          onSubmit={(e) => {
            e.preventDefault();
            void run('plan');
          }}
        >
          <div>
            <label htmlFor="p-stream">Data</label>
            <select id="p-stream" value={stream} onChange={(e) => setStream(e.target.value as Stream)}>
              <option value="catalog">Catalogue (JSON or CSV)</option>
              <option value="promotions">Promotions (JSON)</option>
              <option value="tax">Tax table (JSON or CSV)</option>
            </select>
          </div>
          <div>
            <label htmlFor="p-mode">Publish as</label>
            <select
              id="p-mode"
              value={mode}
              onChange={(e) => setMode(e.target.value as 'snapshot' | 'delta')}
            >
              <option value="snapshot">Full snapshot (replaces what is live)</option>
              <option value="delta" disabled={stream === 'tax'}>
                Changes only (delta)
              </option>
            </select>
          </div>
          <div>
            <label htmlFor="p-file">File</label>
            <input
              id="p-file"
              type="file"
              accept=".json,.csv,application/json,text/csv"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                setPlan(null);
                setFile(f ? { name: f.name, content: await f.text() } : null);
              }}
            />
          </div>
          <div>
            <label htmlFor="p-stores">Stores</label>
            <select
              id="p-stores"
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
            <label htmlFor="p-groups">Or store groups (comma-separated)</label>
            <input
              id="p-groups"
              value={groups}
              onChange={(e) => setGroups(e.target.value)}
              placeholder={allGroups.join(', ') || 'none defined'}
            />
          </div>
          <button type="submit" disabled={!ready || busy}>
            Check the file
          </button>
          <button
            type="button"
            className="primary"
            disabled={!ready || busy || !canPublish || !plan || plan.report.rejected.length > 0}
            onClick={() => void run('publish')}
          >
            Publish
          </button>
        </form>
        <ErrorNote message={error} />
        {done && (
          <p className="ok-note" role="status">
            {done}
          </p>
        )}
      </Section>
      {plan && (
        <Section title="Validation report">
          <p role="status">
            {plan.report.rejected.length === 0 ? (
              <Status kind="ok">{plan.report.accepted} row(s) accepted, none rejected</Status>
            ) : (
              <Status kind="bad">
                {plan.report.rejected.length} problem(s) found; {plan.report.accepted} row(s) fine. Nothing
                can be published until every row is right.
              </Status>
            )}
          </p>
          {plan.report.rejected.length > 0 && (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Id</th>
                    <th scope="col">Field</th>
                    <th scope="col">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {plan.report.rejected.slice(0, 200).map((r, i) => (
                    <tr key={i}>
                      <td>
                        {r.section} #{r.index + 1}
                      </td>
                      <td>{r.id ?? '—'}</td>
                      <td>
                        <code>{r.path || '—'}</code>
                      </td>
                      <td>{r.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {plan.unknown_stores.length > 0 && (
            <p className="error">HQ does not know these stores: {plan.unknown_stores.join(', ')}.</p>
          )}
          {plan.stores.map((s) => (
            <div key={s.store_id} className="diff">
              <h3>
                {s.store_id} <span className="muted">(live version {s.current_version})</span>
              </h3>
              <p>
                <Status kind="ok">{s.diff.added.length} added</Status>{' '}
                <Status kind="warn">{s.diff.changed.length} changed</Status>{' '}
                <Status kind="bad">{s.diff.removed.length} removed</Status>{' '}
                <span className="muted">{s.diff.unchanged} unchanged</span>
              </p>
              {s.diff.added.length > 0 && <p className="small">Added: {ids(s.diff.added)}</p>}
              {s.diff.changed.length > 0 && <p className="small">Changed: {ids(s.diff.changed)}</p>}
              {s.diff.removed.length > 0 && <p className="small">Removed: {ids(s.diff.removed)}</p>}
            </div>
          ))}
        </Section>
      )}
      <Section title="Publications">
        <ErrorNote message={pubs.error} />
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Recent publications and whether each store has applied them</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Store</th>
                <th scope="col">What</th>
                <th scope="col">Version</th>
                <th scope="col">By</th>
                <th scope="col">Applied at the store</th>
              </tr>
            </thead>
            <tbody>
              {pubs.data?.publications.length === 0 && (
                <tr>
                  <td colSpan={6}>Nothing published yet.</td>
                </tr>
              )}
              {pubs.data?.publications.map((p) => (
                <tr key={p.publication_id}>
                  <td>{when(p.created_at)}</td>
                  <td>{p.store_id}</td>
                  <td>{p.type}</td>
                  <td>{p.version}</td>
                  <td>{p.created_by ?? '—'}</td>
                  <td>
                    {p.applied ? (
                      <Status kind="ok">applied</Status>
                    ) : (
                      <Status kind="warn">waiting (store has {p.applied_version ?? 'none'})</Status>
                    )}
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
