import { useEffect } from 'react';
import { api } from '../../api/api';
import { onLive } from '../../api/live';
import { href } from '../../app/router';
import { ErrorNote, Money, Since, useLoad, useNow } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';

/** Every kiosk with its state; re-read on live events and every 2 s so a silent kiosk turns offline. */
export function Lanes() {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => api.lanes(), []);
  const now = useNow();
  useEffect(() => {
    const id = setInterval(reload, 2000);
    const off = onLive(
      ['basket.updated', 'intervention.created', 'intervention.decided', 'order.completed', 'device.event'],
      () => reload(),
    );
    return () => {
      clearInterval(id);
      off();
    };
  }, [reload]);

  return (
    <section aria-labelledby="lanes-title">
      <h1 id="lanes-title">{t('tab.lanes')}</h1>
      <ErrorNote error={error} />
      {data && data.lanes.length === 0 && <p>{t('lanes.empty')}</p>}
      <ul className="lanes">
        {data?.lanes.map((l) => (
          <li
            key={l.device_id}
            className={`lane state-${l.state}`}
            data-testid={`lane-${l.retailer_device_id}`}
          >
            <h2>
              {l.retailer_device_id} <span className="muted">{l.name}</span>
            </h2>
            <p className="lane-state">
              <strong>{t(`lane.state.${l.state}`)}</strong> {t('lanes.inState', { time: '' })}
              <Since iso={l.state_since} now={now} />
            </p>
            {l.basket && (
              <p>
                <Money value={l.basket.total} /> · {t('lanes.lines', { n: l.basket.line_count })}
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
                {t('lanes.lastContact', { time: '' })}
                <Since iso={l.last_contact_at} now={now} />
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
