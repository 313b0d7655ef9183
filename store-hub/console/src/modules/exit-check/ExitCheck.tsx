import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/api';
import type { ExitLookup } from '../../api/api';
import { ErrorNote, Money, Notice, useAction, useLoad } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';

/** A scanner in keyboard-wedge mode types the QR value into the focused field and presses Enter. */
export function ExitCheck() {
  const { t } = useI18n();
  const [qr, setQr] = useState('');
  const [found, setFound] = useState<ExitLookup | null>(null);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const look = useAction();
  const act = useAction();
  const input = useRef<HTMLInputElement>(null);
  const settings = useLoad(() => api.exitSettings(), []);
  const [rate, setRate] = useState('');
  useEffect(() => {
    if (settings.data) setRate(settings.data.random_check_percent);
  }, [settings.data]);

  const lookup = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const r = await look.run(() => api.exitLookup(qr.trim()));
    setFound(r ?? null);
  };
  const finish = (msg: string) => {
    setDone(msg);
    setFound(null);
    setQr('');
    setReason('');
    input.current?.focus();
  };

  return (
    <section aria-labelledby="ex-title">
      <h1 id="ex-title">{t('ex.title')}</h1>
      <form className="inline" onSubmit={lookup}>
        <label className="field">
          <span>{t('ex.scan')}</span>
          <input ref={input} value={qr} onChange={(e) => setQr(e.target.value)} required autoFocus />
        </label>
        <button type="submit" className="primary" disabled={look.busy}>
          {t('ex.look')}
        </button>
      </form>
      <ErrorNote error={look.error} />
      {done && <Notice>{done}</Notice>}
      {found && (
        <article className="card" aria-labelledby="bag-title">
          <h2 id="bag-title">
            {t('ex.bagCheck', { n: found.order.o_id })} · <Money value={found.order.total} /> ·{' '}
            {found.order.retailer_device_id} ·{' '}
            {new Date(found.order.completed_at ?? found.order.created_at).toLocaleTimeString()}
          </h2>
          <h3>{t('ex.items')}</h3>
          <ul className="bag">
            {found.items.map((i, n) => (
              <li key={n} className={i.restricted ? 'restricted' : undefined}>
                {i.quantity} × {i.name}
              </li>
            ))}
          </ul>
          {found.age_approved_by && <p>{t('ex.ageApproved', { who: found.age_approved_by })}</p>}
          {found.verifications.length > 0 && (
            <>
              <h3>{t('ex.previous')}</h3>
              <ul>
                {found.verifications.map((v, i) => (
                  <li key={i}>
                    {v.outcome} — {v.staff} {new Date(v.at).toLocaleTimeString()} {v.reason ?? ''}
                  </li>
                ))}
              </ul>
            </>
          )}
          <ErrorNote error={act.error} />
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={act.busy}
              onClick={() =>
                void act
                  .run(() => api.verify(found.order.order_id))
                  .then((r) => r && finish(t('ex.verified', { n: found.order.o_id })))
              }
            >
              {t('ex.verify')}
            </button>
            <form
              className="inline"
              onSubmit={(e) => {
                e.preventDefault();
                void act
                  .run(() => api.failVerification(found.order.order_id, reason))
                  .then((r) => r && finish(t('ex.failedDone', { n: found.order.o_id })));
              }}
            >
              <label className="field">
                <span>{t('ex.failReason')}</span>
                <input value={reason} onChange={(e) => setReason(e.target.value)} required />
              </label>
              <button type="submit" className="danger" disabled={act.busy}>
                {t('ex.fail')}
              </button>
            </form>
          </div>
        </article>
      )}
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void act.run(() => api.saveExitSettings(rate.trim())).then((r) => r && settings.reload());
        }}
      >
        <label className="field">
          <span>{t('ex.random')} (%)</span>
          <input
            inputMode="decimal"
            value={rate}
            onChange={(e) => setRate(e.target.value)}
            aria-describedby="rate-help"
          />
        </label>
        <p id="rate-help" className="muted">
          {t('ex.randomHelp')}
        </p>
        <button type="submit">{t('ex.randomSave')}</button>
      </form>
    </section>
  );
}
