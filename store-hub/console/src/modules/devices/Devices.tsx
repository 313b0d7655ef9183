import { useEffect, useState } from 'react';
import { api } from '../../api/api';
import { onLive } from '../../api/live';
import type { DeviceInfo } from '../../api/api';
import { ErrorNote, Notice, Since, useAction, useLoad, useNow } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';

export function Devices() {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => api.devices(), []);
  const act = useAction();
  const [msg, setMsg] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<DeviceInfo | null>(null);
  const now = useNow();
  useEffect(() => {
    const id = setInterval(reload, 3000);
    const off = onLive(['device.event', 'device.revoked'], () => reload());
    return () => {
      clearInterval(id);
      off();
    };
  }, [reload]);

  return (
    <section aria-labelledby="dv-title">
      <h1 id="dv-title">{t('dv.title')}</h1>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() =>
            void act
              .run(() => api.pairingCode())
              .then(
                (c) =>
                  c &&
                  setMsg(t('dv.code', { code: c.code, time: new Date(c.expires_at).toLocaleTimeString() })),
              )
          }
        >
          {t('dv.pair')}
        </button>
        <button
          type="button"
          onClick={() =>
            void act
              .run(() => api.terminalCheck())
              .then((r) => r && setMsg(r.ok ? t('dv.terminalOk', { ms: r.ms }) : t('dv.terminalDown')))
          }
        >
          {t('dv.terminalCheck')}
        </button>
      </div>
      {msg && <Notice>{msg}</Notice>}
      <ErrorNote error={error ?? act.error} />
      {confirm && (
        <div role="alertdialog" aria-labelledby="revoke-q" className="card confirm">
          <p id="revoke-q">{t('dv.revokeConfirm', { name: confirm.name })}</p>
          <button
            type="button"
            className="danger"
            autoFocus
            onClick={() =>
              void act
                .run(() => api.revoke(confirm.device_id, 'revoked from the console'))
                .then(() => {
                  setConfirm(null);
                  reload();
                })
            }
          >
            {t('dv.revoke')}
          </button>
          <button type="button" onClick={() => setConfirm(null)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      <table className="grid">
        <caption className="sr-only">{t('dv.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dv.name')}</th>
            <th scope="col">{t('dv.kind')}</th>
            <th scope="col">{t('dv.status')}</th>
            <th scope="col">{t('dv.lastContact')}</th>
            <th scope="col">{t('as.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {data?.devices.map((d) => (
            <tr key={d.device_id} data-testid={`device-${d.retailer_device_id}`}>
              <th scope="row">
                {d.retailer_device_id} <span className="muted">{d.name}</span>
              </th>
              <td>{d.kind}</td>
              <td>{d.revoked_at ? t('dv.revoked') : d.online ? t('dv.online') : t('dv.offline')}</td>
              <td>{d.last_contact_at ? <Since iso={d.last_contact_at} now={now} /> : t('dv.never')}</td>
              <td className="actions">
                {d.has_printer && !d.revoked_at && (
                  <button
                    type="button"
                    onClick={() =>
                      void act
                        .run(() => api.testPrint(d.device_id))
                        .then((r) => r && setMsg(t('dv.printed', { name: d.name })))
                    }
                  >
                    {t('dv.testPrint')}
                  </button>
                )}
                {!d.revoked_at && (
                  <button type="button" className="danger" onClick={() => setConfirm(d)}>
                    {t('dv.revoke')} {d.retailer_device_id}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
