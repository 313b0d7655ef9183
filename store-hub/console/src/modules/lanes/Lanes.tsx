import { useEffect, useMemo } from 'react';
import { api } from '../../api/api';
import { onLive } from '../../api/live';
import { href } from '../../app/router';
import { duration, ErrorNote, Money, useLoad, useNow } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';

/** A kiosk not heard from for this long shows offline (the hub's own rule, device-admin OFFLINE_AFTER_MS). */
const OFFLINE_AFTER_MS = 8_000;
/** A slow re-read in case a live event was missed (a reconnect); live events do the rest. */
const FALLBACK_MS = 15_000;

/**
 * Every kiosk with its state, re-read when a lane's basket, interventions, order or device
 * changes (live events, at most about 4 reads a second however busy the store is). A silent
 * kiosk turns offline from its last contact on this page's own clock, corrected by the hub's
 * time, so no poll is needed for that.
 */
export function Lanes() {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => api.lanes(), []);
  const now = useNow();
  const skew = useMemo(() => (data ? Date.parse(data.server_time) - Date.now() : 0), [data]);
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | null = null;
    const soon = () => {
      pending ??= setTimeout(() => {
        pending = null;
        reload();
      }, 250);
    };
    const id = setInterval(reload, FALLBACK_MS);
    const off = onLive(
      [
        'basket.updated',
        'intervention.created',
        'intervention.decided',
        'order.completed',
        'orders.abandoned',
        'payment.result',
        'device.event',
        'device.revoked',
      ],
      soon,
    );
    return () => {
      clearInterval(id);
      if (pending) clearTimeout(pending);
      off();
    };
  }, [reload]);
  const stateOf = (l: { state: string; last_contact_at: string | null }): string =>
    l.state !== 'offline' &&
    (l.last_contact_at === null || now + skew - Date.parse(l.last_contact_at) > OFFLINE_AFTER_MS)
      ? 'offline'
      : l.state;

  return (
    <section aria-labelledby="lanes-title">
      <h1 id="lanes-title">{t('tab.lanes')}</h1>
      <ErrorNote error={error} />
      {data && data.lanes.length === 0 && <p>{t('lanes.empty')}</p>}
      <ul className="lanes">
        {data?.lanes.map((l) => (
          <li
            key={l.device_id}
            className={`lane state-${stateOf(l)}`}
            data-testid={`lane-${l.retailer_device_id}`}
          >
            <h2>
              {l.retailer_device_id} <span className="muted">{l.name}</span>
            </h2>
            <p className="lane-state">
              <strong>{t(`lane.state.${stateOf(l) as typeof l.state}`)}</strong>{' '}
              {t('lanes.inState', { time: duration(t, (now - Date.parse(l.state_since)) / 1000) })}
            </p>
            {l.basket && (
              <p>
                <Money value={l.basket.total} /> ·{' '}
                {t(l.basket.line_count === 1 ? 'lanes.line' : 'lanes.lines', { n: l.basket.line_count })}
              </p>
            )}
            {l.basket && l.basket.lines.length > 0 && (
              <ul className="lane-lines">
                {l.basket.lines.slice(-3).map((x, i) => (
                  <li key={i}>
                    {x.quantity} × {x.name}
                  </li>
                ))}
              </ul>
            )}
            <p className="muted">
              {t('lanes.printer')}: {t(`status.${statusKey(l.printer)}`)} · {t('lanes.terminal')}:{' '}
              {t(`status.${statusKey(l.terminal)}`)}
            </p>
            {l.last_contact_at && (
              <p className="muted">
                {/* The duration goes inside the sentence: German puts it last, English before "ago". */}
                {t('lanes.lastContact', { time: duration(t, (now - Date.parse(l.last_contact_at)) / 1000) })}
              </p>
            )}
            {l.basket && (
              <a className="button" href={href('assistance', l.device_id)}>
                {t('lanes.open')} {l.retailer_device_id}
              </a>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

const KNOWN = ['ok', 'offline', 'unknown', 'none', 'paper_low', 'error'] as const;
const statusKey = (s: string): (typeof KNOWN)[number] =>
  (KNOWN as readonly string[]).includes(s) ? (s as (typeof KNOWN)[number]) : 'unknown';
