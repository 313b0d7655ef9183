import { useState, type FormEvent } from 'react';
import { api } from '../api/api';
import { errorDetails, HubApiError } from '../api/hub';
import { errorText } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { useSession } from './session';

export function SignIn() {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const [mode, setMode] = useState<'password' | 'pin'>('password');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'pin' && !/^\d{6}$/.test(secret)) return setError(t('err.pin'));
    setBusy(true);
    setError(null);
    try {
      signedIn(
        mode === 'password' ? await api.signInPassword(name, secret) : await api.signInPin(name, secret),
      );
    } catch (err) {
      if (err instanceof HubApiError && err.code === 'TOO_MANY_ATTEMPTS')
        setError(
          t('err.locked', { minutes: Math.ceil(Number(errorDetails(err).retry_after_seconds ?? 60) / 60) }),
        );
      else if (err instanceof HubApiError && err.code === 'STAFF_ACCOUNT_EXPIRED') setError(t('err.expired'));
      else if (err instanceof HubApiError && err.status === 401) setError(t('err.signIn'));
      else setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title" className="card">
        <h1 id="signin-title">{t('signIn.title')}</h1>
        <fieldset className="segmented">
          <legend className="sr-only">{t('signIn.title')}</legend>
          <label>
            <input
              type="radio"
              name="mode"
              checked={mode === 'password'}
              onChange={() => setMode('password')}
            />
            {t('signIn.withPassword')}
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'pin'} onChange={() => setMode('pin')} />
            {t('signIn.withPin')}
          </label>
        </fieldset>
        <label className="field">
          <span>{mode === 'password' ? t('signIn.username') : t('signIn.staffId')}</span>
          <input
            name="user"
            autoComplete="username"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label className="field">
          <span>{mode === 'password' ? t('signIn.password') : t('signIn.pin')}</span>
          <input
            name="secret"
            type="password"
            autoComplete="current-password"
            inputMode={mode === 'pin' ? 'numeric' : undefined}
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            required
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}

export function ResetPin() {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(next)) return setError(t('err.pin'));
    try {
      signedIn(await api.resetPin(current, next));
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <main id="main" className="signin">
      <form onSubmit={submit} aria-labelledby="reset-title" className="card">
        <h1 id="reset-title">{t('signIn.resetTitle')}</h1>
        <p>{t('signIn.resetHelp')}</p>
        <label className="field">
          <span>{t('signIn.currentPin')}</span>
          <input
            type="password"
            inputMode="numeric"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>{t('signIn.newPin')}</span>
          <input
            type="password"
            inputMode="numeric"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          {t('signIn.savePin')}
        </button>
      </form>
    </main>
  );
}
