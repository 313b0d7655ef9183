import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiFailure, api, setCsrf } from './api';
import { ErrorNote } from './components';
import { useHashRoute } from './hooks';
import { FleetPage } from './pages/Fleet';
import { PricingAuditPage } from './pages/PricingAudit';
import { PublishingPage } from './pages/Publishing';
import { SalesPage } from './pages/Sales';
import { TestBenchPage } from './pages/TestBench';

export interface Me {
  user_id: string;
  username: string;
  display_name: string;
  role: string;
  permissions: string[];
}

const PAGES = [
  { id: 'fleet', label: 'Fleet', permission: 'fleet.view' },
  { id: 'sales', label: 'Sales', permission: 'sales.view' },
  { id: 'publishing', label: 'Publishing', permission: 'fleet.view' },
  { id: 'testbench', label: 'Test bench', permission: 'testbench.run' },
  { id: 'audit', label: 'Pricing audit', permission: 'audit.view' },
] as const;

function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ user: Me; csrf_token: string }>('/auth/sign-in', {
        method: 'POST',
        body: { username, password },
      });
      setCsrf(r.csrf_token);
      onSignedIn(r.user);
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : 'Signing in failed; try again.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin" id="main">
      <form onSubmit={submit} className="signin-form" aria-labelledby="signin-title">
        <h1 id="signin-title">Kassa HQ</h1>
        <p className="muted">Sign in with your HQ account.</p>
        <label htmlFor="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <ErrorNote message={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checked, setChecked] = useState(false);
  const route = useHashRoute();
  useEffect(() => {
    api<{ user: Me; csrf_token: string }>('/auth/me')
      .then((r) => {
        setCsrf(r.csrf_token);
        setMe(r.user);
      })
      .catch(() => setMe(null))
      .finally(() => setChecked(true));
  }, []);
  if (!checked) return <p className="muted pad">Loading…</p>;
  if (!me) return <SignIn onSignedIn={setMe} />;
  const page = route[0] ?? 'fleet';
  const allowed = PAGES.filter((p) => me.permissions.includes(p.permission));
  const signOut = async () => {
    await api('/auth/sign-out', { method: 'POST', body: {} }).catch(() => undefined);
    setCsrf('');
    setMe(null);
  };
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Kassa HQ</span>
        <nav aria-label="Dashboard pages">
          <ul>
            {allowed.map((p) => (
              <li key={p.id}>
                <a href={`#/${p.id}`} aria-current={page === p.id ? 'page' : undefined}>
                  {p.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {me.display_name || me.username} <span className="muted">({me.role})</span>
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page === 'fleet' && <FleetPage />}
        {page === 'sales' && <SalesPage route={route} />}
        {page === 'publishing' && <PublishingPage me={me} />}
        {page === 'testbench' && <TestBenchPage me={me} />}
        {page === 'audit' && <PricingAuditPage />}
        {!PAGES.some((p) => p.id === page) && <p>There is no such page. Choose one above.</p>}
      </main>
    </div>
  );
}
