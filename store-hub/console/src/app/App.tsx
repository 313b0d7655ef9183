import { useEffect, useRef, useState } from 'react';
import { visibleTabs, type ConsoleTab } from '../../../src/modules/console-auth/permissions';
import { onLive, onLiveStatus } from '../api/live';
import { useI18n, type Lang } from '../i18n/i18n';
import { Assistance } from '../modules/assistance/Assistance';
import { AuditLog } from '../modules/audit/AuditLog';
import { Devices } from '../modules/devices/Devices';
import { ExitCheck } from '../modules/exit-check/ExitCheck';
import { Interventions } from '../modules/interventions/Interventions';
import { Lanes } from '../modules/lanes/Lanes';
import { Orders } from '../modules/orders/Orders';
import { Refunds } from '../modules/refunds/Refunds';
import { Shifts } from '../modules/shifts/Shifts';
import { Sync } from '../modules/sync/Sync';
import { href, useRoute } from './router';
import { ResetPin, SignIn } from './SignIn';
import { useSession } from './session';

const MODULES: Record<ConsoleTab, (p: { arg: string | null }) => React.ReactElement> = {
  lanes: Lanes,
  interventions: Interventions,
  assistance: Assistance,
  orders: Orders,
  refunds: Refunds,
  shifts: Shifts,
  exit_check: ExitCheck,
  devices: Devices,
  audit: AuditLog,
  sync: Sync,
};

/** A short two-tone chime through Web Audio (no sound files to ship). */
function chime(): void {
  try {
    const ctx = new AudioContext();
    const o = ctx.createOscillator();
    const g = ctx.createGain();
    o.connect(g).connect(ctx.destination);
    o.frequency.setValueAtTime(880, ctx.currentTime);
    o.frequency.setValueAtTime(660, ctx.currentTime + 0.15);
    g.gain.setValueAtTime(0.2, ctx.currentTime);
    g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.4);
    o.start();
    o.stop(ctx.currentTime + 0.4);
  } catch {
    // No audio device: the visible cue still shows.
  }
}

export function App() {
  const { loading, user } = useSession();
  const { t } = useI18n();
  if (loading) return <p className="loading">{t('app.loading')}</p>;
  if (!user) return <SignIn />;
  if (user.force_reset_pin) return <ResetPin />;
  return <Shell />;
}

function Shell() {
  const { t, lang, setLang } = useI18n();
  const { user, store, signOut } = useSession();
  const route = useRoute();
  const tabs = visibleTabs(user!.role_tabs);
  const tab = (tabs as string[]).includes(route.tab) ? (route.tab as ConsoleTab) : tabs[0];
  const [live, setLive] = useState(false);
  const [toast, setToast] = useState<string | null>(null);
  const [pending, setPending] = useState(0);
  const toastTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => onLiveStatus(setLive), []);
  useEffect(
    () =>
      onLive(['intervention.created', 'intervention.decided'], (_iv, name) => {
        if (name === 'intervention.created') {
          setPending((n) => n + 1);
          setToast(t('iv.new'));
          chime();
          clearTimeout(toastTimer.current);
          toastTimer.current = setTimeout(() => setToast(null), 8000);
        }
        if (name === 'intervention.decided') setPending((n) => Math.max(0, n - 1));
      }),
    [t],
  );
  useEffect(() => {
    if (tab === 'interventions') setPending(0);
  }, [tab]);

  const Module = tab ? MODULES[tab] : null;
  return (
    <div className="shell">
      <a
        href="#main"
        className="skip"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        {t('app.skip')}
      </a>
      <header className="top">
        <span className="brand">{store?.name ?? 'Kassa'}</span>
        <span className={live ? 'live up' : 'live down'} role="status">
          {live ? t('app.live') : t('app.liveLost')}
        </span>
        <span className="who">{t('app.signedInAs', { name: user!.display_name || user!.username })}</span>
        <label className="lang">
          <span className="sr-only">{t('app.language')}</span>
          <select
            value={lang}
            onChange={(e) => setLang(e.target.value as Lang)}
            aria-label={t('app.language')}
          >
            <option value="en">English</option>
            <option value="de">Deutsch</option>
          </select>
        </label>
        <button type="button" onClick={() => void signOut()}>
          {t('app.signOut')}
        </button>
      </header>
      <nav aria-label={t('app.nav')} className="side">
        <ul>
          {tabs.map((m) => (
            <li key={m}>
              <a href={href(m)} aria-current={m === tab ? 'page' : undefined}>
                {t(`tab.${m}`)}
                {m === 'interventions' && pending > 0 && (
                  <span className="badge" aria-label={`${pending}`}>
                    {pending}
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1} className="content">
        {Module ? (
          <Module key={tab} arg={tab === route.tab ? route.arg : null} />
        ) : (
          <p>{t('app.noModules')}</p>
        )}
      </main>
      <div aria-live="assertive" className="toast-region">
        {toast && (
          <a className="toast" href={href('interventions')}>
            {toast}
          </a>
        )}
      </div>
    </div>
  );
}
