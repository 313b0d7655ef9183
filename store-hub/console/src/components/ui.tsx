/** Small shared pieces: money, durations, errors in plain sentences, data loading. */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { errorDetails, HubApiError } from '../api/hub';
import { useI18n, type Translate } from '../i18n/i18n';
import { useSession } from '../app/session';

/** Money arrives as a decimal string; it is shown as is, with the store's sign (never parsed to a float). */
export function Money({ value }: { value: string | null | undefined }) {
  const { store } = useSession();
  if (value === null || value === undefined) return <span>—</span>;
  const neg = value.startsWith('-');
  return (
    <span className="money">
      {neg ? '−' : ''}
      {store?.currency_sign ?? ''}
      {neg ? value.slice(1) : value}
    </span>
  );
}

export const formatMoney = (sign: string, value: string): string =>
  value.startsWith('-') ? `−${sign}${value.slice(1)}` : `${sign}${value}`;

export function duration(t: Translate, seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return t('time.s', { n: s });
  if (s < 3600) return t('time.m', { m: Math.floor(s / 60), s: s % 60 });
  return t('time.h', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/** A clock that ticks once a second, for timers. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

export function Since({ iso, now }: { iso: string; now: number }) {
  const { t } = useI18n();
  return <span>{duration(t, (now - Date.parse(iso)) / 1000)}</span>;
}

export function errorText(t: Translate, err: unknown): string {
  if (!(err instanceof HubApiError))
    return t('err.generic', { message: String((err as Error)?.message ?? err) });
  if (err.code === 'NETWORK') return t('err.network');
  const { permission } = errorDetails(err);
  if (err.status === 403 && typeof permission === 'string') return t('err.forbidden', { permission });
  if (err.status === 401) return t('err.session');
  // Refund-policy refusals in the console's own words (and language); the rest as the hub says them.
  const d = errorDetails(err);
  if (err.code === 'RETURN_WINDOW_PASSED' && typeof d.return_window_days === 'number')
    return t('err.returnWindow', { days: d.return_window_days });
  if (err.code === 'PARTIAL_REFUND_BLOCKED') return t('err.wholeOnly');
  if (err.code === 'REFUND_NOT_HELD') return t('err.notHeld');
  return err.message;
}

export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {errorText(t, error)}
    </p>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="notice">
      {children}
    </p>
  );
}

/** Loads data, reloads on demand; keeps the last value while reloading. */
export function useLoad<T>(
  fn: () => Promise<T>,
  deps: unknown[],
): {
  data: T | undefined;
  error: unknown;
  reload: () => void;
} {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);
  const f = useRef(fn);
  f.current = fn;
  const reload = useCallback(() => {
    const n = ++seq.current;
    f.current().then(
      (d) => {
        if (n === seq.current) {
          setData(d);
          setError(null);
        }
      },
      (e: unknown) => {
        if (n === seq.current) setError(e);
      },
    );
  }, []);
  useEffect(reload, deps);
  return { data, error, reload };
}

/** Runs an action, exposing busy and error state. */
export function useAction(): {
  busy: boolean;
  error: unknown;
  run: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>) => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}

/** A decimal money string typed by a person: digits with up to two decimals. */
export const isAmount = (s: string): boolean => /^\d{1,9}(\.\d{1,2})?$/.test(s.trim());
