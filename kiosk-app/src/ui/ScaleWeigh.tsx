/**
 * "Place the item on the scale" for a weighed PLU item (loose produce found by search or PLU):
 * the live weight of the lane's scale as the hub reads it (pushed over the socket, or asked for
 * every 250 ms while the socket is down), then the line is added with the
 * weight the HUB weighs — the kiosk never sends one. A lane without a scale gets `fallback`
 * (typing the weight on the keypad) instead.
 */
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { KioskController, KioskState } from '../basket/controller';

type T = (key: string, params?: Record<string, string | number>) => string;
type LaneScale = NonNullable<Awaited<ReturnType<KioskController['laneScale']>>>;

/**
 * Whether this kiosk's lane has a scale, from the hub's last answer. Remembered for the whole
 * session: while the hub is away a lane known to have a scale must not fall back to typed
 * weights (a shopper could type anything), and one known to have none keeps its keypad.
 */
let knownAttached: boolean | null = null;

const REFUSAL_KEY: Record<string, string> = {
  SCALE_UNSTABLE: 'scale.err.unstable',
  SCALE_EMPTY: 'scale.err.empty',
  SCALE_OVERLOAD: 'scale.err.overload',
  SCALE_UNDERLOAD: 'scale.err.underload',
  SCALE_OFFLINE: 'scale.err.offline',
  WEIGHT_OUT_OF_RANGE: 'scale.err.range',
  HUB_AWAY: 'scale.err.hub',
};

/** Grams → "0.456" (de: "0,456"), from integers only. */
export function kilograms(grams: number, lang: string): string {
  const sign = grams < 0 ? '-' : '';
  const abs = Math.abs(grams);
  const text = `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
  return lang === 'de' ? text.replace('.', ',') : text;
}

export function ScaleWeigh({
  s,
  c,
  t,
  fallback,
}: {
  s: KioskState;
  c: KioskController;
  t: T;
  fallback: ReactNode;
}) {
  const [scale, setScale] = useState<LaneScale | null>(null);
  const [asked, setAsked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ key: string; params?: Record<string, string | number> } | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);

  useEffect(
    () =>
      // Pushed by the hub while the socket is up; asked for by GET only while it is down.
      c.watchLaneScale((r) => {
        if (r) knownAttached = r.attached;
        setScale(r);
        setAsked(true);
      }),
    [c],
  );

  const attached = scale ? scale.attached : knownAttached === true;
  useEffect(() => {
    if (attached) addRef.current?.focus();
  }, [attached]);

  const name = s.weighing?.name ?? '';
  const title = t('scale.title', { name });
  if (!asked && knownAttached !== true)
    return (
      <div className="modal-back">
        <div className="modal" role="dialog" aria-modal="true" aria-label={title}>
          <h2>{title}</h2>
          <p role="status">{t('scale.adding')}</p>
        </div>
      </div>
    );
  if (!attached) return <>{fallback}</>;

  const reading = scale?.reading ?? null;
  const grams = reading?.weight_g ?? null;
  const shown = grams !== null && grams > 0 ? kilograms(grams, s.lang) : kilograms(0, s.lang);
  const status =
    scale === null
      ? t('scale.err.hub')
      : reading === null || scale.health !== 'online'
        ? t('scale.err.offline')
        : reading.status === 'overload'
          ? t('scale.err.overload')
          : reading.status === 'underload'
            ? t('scale.err.underload')
            : grams === null || grams <= 0
              ? t('scale.empty')
              : reading.status === 'moving'
                ? t('scale.moving')
                : t('scale.stable');

  const add = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const refusal = await c.addWeighedByScale();
    setBusy(false);
    if (!refusal) return;
    if (refusal.code === 'SCALE_NOT_ATTACHED') {
      knownAttached = false;
      setScale({ attached: false, device_id: null, health: null, reading: null });
      return;
    }
    const d = (refusal.details ?? {}) as { min_weight_g?: number; max_weight_g?: number };
    setError({
      key: REFUSAL_KEY[refusal.code] ?? 'scale.err.generic',
      params: { min: d.min_weight_g ?? '', max: d.max_weight_g ?? '' },
    });
  };

  return (
    <div className="modal-back">
      <div className="modal" role="dialog" aria-modal="true" aria-label={title} data-testid="scale-panel">
        <h2>{title}</h2>
        <div className="scale" aria-hidden="true">
          ⚖
        </div>
        <div>
          <div className="muted">{t('scale.live')}</div>
          <output
            data-testid="scale-weight"
            aria-label={t('scale.live')}
            style={{ fontSize: '3.5rem', fontWeight: 800, fontVariantNumeric: 'tabular-nums' }}
          >
            {shown} kg
          </output>
          <p role="status" aria-live="polite" data-testid="scale-status">
            {status}
          </p>
        </div>
        {error && (
          <p className="callout error" role="alert" data-testid="scale-error">
            {t(error.key, error.params)}
          </p>
        )}
        <div className="row">
          <button
            ref={addRef}
            className="primary big"
            disabled={busy}
            data-testid="scale-add"
            onClick={() => void add()}
          >
            {busy
              ? t('scale.adding')
              : grams && grams > 0
                ? t('scale.add', { weight: shown })
                : t('weigh.add')}
          </button>
          <button className="big" onClick={() => c.cancelWeighing()}>
            {t('scale.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
