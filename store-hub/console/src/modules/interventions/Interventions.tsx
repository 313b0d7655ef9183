import { useEffect, useState } from 'react';
import { api } from '../../api/api';
import { onLive } from '../../api/live';
import type { Intervention } from '../../api/api';
import { href } from '../../app/router';
import { useSession } from '../../app/session';
import { duration, ErrorNote, Since, useAction, useLoad, useNow } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';

export function Interventions() {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => api.interventions(), []);
  const now = useNow();
  useEffect(() => onLive(['intervention.created', 'intervention.decided'], () => reload()), [reload]);

  return (
    <section aria-labelledby="iv-title">
      <h1 id="iv-title">{t('iv.title')}</h1>
      <p className="muted" data-testid="median">
        {data?.median_response_seconds != null
          ? t('iv.median', { time: duration(t, data.median_response_seconds) })
          : t('iv.medianNone')}
      </p>
      <ErrorNote error={error} />
      {data && data.open.length === 0 && <p>{t('iv.empty')}</p>}
      <ul className="cards">
        {data?.open.map((iv) => (
          <Card key={iv.intervention_id} iv={iv} now={now} onDone={reload} />
        ))}
      </ul>
    </section>
  );
}

function Card({ iv, now, onDone }: { iv: Intervention; now: number; onDone: () => void }) {
  const { t } = useI18n();
  const { can } = useSession();
  const act = useAction();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const age = iv.kind === 'age_check';
  const titleId = `iv-${iv.intervention_id}`;
  return (
    <li className="card intervention" aria-labelledby={titleId} data-testid="intervention">
      <h2 id={titleId}>
        {t(`iv.kind.${iv.kind}`)} — {iv.retailer_device_id}
      </h2>
      <p>
        {iv.code && <strong className="code">{t('iv.code', { code: iv.code })}</strong>}{' '}
        <span className="timer">
          {t('iv.waiting', { time: '' })}
          <Since iso={iv.created_at} now={now} />
        </span>
      </p>
      {iv.reason && !age && <p>{iv.reason}</p>}
      {age && iv.restricted_lines.length > 0 && (
        <>
          <h3>{t('iv.restricted')}</h3>
          <ul>
            {iv.restricted_lines.map((l) => (
              <li key={l.line_id}>
                {l.item_name}
                {l.minimum_age_required ? ` (${l.minimum_age_required}+)` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      <ErrorNote error={act.error} />
      <div className="actions">
        {age ? (
          <>
            <button
              type="button"
              className="primary"
              disabled={act.busy || !can('can_approve_age')}
              onClick={() =>
                void act.run(() => api.decide(iv.intervention_id, 'approve')).then((r) => r && onDone())
              }
            >
              {t('iv.approve')} {iv.retailer_device_id}
            </button>
            {!rejecting ? (
              <button type="button" disabled={!can('can_approve_age')} onClick={() => setRejecting(true)}>
                {t('iv.reject')}
              </button>
            ) : (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  void act
                    .run(() => api.decide(iv.intervention_id, 'reject', reason))
                    .then((r) => r && onDone());
                }}
              >
                <label className="field">
                  <span>{t('iv.rejectReason')}</span>
                  <input value={reason} onChange={(e) => setReason(e.target.value)} required autoFocus />
                </label>
                <button type="submit" className="danger" disabled={act.busy}>
                  {t('iv.reject')}
                </button>
              </form>
            )}
          </>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={act.busy}
            onClick={() => void act.run(() => api.resolve(iv.intervention_id)).then((r) => r && onDone())}
          >
            {t('iv.resolve')}
          </button>
        )}
        {iv.basket_id && (
          <a className="button" href={href('assistance', iv.device_id)}>
            {t('iv.openBasket')}
          </a>
        )}
      </div>
    </li>
  );
}
