import { Card, ErrorNote, Section, Status } from '../components';
import { ago, duration, when } from '../format';
import { useApi } from '../hooks';

interface FleetStore {
  store_id: string;
  name: string;
  last_contact_at: string | null;
  max_hub_seq: number;
  gaps: { from: number; to: number }[];
  missing_events: number;
  sync: { backlog: number; oldest_unsent_at: string | null; lag_seconds: number };
  streams: { stream: string; published: number; applied: number | null; behind: boolean }[];
  devices: {
    device_id: string;
    kind: string | null;
    status: string;
    last_seen_at: string | null;
    faults: string[];
  }[];
  faults: number;
  dead_letters: number;
  alerts_24h: number;
}
interface Fleet {
  generated_at: string;
  hq_outbox: { unsent: number; oldest_unsent_at: string | null };
  stores: FleetStore[];
  alerts: {
    event_id: string;
    store_id: string;
    code: string;
    severity: string;
    message: string | null;
    occurred_at: string;
  }[];
  dead_letters: {
    id: string;
    topic: string;
    code: string;
    store_id: string | null;
    created_at: string | null;
    replay_attempts: number;
  }[];
}

export function FleetPage() {
  const { data, error, reload } = useApi<Fleet>('/fleet', 5000);
  const stores = data?.stores ?? [];
  return (
    <>
      <div className="page-head">
        <h1>Fleet</h1>
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </div>
      <ErrorNote message={error} />
      <div className="cards">
        <Card label="Stores" value={stores.length} />
        <Card label="Stores with gaps" value={stores.filter((s) => s.missing_events > 0).length} />
        <Card label="Device faults" value={stores.reduce((n, s) => n + s.faults, 0)} />
        <Card label="Open alerts (7 days)" value={data?.alerts.length ?? 0} />
        <Card label="Dead letters" value={data?.dead_letters.length ?? 0} />
        <Card
          label="HQ outbox unsent"
          value={data?.hq_outbox.unsent ?? 0}
          hint={
            data?.hq_outbox.oldest_unsent_at ? `oldest ${ago(data.hq_outbox.oldest_unsent_at)}` : undefined
          }
        />
      </div>
      <Section title="Stores">
        <div className="table-wrap">
          <table>
            <caption className="sr-only">
              Every store with its last contact, sync lag, gaps and data versions
            </caption>
            <thead>
              <tr>
                <th scope="col">Store</th>
                <th scope="col">Last contact</th>
                <th scope="col">Sync lag</th>
                <th scope="col">hub_seq gaps</th>
                <th scope="col">Data versions (applied / published)</th>
                <th scope="col">Devices</th>
                <th scope="col">Alerts 24 h</th>
                <th scope="col">Dead letters</th>
              </tr>
            </thead>
            <tbody>
              {stores.length === 0 && (
                <tr>
                  <td colSpan={8}>No store has been in contact yet.</td>
                </tr>
              )}
              {stores.map((s) => (
                <tr key={s.store_id}>
                  <th scope="row">
                    {s.name || s.store_id}
                    <div className="muted small">{s.store_id}</div>
                  </th>
                  <td title={when(s.last_contact_at)}>{ago(s.last_contact_at)}</td>
                  <td>
                    {s.sync.backlog > 0 ? (
                      <Status kind={s.sync.lag_seconds > 3600 ? 'bad' : 'warn'}>
                        {s.sync.backlog} unsent, oldest {duration(s.sync.lag_seconds)}
                      </Status>
                    ) : (
                      <Status kind="ok">up to date</Status>
                    )}
                  </td>
                  <td>
                    {s.missing_events === 0 ? (
                      <Status kind="ok">none</Status>
                    ) : (
                      <Status kind="bad">
                        {s.missing_events} missing (
                        {s.gaps.map((g) => (g.from === g.to ? g.from : `${g.from}–${g.to}`)).join(', ')})
                      </Status>
                    )}
                  </td>
                  <td>
                    {s.streams.length === 0 ? (
                      <span className="muted">nothing published</span>
                    ) : (
                      <ul className="plain">
                        {s.streams.map((v) => (
                          <li key={v.stream}>
                            {v.stream}: {v.applied ?? '—'} / {v.published}{' '}
                            {v.behind ? (
                              <Status kind="warn">behind</Status>
                            ) : (
                              <Status kind="ok">applied</Status>
                            )}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    <ul className="plain">
                      {s.devices.map((d) => (
                        <li key={d.device_id}>
                          {d.device_id}{' '}
                          {d.faults.length === 0 ? (
                            <Status kind="ok">{d.status}</Status>
                          ) : (
                            <Status kind="bad">{d.faults.join(', ')}</Status>
                          )}
                        </li>
                      ))}
                      {s.devices.length === 0 && <li className="muted">no heartbeat yet</li>}
                    </ul>
                  </td>
                  <td>{s.alerts_24h}</td>
                  <td>{s.dead_letters}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Open alerts">
        {data && data.alerts.length === 0 ? (
          <p className="muted">No alerts in the last 7 days.</p>
        ) : (
          <ul className="list">
            {data?.alerts.map((a) => (
              <li key={a.event_id}>
                <Status kind={a.severity === 'critical' ? 'bad' : a.severity === 'warning' ? 'warn' : 'info'}>
                  {a.severity}
                </Status>{' '}
                <strong>{a.code}</strong> {a.store_id} — {a.message ?? ''}{' '}
                <span className="muted">{ago(a.occurred_at)}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Dead letters">
        {data && data.dead_letters.length === 0 ? (
          <p className="muted">No unresolved dead letters.</p>
        ) : (
          <ul className="list">
            {data?.dead_letters.map((d) => (
              <li key={d.id}>
                <strong>{d.code}</strong> from {d.store_id ?? d.topic}{' '}
                <span className="muted">
                  {ago(d.created_at)}, {d.replay_attempts} replay(s)
                </span>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}
