/** Money arrives as minor-unit integer strings; formatting uses BigInt so no float touches it. */
export function money(minor: string | null | undefined, exponent = 2, currency?: string | null): string {
  if (minor === null || minor === undefined) return '—';
  const v = BigInt(minor);
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? s : s.slice(0, -exponent);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const out = exponent === 0 ? grouped : `${grouped}.${s.slice(-exponent)}`;
  return `${neg ? '−' : ''}${out}${currency ? ` ${currency}` : ''}`;
}

export const signedMoney = (minor: string, exponent = 2, currency?: string | null): string =>
  BigInt(minor) > 0n ? `+${money(minor, exponent, currency)}` : money(minor, exponent, currency);

/** For chart axes only (a picture, never a figure anyone adds up). */
export const chartNumber = (minor: string, exponent = 2): number => Number(BigInt(minor)) / 10 ** exponent;

export const when = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString() : 'never';

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.max(0, s)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

export const duration = (seconds: number): string =>
  seconds < 60
    ? `${seconds} s`
    : seconds < 3600
      ? `${Math.round(seconds / 60)} min`
      : `${(seconds / 3600).toFixed(1)} h`;

export const today = (): string => new Date().toISOString().slice(0, 10);
export const daysAgo = (n: number): string =>
  new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
